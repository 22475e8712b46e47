"""The layout rule of docs/code-layout.md: an app's templates and static files live in the app,
under a folder of its own name; the top level holds only what is project-wide."""

from pathlib import Path

from django.conf import settings
from django.template.loader import get_template

ROOT = Path(settings.BASE_DIR)
APPS = sorted(path.parent for path in (ROOT / "apps").glob("*/apps.py"))

# Project-wide templates: the base page, the error pages, shared includes, and the admin's and
# third-party apps' templates.
TOP_TEMPLATES = {"base.html", "400.html", "403.html", "403_csrf.html", "404.html", "429.html", "500.html"}
TOP_TEMPLATE_FOLDERS = {"admin", "drf_spectacular", "errors", "includes", "simple_history"}
TOP_STATIC_FOLDERS = {"css", "img", "js", "vendor"}


def test_top_level_templates_are_project_wide_only() -> None:
    entries = {path.name for path in (ROOT / "templates").iterdir()}
    assert entries <= TOP_TEMPLATES | TOP_TEMPLATE_FOLDERS
    app_names = {app.name for app in APPS}
    assert not entries & app_names, "an app's templates belong in apps/<app>/templates/<app>/"


def test_top_level_static_is_shared_only() -> None:
    assert {path.name for path in (ROOT / "static").iterdir()} <= TOP_STATIC_FOLDERS


def test_each_app_keeps_its_files_under_its_own_name() -> None:
    for app in APPS:
        for kind in ("templates", "static"):
            folder = app / kind
            if folder.is_dir():
                assert [path.name for path in folder.iterdir()] == [app.name], f"{folder}"


def test_top_level_overrides_win_over_the_apps() -> None:
    """The admin's index is ours (templates/admin/), not django.contrib.admin's."""
    origin = Path(get_template("admin/index.html").origin.name)
    assert origin == ROOT / "templates" / "admin" / "index.html"
    origin = Path(get_template("customers/customer_list.html").origin.name)
    assert origin == ROOT / "apps" / "customers" / "templates" / "customers" / "customer_list.html"
