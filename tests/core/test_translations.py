"""Finnish ships: the project catalogue is complete and every string on the shell's pages is translated."""

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core import mail

from tests.conftest import outbox_deliver_due

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "fi" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def test_catalogue_is_complete_and_consistent():
    catalogue = polib.pofile(str(CATALOGUE), check_for_duplicates=True)
    assert catalogue.metadata["Plural-Forms"].startswith("nplurals=2;")
    assert not catalogue.metadata_is_fuzzy
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    for entry in catalogue:
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(PLACEHOLDER.findall(translation)), entry.msgid


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
def test_catalogue_passes_msgfmt_check():
    result = subprocess.run(
        ["msgfmt", "-c", "-o", "/dev/null", str(CATALOGUE)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture
def finnish(settings, tmp_path):
    """Compile the catalogue for this test; the setting change resets Django's translation caches."""
    target = tmp_path / "fi" / "LC_MESSAGES"
    target.mkdir(parents=True)
    polib.pofile(str(CATALOGUE)).save_as_mofile(str(target / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path]
    return polib.pofile(str(CATALOGUE))


def _visible_text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    # The switch names the other language in that language ("English" on a Finnish page) on purpose.
    html = re.sub(r'<form class="language-switch".*?</form>', " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _untranslated(catalogue, english: str, finnish: str) -> list[str]:
    """Catalogue strings shown on the English page that still show on the Finnish one."""
    left = []
    for entry in catalogue:
        if entry.msgid_plural or "%(" in entry.msgid or entry.msgid in entry.msgstr:
            continue
        if re.search(rf"\b{re.escape(entry.msgid)}\b", english) and re.search(
            rf"\b{re.escape(entry.msgid)}\b", finnish
        ):
            left.append(entry.msgid)
    return left


def _in(client, language: str, url: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    return _visible_text(response)


PAGES = {
    "anonymous": ["/accounts/login/", "/accounts/password-reset/", "/accounts/reset/MQ/expired/"],
    "company_admin": [
        "/",
        "/accounts/users/",
        "/accounts/users/new/",
        "/company/settings/",
        "/company/branding/",
        "/accounts/password/",
    ],
    "manager": ["/"],
    "frontline": ["/"],
}


@pytest.mark.django_db
@pytest.mark.parametrize("who", list(PAGES))
def test_every_shell_string_on_the_pages_is_translated(request, finnish, client_for, who, frontline):
    user = None if who == "anonymous" else request.getfixturevalue(who)
    client = client_for(user)
    people = [frontline.full_name, *([user.full_name, user.get_short_name()] if user else [])]  # data, not UI
    urls = [*PAGES[who]]
    if who == "company_admin":
        urls.append(f"/accounts/users/{frontline.pk}/")
    for url in urls:
        english, suomi = _in(client, "en", url), _in(client, "fi", url)
        for name in people:
            english, suomi = english.replace(name, ""), suomi.replace(name, "")
        assert _untranslated(finnish, english, suomi) == [], url


@pytest.mark.django_db
def test_finnish_pages_read_finnish(finnish, client_for, company_admin):
    login = _in(client_for(), "fi", "/accounts/login/")
    assert "Kirjaudu sisään" in login and "Unohditko salasanasi?" in login
    home = _in(client_for(company_admin), "fi", "/")
    assert "Tervetuloa" in home and "Yrityksen asetukset" in home and "Pääkäyttäjä" in home


@pytest.mark.django_db
def test_form_errors_come_in_finnish(finnish, client_for, company_admin, frontline):
    client = client_for(company_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    response = client.post("/accounts/users/new/", {"email": frontline.email, "role": "manager", "language": ""})
    text = _visible_text(response)
    assert "Tällä sähköpostiosoitteella on jo käyttäjä." in text
    assert "Korjaa alla merkityt kentät." in text


@pytest.mark.django_db
def test_invitation_speaks_the_invitees_language(finnish, client_for, company_admin):
    client = client_for(company_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the admin works in English
    client.post("/accounts/users/new/", {"email": "uusi@alpha.example", "role": "frontline", "language": "fi"})
    outbox_deliver_due()
    assert mail.outbox[0].subject == "Sinut on kutsuttu Kokemukseen: Alpha Katsastus Oy"
    assert "Valitse salasanasi tästä:" in mail.outbox[0].body
    assert mail.outbox[0].body.startswith("Tervetuloa Kokemukseen!\n")  # no name given: no bare "Hei,"


@pytest.mark.django_db
def test_the_invitation_greets_a_named_invitee_in_finnish(finnish, client_for, company_admin):
    client_for(company_admin).post(
        "/accounts/users/new/",
        {"email": "uusi@alpha.example", "full_name": "Noora Uusi", "role": "frontline", "language": "fi"},
    )
    outbox_deliver_due()
    assert mail.outbox[0].body.startswith("Hei Noora Uusi,\n")


@pytest.mark.django_db
def test_django_admin_and_api_messages_come_translated_by_django(finnish, client_for, company_admin):
    admin_page = _in(client_for(company_admin), "fi", "/admin/")
    assert "Kokemus \u2013 ylläpito" in admin_page
    assert "Kirjaudu ulos" in admin_page  # Django's own catalogue

    api = client_for()
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    body = api.get("/api/v1/me/").json()
    assert body["message"] != "Authentication credentials were not provided."
