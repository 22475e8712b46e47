from pathlib import Path

import polib
import pytest
from django.core.management import CommandError, call_command

PO_HEADER = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: fi\\n"

"""


def _write_catalogue(base: Path, relative: str, body: str) -> Path:
    path = base / relative
    path.parent.mkdir(parents=True)
    path.write_text(PO_HEADER + body, encoding="utf-8")
    return path


def test_compiles_project_and_app_catalogues_without_fuzzy_entries(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    project = _write_catalogue(tmp_path, "locale/fi/LC_MESSAGES/django.po", 'msgid "Hello"\nmsgstr "Hei"\n')
    app = _write_catalogue(
        tmp_path,
        "apps/shop/locale/fi/LC_MESSAGES/django.po",
        'msgid "Cart"\nmsgstr "Ostoskori"\n\n#, fuzzy\nmsgid "Checkout"\nmsgstr "Kassa?"\n',
    )

    call_command("translations_compile")

    assert polib.mofile(str(project.with_suffix(".mo"))).find("Hello").msgstr == "Hei"
    compiled = polib.mofile(str(app.with_suffix(".mo")))
    assert compiled.find("Cart").msgstr == "Ostoskori"
    assert compiled.find("Checkout") is None


def test_a_broken_catalogue_fails_loudly(tmp_path, settings):
    settings.BASE_DIR = tmp_path
    _write_catalogue(tmp_path, "locale/fi/LC_MESSAGES/django.po", 'msgid "Hello"\nmsgstr "Hei"\nnonsense here\n')

    with pytest.raises(CommandError, match=r"locale/fi/LC_MESSAGES/django\.po"):
        call_command("translations_compile")
