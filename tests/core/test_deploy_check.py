"""`check --deploy` with the production settings is clean."""

import os
import secrets
import subprocess
import sys

from django.conf import settings


def test_deploy_check_prints_no_warnings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cxplatform.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": ".kokemus.example,kokemus.example",
        "BASE_DOMAIN": "kokemus.example",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNING" not in output
    assert "System check identified no issues" in output
