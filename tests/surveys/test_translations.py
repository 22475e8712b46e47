"""Finnish ships for surveys: the app's catalogue is complete and every string on the survey pages is translated."""

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.core.test_translations import _in, _untranslated
from tests.factories import CampaignFactory
from tests.surveys.conftest import NOON

CATALOGUE = Path(settings.BASE_DIR) / "apps" / "surveys" / "locale" / "fi" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def test_catalogue_is_complete_and_consistent():
    catalogue = polib.pofile(str(CATALOGUE), check_for_duplicates=True)
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    for entry in catalogue:
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        expected = PLACEHOLDER.findall(entry.msgid_plural or entry.msgid)
        assert sorted(PLACEHOLDER.findall(translations[-1])) == sorted(expected), entry.msgid


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
def test_catalogue_passes_msgfmt_check():
    result = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(CATALOGUE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def finnish(settings, tmp_path):
    """This app's catalogue compiled for the test, ahead of any stale compiled copy."""
    target = tmp_path / "fi" / "LC_MESSAGES"
    target.mkdir(parents=True)
    catalogue = polib.pofile(str(CATALOGUE))
    catalogue.save_as_mofile(str(target / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]
    return catalogue


@pytest.mark.django_db
def test_every_survey_page_string_is_translated(finnish, client_for, manager, survey, touchpoint):
    CampaignFactory(name="Kvartaali", survey=survey, next_run_at=NOON, repeat_every_months=3)
    client = client_for(manager)
    urls = [
        "/surveys/",
        "/surveys/new/",
        "/surveys/settings/",
        "/surveys/send-outs/",
        "/surveys/send-outs/new/",
        "/surveys/invitations/",
        f"/surveys/{survey.pk}/",
        f"/surveys/{survey.pk}/edit/",
        f"/surveys/{survey.pk}/touchpoints/",
    ]
    for url in urls:
        english, suomi = _in(client, "en", url), _in(client, "fi", url)
        assert _untranslated(finnish, english, suomi) == [], url
    assert "Lähetykset" in _in(client, "fi", "/surveys/send-outs/")
