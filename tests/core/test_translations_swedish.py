"""Swedish ships: every Swedish catalogue is complete, keeps its placeholders and keeps up with the Finnish one."""

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
# Every Swedish catalogue there is, the project's and each app's: a catalogue added later is checked too.
CATALOGUES = sorted(
    [*BASE.glob("locale/sv/LC_MESSAGES/django.po"), *BASE.glob("apps/*/locale/sv/LC_MESSAGES/django.po")]
)
# At least these speak Swedish: the shell and everything a customer sees.
REQUIRED = ["locale", "apps/surveys/locale", "apps/customers/locale", "apps/encounters/locale", "apps/cases/locale"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}|%s")


def _name(path: Path) -> str:
    return str(path.relative_to(BASE).parent.parent.parent)


def test_the_required_catalogues_exist():
    assert {_name(path) for path in CATALOGUES} >= set(REQUIRED)


@pytest.mark.parametrize("path", CATALOGUES, ids=_name)
def test_catalogue_is_complete_and_consistent(path):
    catalogue = polib.pofile(str(path), check_for_duplicates=True)
    assert catalogue.metadata["Language"] == "sv"
    assert catalogue.metadata["Plural-Forms"].startswith("nplurals=2;")
    assert not catalogue.metadata_is_fuzzy
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    for entry in catalogue:
        if entry.msgid_plural:
            forms = [(entry.msgid, entry.msgstr_plural[0]), (entry.msgid_plural, entry.msgstr_plural[1])]
        else:
            forms = [(entry.msgid, entry.msgstr)]
        for source, translation in forms:
            assert translation.strip(), entry.msgid
            assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(translation)), entry.msgid


@pytest.mark.parametrize("path", CATALOGUES, ids=_name)
def test_catalogue_translates_everything_the_finnish_one_does(path):
    finnish = path.parent.parent.parent / "fi" / "LC_MESSAGES" / "django.po"
    swedish = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(path))}
    missing = [entry.msgid for entry in polib.pofile(str(finnish)) if (entry.msgctxt, entry.msgid) not in swedish]
    assert missing == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("path", CATALOGUES, ids=_name)
def test_catalogue_passes_msgfmt_check(path):
    result = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
