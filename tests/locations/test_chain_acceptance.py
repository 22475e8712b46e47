"""Issue 14 from end to end: a chain of inspection stations, its station managers, and its figures.

Real database, real outbox: the company is set up as a chain through the API (regions and two
stations) and the CSV import (two more), a station manager and a regional manager are scoped
through the API, frontline staff log encounters at the stations through the encounter API, the
follow-up surveys go out through the outbox (emails, and texts to a GatewayAPI stand-in on a local
HTTP port), customers answer from the email link, from the text's /r/ link and from a poster's open
link, and the figures per station and per region are checked against a count made here from the
answers themselves. Every customer-facing text and the dashboard are read in Finnish, Swedish and
English.
"""

import datetime as dt
import re
from dataclasses import dataclass
from math import isclose
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.models import Role
from apps.locations.models import Location
from apps.metrics.services import metrics_refresh_dirty
from apps.pos.models import PointAnswer
from apps.pos.services import open_link_get_or_create
from apps.surveys.models import InvitationChannel, Response, ResponseSource, SurveySettings
from apps.surveys.services import QuestionInput, survey_create, survey_touchpoints_set
from tests.conftest import TenantClient, make_user
from tests.journeys.factories import map_build, touchpoint_named
from tests.sms.gatewayapi import gatewayapi  # noqa: F401 - a fixture
from tests.surveys.test_sending import dispatch_and_send

pytestmark = pytest.mark.django_db

API = "/api/v1"
NOON = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
PERIOD = {"start": "2026-11-01", "end": "2026-11-30"}
COMPANY = "Alpha Katsastus Oy"

# The survey's own texts in the three languages: the email's subject and the page's title.
TITLES = {"fi": "Miten käyntisi sujui?", "sv": "Hur gick ditt besök?", "en": "How was your visit?"}
# What a customer reads in a text message, and on the survey page (the standard questions).
SMS_WORDS = {"fi": "Miten onnistuimme? Vastaa:", "sv": "Hur lyckades vi? Svara här:", "en": "How did we do?"}
PAGE_WORDS = {
    "fi": "Kuinka tyytyväinen olit saamaasi palveluun?",
    "sv": "Hur nöjd var du med den service du fick?",
    "en": "How satisfied were you with the service you received?",
}
DASHBOARD_WORDS = {"fi": "Johdon koontinäyttö", "sv": "Ledningens översikt", "en": "Leadership dashboard"}

# The stations; the first two are created through the API, the last two by the CSV import.
CSV = (
    b"koodi;nimi;alue;kaupunki\n"
    b"VAL;Kivi Vallila;Uusimaa > Helsinki;Helsinki\n"
    b"TRE;Kivi Tampere;Pirkanmaa > Tampere;Tampere\n"
)


@dataclass(frozen=True)
class Visit:
    """One customer's visit and their answer: NPS 0-10, CSAT 1-5, CES 1-7."""

    name: str
    station: str
    language: str
    email: str
    phone: str
    nps: int
    csat: int
    ces: int


VISITS = [
    Visit("Aino Asiakas", "KON", "fi", "aino@example.fi", "", 10, 5, 7),
    Visit("Edward English", "KON", "en", "edward@example.com", "", 6, 2, 3),
    Visit("Sara Svensson", "KON", "sv", "", "040 111 2222", 9, 4, 6),
    Visit("Eero Espoolainen", "ESP", "fi", "eero@example.fi", "", 8, 3, 5),
    Visit("Stina Sjöberg", "ESP", "sv", "stina@example.fi", "", 3, 1, 2),
    Visit("Grace Green", "VAL", "en", "", "040 333 4444", 9, 5, 6),
    Visit("Tuula Tamminen", "TRE", "fi", "tuula@example.fi", "", 7, 4, 4),
    Visit("Teemu Tekstari", "TRE", "fi", "", "040 555 6666", 10, 5, 7),
]


def _cookie_language(client: TenantClient, language: str) -> TenantClient:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _json(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content[:500]
    return response.json()


def _chain_set_up(client_for: Any, company_admin: Any) -> dict[str, Any]:
    """Regions and stations through the API and the CSV import; returns ids by name and code."""
    admin = client_for(company_admin)
    post = lambda url, body: _json(admin.post(f"{API}/{url}", body, content_type="application/json"), 201)  # noqa: E731
    uusimaa = post("regions/", {"name": "Uusimaa"})["id"]
    helsinki = post("regions/", {"name": "Helsinki", "parent": uusimaa})["id"]
    espoo = post("regions/", {"name": "Espoo", "parent": uusimaa})["id"]
    stations = {
        "KON": post("locations/", {"name": "Kivi Konala", "code": "KON", "region": helsinki})["id"],
        "ESP": post("locations/", {"name": "Kivi Espoo", "code": "ESP", "region": espoo})["id"],
    }
    imported = admin.post("/company/locations/import/", {"file": SimpleUploadedFile("asemat.csv", CSV)})
    assert imported.status_code == 200
    listed = _json(admin.get(f"{API}/locations/"))
    rows = listed["results"] if isinstance(listed, dict) else listed
    stations.update({row["code"]: row["id"] for row in rows if row["code"] in ("VAL", "TRE")})
    regions = {row["path"]: row["id"] for row in _json(admin.get(f"{API}/regions/"))}
    assert regions["Uusimaa > Helsinki"] == helsinki
    return {
        "stations": stations,
        "regions": {"Uusimaa": uusimaa, "Helsinki": helsinki, "Pirkanmaa": regions["Pirkanmaa"]},
    }


def _survey_set_up(manager: Any) -> tuple[Any, dict[str, str]]:
    """A path with one touchpoint; its follow-up survey (NPS, CSAT, CES and a comment) in three languages."""
    path = map_build(name="Katsastus", stages={"Asemalla": ["Katsastus"]})
    touchpoint = touchpoint_named(path, "Katsastus")
    touchpoint.owner = manager
    touchpoint.save(update_fields=["owner"])
    survey = survey_create(
        questions=[
            QuestionInput(type="nps"),
            QuestionInput(type="csat"),
            QuestionInput(type="ces"),
            QuestionInput(type="text", required=False),
        ],
        company_name=COMPANY,
        name="Katsastuksen jälkeen",
        **{f"title_{language}": title for language, title in TITLES.items()},
    )
    survey_touchpoints_set(survey=survey, delays={touchpoint.pk: 120}, acting_user=None)
    SurveySettings.objects.update_or_create(
        singleton=True, defaults={"invitation_channel": InvitationChannel.EMAIL_ELSE_SMS}
    )
    return touchpoint, {question.type: f"q{question.pk}" for question in survey.questions.all()}


def _answer(client: TenantClient, page_path: str, visit: Visit, fields: dict[str, str]) -> None:
    """Open the survey page as the customer, read it in their language, and answer."""
    page = client.get(page_path)
    assert page.status_code == 200
    body = page.content.decode()
    assert TITLES[visit.language] in body and PAGE_WORDS[visit.language] in body, visit.name
    data = {fields["nps"]: visit.nps, fields["csat"]: visit.csat, fields["ces"]: visit.ces}
    answered = client.post(page_path, data)
    assert answered.status_code == 302, answered.content.decode()[:2000]


@pytest.fixture
def chain_world(client_for, tenant_alpha, company_admin, manager, frontline, gatewayapi):  # noqa: F811 - the fixture
    """The chain set up, its visits logged and answered, the roll-ups refreshed."""
    mail.outbox.clear()
    world = _chain_set_up(client_for, company_admin)
    stations = world["stations"]
    touchpoint, fields = _survey_set_up(manager)

    # Station managers, scoped through the API by the company admin.
    admin = client_for(company_admin)
    konala_manager = make_user(tenant_alpha, role=Role.MANAGER, email="konala@alpha.example")
    uusimaa_manager = make_user(tenant_alpha, role=Role.MANAGER, email="uusimaa@alpha.example")
    for user, body in (
        (konala_manager, {"regions": [], "locations": [stations["KON"]]}),
        (uusimaa_manager, {"regions": [world["regions"]["Uusimaa"]], "locations": []}),
    ):
        _json(admin.put(f"{API}/users/{user.pk}/location-scope/", body, content_type="application/json"))

    # Frontline staff log each visit at its station through the encounter API.
    staff = client_for(frontline)
    with time_machine.travel(NOON, tick=False):
        for visit in VISITS:
            body = {
                "customer_name": visit.name,
                "customer_email": visit.email,
                "customer_phone": visit.phone,
                "customer_language": visit.language,
                "touchpoint": touchpoint.pk,
                "location": stations[visit.station],
                "outcome": "resolved",
                "survey_agreed": True,
            }
            _json(staff.post(f"{API}/encounters/", body, content_type="application/json"), 201)

    # Two hours later the follow-ups go out through the outbox: emails, and texts to those with no email.
    outcomes = dispatch_and_send(NOON + dt.timedelta(hours=2))
    assert outcomes and set(outcomes) == {"sent"}
    texts = {message["recipients"][0]["msisdn"]: message["message"] for message in gatewayapi.messages}
    emails = {message.to[0]: message for message in mail.outbox}
    assert len(texts) == 3 and len(emails) == 5

    with time_machine.travel(NOON + dt.timedelta(hours=3), tick=False):
        for visit in VISITS:
            customer_client = TenantClient(tenant_alpha)
            if visit.email:
                email = emails[visit.email]
                assert email.subject == TITLES[visit.language]
                link = re.search(r"https://alpha\.testserver(/s/[0-9a-f]{64}/)", email.body).group(1)
            else:
                text = texts[int("358" + visit.phone.replace(" ", "")[1:])]
                assert text.startswith(f"{COMPANY}: {SMS_WORDS[visit.language]}"), text
                short = re.search(r"https://alpha\.testserver(/r/[A-Za-z0-9_-]{43}/)", text).group(1)
                redirect = customer_client.get(short)
                assert redirect.status_code == 302
                link = redirect["Location"]
            _answer(customer_client, link, visit, fields)

        # A walk-in answers at Tampere from the poster's open link: anonymous, kept apart from the figures.
        tampere = Location.objects.get(pk=stations["TRE"])
        poster = open_link_get_or_create(touchpoint=touchpoint, location=tampere, created_by=manager)
        walk_in = TenantClient(tenant_alpha, HTTP_ACCEPT_LANGUAGE="sv")
        page = walk_in.get(f"/s/q/{poster.code}/")
        assert page.status_code == 200 and PAGE_WORDS["sv"] in page.content.decode()
        # The consent box's words, in the walk-in's language.
        assert "Jag samtycker till att få korta responsenkäter" in page.content.decode()
        answered = walk_in.post(f"/s/q/{poster.code}/", {fields["nps"]: 2, fields["csat"]: 1, fields["ces"]: 1})
        assert answered.status_code == 302
    assert PointAnswer.objects.get().location == tampere
    assert Response.objects.filter(source=ResponseSource.QR).count() == 1
    metrics_refresh_dirty()
    world.update(touchpoint=touchpoint, konala_manager=konala_manager, uusimaa_manager=uusimaa_manager)
    return world


def _expected(*, station_ids: set[int]) -> dict[str, Any]:
    """The figures computed here from the raw answers of the invited responses at these stations."""
    rows = Response.objects.filter(
        source=ResponseSource.INVITED, encounter__location_id__in=station_ids
    ).prefetch_related("answers__question")
    scores: dict[str, list[int]] = {"nps": [], "csat": [], "ces": []}
    for response in rows:
        for answer in response.answers.all():
            if answer.question.type in scores and answer.score is not None:
                scores[answer.question.type].append(answer.score)
    nps, csat, ces = scores["nps"], scores["csat"], scores["ces"]
    promoters, detractors = sum(score >= 9 for score in nps), sum(score <= 6 for score in nps)
    return {
        "nps_n": len(nps),
        "nps": 100 * (promoters - detractors) / len(nps),
        "csat": 100 * sum(score >= 4 for score in csat) / len(csat),
        "ces": sum(ces) / len(ces),
    }


def _assert_figures(total: dict[str, Any], expected: dict[str, Any]) -> None:
    assert total["nps_n"] == expected["nps_n"]
    assert abs(total["nps"] - expected["nps"]) <= 0.5
    assert isclose(total["csat"], expected["csat"], abs_tol=0.05)
    assert isclose(total["ces"], expected["ces"], abs_tol=0.05)


def _scores(client: TenantClient, **cut: Any) -> dict[str, Any]:
    return _json(client.get(f"{API}/metrics/scores/", {**PERIOD, **cut}))["total"]


def test_the_figures_per_station_and_region_equal_the_answers(chain_world, client_for, manager) -> None:
    stations, regions = chain_world["stations"], chain_world["regions"]
    client = client_for(manager)
    by_station = {code: {pk} for code, pk in stations.items()}
    by_region = {
        "Uusimaa": {stations["KON"], stations["ESP"], stations["VAL"]},
        "Helsinki": {stations["KON"], stations["VAL"]},
        "Pirkanmaa": {stations["TRE"]},
    }
    for code, ids in by_station.items():
        _assert_figures(_scores(client, location=stations[code]), _expected(station_ids=ids))
    for name, ids in by_region.items():
        _assert_figures(_scores(client, region=regions[name]), _expected(station_ids=ids))
    # The walk-in's answer at Tampere is on the point-of-service page only, not in Tampere's figures.
    assert _scores(client, location=stations["TRE"])["nps_n"] == 2
    # The figures as the test reads the visits, without the database: Konala 10, 6, 9 gives NPS 33.
    konala = _scores(client, location=stations["KON"])
    assert (konala["nps_n"], konala["nps_promoters"], konala["nps_detractors"]) == (3, 2, 1)
    whole = _scores(client)
    assert whole["nps_n"] == len(VISITS)


def test_each_station_manager_sees_only_their_own(chain_world, client_for) -> None:
    stations = chain_world["stations"]
    konala_visits = [visit for visit in VISITS if visit.station == "KON"]
    client = client_for(chain_world["konala_manager"])
    encounters = _json(client.get(f"{API}/encounters/"))["results"]
    assert {row["location"] for row in encounters} == {stations["KON"]} and len(encounters) == len(konala_visits)
    customers = _json(client.get(f"{API}/customers/"))["results"]
    assert sorted(row["full_name"] for row in customers) == sorted(visit.name for visit in konala_visits)
    cases = client.get("/cases/").content.decode()
    assert "Edward English" in cases and "Stina Sjöberg" not in cases
    # Their own figures, through the location cut.
    _assert_figures(_scores(client, location=stations["KON"]), _expected(station_ids={stations["KON"]}))

    regional = client_for(chain_world["uusimaa_manager"])
    seen = {row["location"] for row in _json(regional.get(f"{API}/encounters/"))["results"]}
    assert seen == {stations["KON"], stations["ESP"], stations["VAL"]}
    cases = regional.get("/cases/").content.decode()
    assert "Edward English" in cases and "Stina Sjöberg" in cases


# A scoped manager's figures without a location cut are their scope's.
def test_a_station_managers_figures_are_their_stations(chain_world, client_for) -> None:
    stations = chain_world["stations"]
    client = client_for(chain_world["konala_manager"])
    _assert_figures(_scores(client), _expected(station_ids={stations["KON"]}))
    regional = client_for(chain_world["uusimaa_manager"])
    _assert_figures(_scores(regional), _expected(station_ids={stations["KON"], stations["ESP"], stations["VAL"]}))


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_dashboard_reads_in_each_language(chain_world, client_for, manager, language: str) -> None:
    client = _cookie_language(client_for(manager), language)
    page = client.get("/dashboard/", {**PERIOD, "location": chain_world["stations"]["KON"]})
    assert page.status_code == 200
    assert f"<h1>{DASHBOARD_WORDS[language]}</h1>" in page.content.decode()
    assert page.context["data"].total.nps_n == 3
