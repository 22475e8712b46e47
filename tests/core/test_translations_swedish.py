"""Swedish ships: every Swedish catalogue is complete, keeps its placeholders and keeps up with the Finnish one."""

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.core.test_translations import _in, _untranslated

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


@pytest.fixture
def swedish(settings, tmp_path):
    """Every Swedish catalogue compiled into one for this test, ahead of any stale compiled copy."""
    merged = polib.POFile()
    merged.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    seen = set()
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            if (entry.msgctxt, entry.msgid) not in seen:
                seen.add((entry.msgctxt, entry.msgid))
                merged.append(entry)
    target = tmp_path / "sv" / "LC_MESSAGES"
    target.mkdir(parents=True)
    merged.save_as_mofile(str(target / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]
    return merged


SWEDISH_PAGES = {
    "anonymous": ["/accounts/login/", "/accounts/password-reset/"],
    "company_admin": [
        "/",
        "/accounts/users/",
        "/accounts/users/new/",
        "/company/settings/",
        "/company/branding/",
        "/accounts/password/",
    ],
    # Not the survey editor: its English question texts are data, and "you" in them is also a UI word.
    "manager": [
        "/",
        "/surveys/",
        "/surveys/settings/",
        "/surveys/send-outs/",
        "/surveys/send-outs/new/",
        "/customers/",
    ],
    "frontline": ["/"],
}


@pytest.mark.django_db
@pytest.mark.parametrize("who", list(SWEDISH_PAGES))
def test_every_string_of_these_catalogues_on_the_pages_is_translated(request, swedish, client_for, who, frontline):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = client_for(user)
    people = [frontline.full_name, *([user.full_name, user.get_short_name()] if user else [])]  # data, not UI
    for url in SWEDISH_PAGES[who]:
        english, svenska = _in(client, "en", url), _in(client, "sv", url)
        for name in people:
            english, svenska = english.replace(name, ""), svenska.replace(name, "")
        assert _untranslated(swedish, english, svenska) == [], url


@pytest.mark.django_db
def test_swedish_pages_read_swedish(swedish, client_for, company_admin):
    login = _in(client_for(), "sv", "/accounts/login/")
    assert "Logga in" in login and "Glömt lösenordet?" in login
    home = _in(client_for(company_admin), "sv", "/")
    assert "Välkommen" in home and "Företagets inställningar" in home and "Huvudanvändare" in home
