"""A server started without DJANGO_SETTINGS_MODULE runs with the production settings, and the
production settings keep database connections as configured."""

import json
import os
import secrets
import subprocess
import sys

from django.conf import settings

CONNECTION_KEYS = {"CONN_MAX_AGE", "CONN_HEALTH_CHECKS"}
REPORT = (
    "import json; from django.conf import settings; "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({'module': settings.SETTINGS_MODULE, 'debug': settings.DEBUG, "
    "'hosts': settings.ALLOWED_HOSTS, 'conn_max_age': db['CONN_MAX_AGE'], "
    "'conn_health_checks': db['CONN_HEALTH_CHECKS']}))"
)


def _python(code: str, **environment: str) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter with no DJANGO_SETTINGS_MODULE, DEBUG or SECRET_KEY of ours."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", *CONNECTION_KEYS}
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**env, **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _report(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_wsgi_without_a_settings_module_refuses_to_start_without_a_secret_key_and_hosts():
    result = _python("import cxplatform.wsgi")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_wsgi_without_a_settings_module_runs_production_with_debug_off():
    result = _python(
        f"import cxplatform.wsgi; {REPORT}",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=".kokemus.example",
        DEBUG="1",
    )

    report = _report(result)
    assert report["module"] == "cxplatform.settings.production"
    assert report["debug"] is False
    assert report["hosts"] == [".kokemus.example"]


def test_celery_app_without_a_settings_module_runs_production():
    result = _python(
        f"from cxplatform.celery import app; app.loader.import_default_modules(); {REPORT}",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=".kokemus.example",
    )

    assert _report(result)["module"] == "cxplatform.settings.production"


def test_production_keeps_and_checks_database_connections_by_default():
    production = {"DJANGO_SETTINGS_MODULE": "cxplatform.settings.production", "ALLOWED_HOSTS": "kokemus.example"}
    result = _python(f"import django; django.setup(); {REPORT}", SECRET_KEY=secrets.token_urlsafe(50), **production)

    report = _report(result)
    assert (report["conn_max_age"], report["conn_health_checks"]) == (60, True)


def test_database_connection_reuse_comes_from_the_environment():
    production = {"DJANGO_SETTINGS_MODULE": "cxplatform.settings.production", "ALLOWED_HOSTS": "kokemus.example"}
    result = _python(
        f"import django; django.setup(); {REPORT}",
        SECRET_KEY=secrets.token_urlsafe(50),
        CONN_MAX_AGE="300",
        CONN_HEALTH_CHECKS="0",
        **production,
    )

    report = _report(result)
    assert (report["conn_max_age"], report["conn_health_checks"]) == (300, False)
