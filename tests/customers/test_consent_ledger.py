"""The consent ledger: every path that changes consent writes exactly one event, and the customer's
consent columns are always the replay of their ledger."""

import datetime as dt
import importlib
from random import Random

import pytest
import time_machine
from django.apps import apps as django_apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone, translation

from apps.accounts.models import Role
from apps.core.exceptions import DomainError
from apps.core.personal_data import personal_data_entry
from apps.customers.consent import (
    CONSENT_COLUMNS,
    ConsentState,
    consent_replay,
    consent_wording_create,
    consent_wording_current,
    customer_consent_record,
)
from apps.customers.importing import ImportMode, customer_import_commit, customer_import_create
from apps.customers.models import (
    AppendOnlyError,
    ConsentEvent,
    ConsentKind,
    ConsentSource,
    ConsentWording,
    Customer,
    CustomerImport,
)
from apps.customers.services import customer_create, customer_update
from apps.customers.timeline import TimelineKind, customer_timeline
from apps.encounters.models import Encounter, EncounterSource
from apps.encounters.services import encounter_log
from apps.surveys.dispatch import survey_dispatch_run
from apps.surveys.models import Invitation
from apps.surveys.sending import invitation_email_send
from apps.surveys.tokens import token_for
from tests.conftest import make_user
from tests.customers.conftest import read
from tests.factories import TouchpointSurveyFactory
from tests.journeys.factories import map_build, touchpoint_named
from tests.surveys.conftest import NOON, log_visit, survey_build

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("apps.customers.migrations.0004_consent_ledger_first_events")


def _events(customer):
    return list(ConsentEvent.objects.filter(customer=customer).order_by("id"))


def _only_event(customer):
    events = _events(customer)
    assert len(events) == 1, events
    return events[0]


def _assert_projection_is_the_replay():
    """For every customer of the company: the consent columns equal a replay of the ledger."""
    ledgers: dict[int, list[ConsentEvent]] = {}
    for event in ConsentEvent.objects.order_by("id"):
        ledgers.setdefault(event.customer_id, []).append(event)
    checked = 0
    for customer in Customer.objects.all():
        assert ConsentState.of(customer) == consent_replay(ledgers.get(customer.pk, [])), customer.pk
        checked += 1
    return checked


@pytest.fixture
def eino(db):
    return customer_create(full_name="Eino Virtanen", email="eino@example.fi")


@pytest.fixture
def touchpoint(db):
    touchpoint = touchpoint_named(map_build(stages={"Katsastus": ["Tarkastus"]}), "Tarkastus")
    TouchpointSurveyFactory(touchpoint=touchpoint, survey=survey_build(), delay_minutes=120)
    return touchpoint


@pytest.fixture
def sent_invitation(eino, touchpoint):
    """Eino agreed to a survey at an encounter and was sent one; returns (invitation, token)."""
    log_visit(customer=eino, touchpoint=touchpoint, at=NOON)
    send_time = NOON + dt.timedelta(hours=2)
    with time_machine.travel(send_time, tick=False):
        for batch in survey_dispatch_run(now=send_time):
            for email_id in batch:
                assert invitation_email_send(email_id=email_id, now=send_time) == "sent"
    invitation = Invitation.objects.get(customer=eino)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() + dt.timedelta(days=14))
    return invitation, token_for(invitation.token_nonce)


def _post_unsubscribe(token, data=None):
    """As a mail program or a browser without cookies would, on the company's host."""
    client = Client(HTTP_HOST="alpha.testserver", enforce_csrf_checks=True)
    previous = connection.tenant
    try:
        return client.post(f"/s/{token}/unsubscribe/", data or {})
    finally:
        connection.set_tenant(previous)


# --- Every source writes one event ------------------------------------------------


def test_version_1_of_the_wording_is_there_from_the_migrations():
    wording = consent_wording_current()
    assert wording.version == 1
    assert wording.created_by is None and wording.created_at is None
    assert "palautekysely" in wording.text_fi and "feedback surveys" in wording.text_en


def test_version_1_reads_in_swedish_and_its_finnish_and_english_are_unchanged():
    first_events = importlib.import_module("apps.customers.migrations.0004_consent_ledger_first_events")
    wording = consent_wording_current()
    assert (wording.text_fi, wording.text_en) == (first_events.WORDING_1_FI, first_events.WORDING_1_EN)
    assert wording.text("sv").startswith("Jag samtycker till att få korta responsenkäter per e-post")
    assert (wording.text("fi"), wording.text("en")) == (wording.text_fi, wording.text_en)
    with translation.override("sv"):
        assert wording.text_for_reader == wording.text_sv


def test_a_new_version_without_swedish_falls_back_for_a_swedish_reader(manager):
    wording = consent_wording_create(text_fi="Uusi teksti.", text_en="New text.", created_by=manager)
    assert wording.text_sv == "" and wording.text("sv") == "Uusi teksti."
    with_swedish = consent_wording_create(
        text_fi="Kolmas.", text_sv="Den tredje.", text_en="Third.", created_by=manager
    )
    assert (with_swedish.version, with_swedish.text("sv")) == (3, "Den tredje.")
    assert ConsentWording.objects.get(version=1).text_sv.startswith("Jag samtycker")


def test_the_staff_and_the_customer_see_the_wording_in_swedish(client_for, manager, eino):
    from tests.factories import InvitationFactory

    customer_consent_record(customer=eino, kind=ConsentKind.GIVEN, source=ConsentSource.STAFF, actor=manager)
    swedish = consent_wording_current().text_sv
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    assert swedish in client.get(f"/customers/{eino.pk}/").content.decode()
    assert swedish in client.get("/encounters/log/").content.decode()
    invitation = InvitationFactory(customer=eino, language="sv")
    unsubscribe = Client(HTTP_HOST=connection.tenant.get_primary_domain().domain).get(
        f"/s/{token_for(invitation.token_nonce)}/unsubscribe/"
    )
    assert unsubscribe.status_code == 200
    body = unsubscribe.content.decode()
    assert "Vad du har samtyckt till" in body and swedish in body


def test_the_staff_form_records_given_and_withdrawn_by_the_user(client_for, manager, eino):
    client = client_for(manager)
    form = {"full_name": "Eino Virtanen", "email": "eino@example.fi", "language": "fi"}
    assert client.post(f"/customers/{eino.pk}/edit/", {**form, "survey_consent": "on"}).status_code == 302
    event = _only_event(eino)
    assert (event.kind, event.source, event.actor, event.wording.version) == ("given", "staff", manager, 1)
    eino.refresh_from_db()
    assert (eino.survey_consent, eino.consent_source, eino.consent_given_at) == (True, "staff", event.at)

    # Saving the form again with consent on is no change of consent.
    client.post(f"/customers/{eino.pk}/edit/", {**form, "survey_consent": "on"})
    assert len(_events(eino)) == 1
    client.post(f"/customers/{eino.pk}/edit/", form)
    assert [(e.kind, e.source, e.actor) for e in _events(eino)] == [
        ("given", "staff", manager),
        ("withdrawn", "staff", manager),
    ]
    eino.refresh_from_db()
    assert (eino.survey_consent, eino.consent_source, eino.consent_given_at) == (False, "", None)


def test_a_customer_added_with_consent_has_it_recorded_by_whoever_added_them(client_for, manager):
    client_for(manager).post(
        "/customers/new/",
        {"full_name": "Onni Salo", "email": "onni@example.fi", "language": "fi", "survey_consent": "on"},
    )
    event = _only_event(Customer.objects.get(email="onni@example.fi"))
    assert (event.kind, event.source, event.actor) == ("given", "staff", manager)


def test_the_unsubscribe_button_records_the_staff_member(client_for, manager, eino):
    assert client_for(manager).post(f"/customers/{eino.pk}/unsubscribe/").status_code == 302
    event = _only_event(eino)
    assert (event.kind, event.source, event.actor) == ("unsubscribed", "staff", manager)
    client_for(manager).post(f"/customers/{eino.pk}/unsubscribe/")
    assert len(_events(eino)) == 1  # the first unsubscribe stays


def test_the_frontline_log_page_records_the_consent_with_its_encounter(client_for, frontline, eino, touchpoint):
    response = client_for(frontline).post(
        "/encounters/log/",
        {
            "action": "log",
            "outcome": "resolved",
            "peak_feeling": "1",
            "end_feeling": "2",
            "customer": eino.pk,
            "touchpoint": touchpoint.pk,
            "survey_agreed": "on",
        },
    )
    assert response.status_code == 302
    encounter = Encounter.objects.get(customer=eino)
    event = _only_event(eino)
    assert (event.kind, event.source, event.actor, event.encounter_ref) == (
        "given",
        "frontline",
        frontline,
        encounter.pk,
    )
    assert event.at == encounter.occurred_at
    # A second encounter with the customer agreeing again changes nothing.
    encounter_log(logged_by=frontline, customer=eino, touchpoint=touchpoint, outcome="resolved", survey_agreed=True)
    assert len(_events(eino)) == 1


def test_an_encounter_from_the_api_records_source_api(manager, eino, touchpoint):
    encounter = encounter_log(
        logged_by=manager,
        customer=eino,
        touchpoint=touchpoint,
        outcome="resolved",
        survey_agreed=True,
        source=EncounterSource.API,
    )
    event = _only_event(eino)
    assert (event.source, event.actor, event.encounter_ref) == ("api", manager, encounter.pk)


def test_the_survey_links_unsubscribe_page_records_the_customer_themselves(sent_invitation):
    invitation, token = sent_invitation
    customer = invitation.customer
    before = len(_events(customer))  # the consent given at the encounter
    assert _post_unsubscribe(token).status_code == 200
    events = _events(customer)
    assert len(events) == before + 1
    event = events[-1]
    assert (event.kind, event.source, event.actor, event.invitation_ref) == (
        "unsubscribed",
        "survey_link",
        None,
        invitation.pk,
    )
    customer.refresh_from_db()
    assert (customer.unsubscribed, customer.unsubscribed_at) == (True, event.at)
    # The page posted twice (a double click) records nothing more.
    _post_unsubscribe(token)
    assert len(_events(customer)) == before + 1


def test_one_click_unsubscribe_from_the_mail_program_is_its_own_source(sent_invitation):
    invitation, token = sent_invitation
    assert _post_unsubscribe(token, {"List-Unsubscribe": "One-Click"}).status_code == 200
    event = _events(invitation.customer)[-1]
    assert (event.kind, event.source, event.actor, event.invitation_ref) == (
        "unsubscribed",
        "one_click",
        None,
        invitation.pk,
    )


def test_the_import_records_one_event_per_change_with_the_import_and_its_user(manager, personas):
    customer_import = customer_import_create(
        file_name="valid_fi_excel.csv", content=read("valid_fi_excel.csv"), created_by=manager
    )
    customer_import_commit(customer_import=customer_import, mode=ImportMode.VALID_ROWS, user=manager)
    events = list(ConsentEvent.objects.filter(import_ref=customer_import.pk).select_related("customer").order_by("id"))
    # Aino and James said yes; Eino said no (and had nothing to withdraw); Helmi's cell is blank.
    assert sorted(event.customer.full_name for event in events) == ["Aino Korhonen", "James Wilson"]
    for event in events:
        assert (event.kind, event.source, event.actor, event.import_ref, event.wording.version) == (
            "given",
            "import",
            manager,
            customer_import.pk,
            1,
        )
        assert event.customer.consent_given_at == event.at

    # The same file again changes nothing; a file that says "no" withdraws.
    again = customer_import_create(file_name="again.csv", content=read("valid_fi_excel.csv"), created_by=manager)
    customer_import_commit(customer_import=again, mode=ImportMode.VALID_ROWS, user=manager)
    assert not ConsentEvent.objects.filter(import_ref=again.pk).exists()
    withdrawn = customer_import_create(
        file_name="no.csv",
        content="sähköposti;suostumus;ulkoinen_id\naino.korhonen@example.fi;ei;K-1001\n".encode(),
        created_by=manager,
    )
    customer_import_commit(customer_import=withdrawn, mode=ImportMode.VALID_ROWS, user=manager)
    event = ConsentEvent.objects.order_by("-id").first()
    assert (event.customer.external_id, event.kind, event.import_ref) == ("K-1001", "withdrawn", withdrawn.pk)
    assert _assert_projection_is_the_replay() >= 4


def test_the_api_records_consent_changes_with_source_api(client_for, manager, eino):
    client = client_for(manager)
    response = client.post(f"/api/v1/customers/{eino.pk}/consent/", {"kind": "given"}, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["survey_consent"] is True and body["consent_source"] == "api"
    [entry] = body["consent_history"]
    assert (entry["kind"], entry["source"], entry["actor"], entry["wording_version"], entry["migrated"]) == (
        "given",
        "api",
        manager.pk,
        1,
        False,
    )
    # No change: 200 and no event.
    again = client.post(f"/api/v1/customers/{eino.pk}/consent/", {"kind": "given"}, content_type="application/json")
    assert again.status_code == 200 and len(again.json()["consent_history"]) == 1

    at = (timezone.now() - dt.timedelta(days=1)).isoformat()
    client.post(
        f"/api/v1/customers/{eino.pk}/consent/",
        {"kind": "unsubscribed", "source": "web_form", "at": at},
        content_type="application/json",
    )
    history = client.get(f"/api/v1/customers/{eino.pk}/").json()["consent_history"]
    assert [(entry["kind"], entry["source"]) for entry in history] == [("given", "api"), ("unsubscribed", "web_form")]

    # PATCH with survey_consent is a change of consent through the API too.
    patch = client.patch(f"/api/v1/customers/{eino.pk}/", {"survey_consent": False}, content_type="application/json")
    assert patch.status_code == 200 and patch.json()["survey_consent"] is False
    last = _events(eino)[-1]
    assert (last.kind, last.source, last.actor) == ("withdrawn", "api", manager)


def test_the_api_refuses_bad_changes_with_field_errors(client_for, manager, eino):
    client = client_for(manager)
    url = f"/api/v1/customers/{eino.pk}/consent/"
    future = (timezone.now() + dt.timedelta(days=2)).isoformat()
    for payload, field in [
        ({"kind": "maybe"}, "kind"),
        ({}, "kind"),
        ({"kind": "given", "source": "one_click"}, "source"),
        ({"kind": "given", "wording_version": 7}, "wording_version"),
        ({"kind": "given", "at": future}, "at"),
    ]:
        response = client.post(url, payload, content_type="application/json")
        assert response.status_code == 400, payload
        assert field in str(response.json()), (payload, response.json())
    assert not ConsentEvent.objects.filter(customer=eino).exists()


def test_the_consent_api_is_closed_to_frontline_and_to_other_companies(client_for, frontline, outsider, eino):
    url = f"/api/v1/customers/{eino.pk}/consent/"
    assert client_for(frontline).post(url, {"kind": "given"}, content_type="application/json").status_code == 403
    assert client_for(outsider).post(url, {"kind": "given"}, content_type="application/json").status_code == 404
    assert client_for().post(url, {"kind": "given"}, content_type="application/json").status_code in (401, 403)
    assert not ConsentEvent.objects.filter(customer=eino).exists()


def test_the_admin_site_records_source_admin(client_for, manager, eino):
    client = client_for(manager)
    response = client.post(
        f"/admin/customers/customer/{eino.pk}/change/",
        {"full_name": "Eino Virtanen", "email": "eino@example.fi", "language": "fi", "survey_consent": "on"},
    )
    assert response.status_code == 302
    event = _only_event(eino)
    assert (event.kind, event.source, event.actor) == ("given", "admin", manager)
    page = client.get(f"/admin/customers/customer/{eino.pk}/change/").content.decode()
    assert "Consent history" in page or "Suostumushistoria" in page

    client.post(
        "/admin/customers/customer/add/",
        {"full_name": "Onni Salo", "email": "onni@example.fi", "language": "fi", "survey_consent": "on"},
    )
    event = _only_event(Customer.objects.get(email="onni@example.fi"))
    assert (event.source, event.actor) == ("admin", manager)


# --- Transitions, the projection and the append-only rule --------------------------


def test_repeats_are_no_ops_and_unknown_values_are_errors(eino):
    record = {"customer": eino, "source": ConsentSource.STAFF, "actor": None}
    assert customer_consent_record(kind=ConsentKind.WITHDRAWN, **record) is None
    assert customer_consent_record(kind=ConsentKind.RESUBSCRIBED, **record) is None
    assert customer_consent_record(kind=ConsentKind.GIVEN, **record) is not None
    assert customer_consent_record(kind=ConsentKind.GIVEN, **record) is None
    assert customer_consent_record(kind=ConsentKind.UNSUBSCRIBED, **record) is not None
    assert customer_consent_record(kind=ConsentKind.UNSUBSCRIBED, **record) is None
    # Unsubscribing leaves consent alone, as before the ledger.
    eino.refresh_from_db()
    assert (eino.survey_consent, eino.unsubscribed, eino.can_be_surveyed) == (True, True, False)
    assert customer_consent_record(kind=ConsentKind.RESUBSCRIBED, **record) is not None
    eino.refresh_from_db()
    assert eino.can_be_surveyed
    with pytest.raises(DomainError) as error:
        customer_consent_record(kind="perhaps", **record)
    assert "kind" in error.value.fields
    with pytest.raises(DomainError) as error:
        customer_consent_record(customer=eino, kind=ConsentKind.WITHDRAWN, source="carrier pigeon", actor=None)
    assert "source" in error.value.fields
    assert len(_events(eino)) == 3


def test_the_projection_equals_the_replay_for_every_customer(manager, frontline, touchpoint):
    """Many customers, every kind and source in a random order, through the services."""
    random = Random(12)
    customers = [customer_create(email=f"c{number}@example.fi") for number in range(25)]
    sources = [ConsentSource.STAFF, ConsentSource.API, ConsentSource.WEB_FORM, ConsentSource.SURVEY_LINK]
    start = timezone.now() - dt.timedelta(days=20)
    for step in range(300):
        customer = random.choice(customers)
        kind = random.choice(ConsentKind.values)
        customer_consent_record(
            customer=customer,
            kind=kind,
            source=random.choice(sources),
            actor=random.choice([manager, frontline, None]),
            at=start + dt.timedelta(hours=step),
        )
    for customer in customers[:5]:
        encounter_log(
            logged_by=frontline, customer=customer, touchpoint=touchpoint, outcome="resolved", survey_agreed=True
        )
    customer_update(customer=customers[5], survey_consent=False, consent_actor=manager)
    assert ConsentEvent.objects.count() > 100
    assert _assert_projection_is_the_replay() >= 25


def test_events_are_never_changed_or_deleted(eino):
    event = customer_consent_record(customer=eino, kind=ConsentKind.GIVEN, source=ConsentSource.STAFF, actor=None)
    event.source = ConsentSource.API
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        ConsentEvent.objects.filter(pk=event.pk).update(source=ConsentSource.API)
    with pytest.raises(AppendOnlyError):
        ConsentEvent.objects.filter(pk=event.pk).delete()
    assert ConsentEvent.objects.get(pk=event.pk).source == ConsentSource.STAFF


# --- Wording versions --------------------------------------------------------------


def test_a_new_wording_is_a_new_version_and_the_old_events_keep_theirs(eino, manager):
    first = customer_consent_record(customer=eino, kind=ConsentKind.GIVEN, source=ConsentSource.STAFF, actor=None)
    wording = consent_wording_create(text_fi=" Uusi teksti. ", text_en="New text.", created_by=manager)
    assert (wording.version, wording.text_fi, wording.created_by) == (2, "Uusi teksti.", manager)
    later = customer_consent_record(customer=eino, kind=ConsentKind.WITHDRAWN, source=ConsentSource.STAFF, actor=None)
    first.refresh_from_db()
    assert (first.wording.version, later.wording.version) == (1, 2)
    # A caller may name the version the customer saw (an old printed form, say).
    named = customer_consent_record(
        customer=eino, kind=ConsentKind.GIVEN, source=ConsentSource.WEB_FORM, actor=None, wording_version=1
    )
    assert named.wording.version == 1
    with pytest.raises(DomainError) as error:
        consent_wording_create(text_fi="", text_en="Only English.", created_by=manager)
    assert "text_fi" in error.value.fields


def test_company_admins_add_wordings_in_the_admin_site_and_nobody_edits_one(client_for, company_admin, manager):
    client = client_for(company_admin)
    response = client.post(
        "/admin/customers/consentwording/add/", {"text_fi": "Suostun kyselyihin.", "text_en": "I agree to surveys."}
    )
    assert response.status_code == 302
    wording = ConsentWording.objects.get(version=2)
    assert (wording.text_en, wording.created_by) == ("I agree to surveys.", company_admin)
    client.post(f"/admin/customers/consentwording/{wording.pk}/change/", {"text_fi": "Muutettu", "text_en": "Changed"})
    wording.refresh_from_db()
    assert wording.text_fi == "Suostun kyselyihin."
    assert client.post(f"/admin/customers/consentwording/{wording.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ConsentWording.objects.filter(pk=wording.pk).exists()
    # Managers use the admin site but do not change what customers agree to.
    assert client_for(manager).get("/admin/customers/consentwording/add/").status_code == 403


# --- The migration of the consent columns ------------------------------------------


def test_the_migration_turns_existing_consent_into_first_events():
    """Rows in the shape they had before the ledger: consent columns and no events."""
    long_ago = timezone.now() - dt.timedelta(days=400)
    Customer.objects.bulk_create(
        [
            Customer(
                email="given@example.fi",
                survey_consent=True,
                consent_given_at=long_ago,
                consent_source=ConsentSource.FRONTLINE,
            ),
            Customer(
                email="both@example.fi", survey_consent=True, consent_given_at=long_ago, consent_source="web_form"
            ),
            Customer(email="neither@example.fi"),
            Customer(email="out@example.fi", unsubscribed=True, unsubscribed_at=long_ago + dt.timedelta(days=3)),
            # Consent without a recorded time or channel (written by hand once).
            Customer(email="odd@example.fi", survey_consent=True),
        ]
    )
    Customer.objects.filter(email="both@example.fi").update(unsubscribed=True, unsubscribed_at=long_ago)
    existing = {customer.email: customer for customer in Customer.objects.all()}

    MIGRATION.consent_ledger_from_columns(django_apps, None)

    ours = ConsentEvent.objects.filter(customer__in=existing.values()).select_related("customer", "wording")
    events = {(event.customer.email, event.kind): event for event in ours}
    assert set(events) == {
        ("given@example.fi", "given"),
        ("both@example.fi", "given"),
        ("both@example.fi", "unsubscribed"),
        ("out@example.fi", "unsubscribed"),
        ("odd@example.fi", "given"),
    }
    assert all(event.migrated and event.wording.version == 1 and event.actor is None for event in events.values())
    given = events[("given@example.fi", "given")]
    assert (given.at, given.source) == (long_ago, "frontline")
    assert events[("both@example.fi", "given")].source == "web_form"
    assert events[("out@example.fi", "unsubscribed")].source == "unrecorded"
    odd = events[("odd@example.fi", "given")]
    assert (odd.at, odd.source) == (existing["odd@example.fi"].created_at, "unrecorded")

    # The columns are untouched, and the ledger replays to them (but for the channel the
    # old rows never recorded, which the replay names "not recorded").
    for customer in Customer.objects.filter(pk__in=[c.pk for c in existing.values()]).exclude(email="odd@example.fi"):
        replay = consent_replay(ConsentEvent.objects.filter(customer=customer).order_by("id"))
        assert ConsentState.of(customer) == replay, customer.email
        assert [getattr(customer, name) for name in CONSENT_COLUMNS] == [
            getattr(existing[customer.email], name) for name in CONSENT_COLUMNS
        ]

    # Run again (a retried deploy): nothing is added.
    MIGRATION.consent_ledger_from_columns(django_apps, None)
    assert ours.count() == 5


# --- The profile page, the timeline, the register -----------------------------------


@pytest.fixture
def history(eino, manager, frontline, touchpoint):
    encounter_log(logged_by=frontline, customer=eino, touchpoint=touchpoint, outcome="resolved", survey_agreed=True)
    customer_consent_record(customer=eino, kind=ConsentKind.UNSUBSCRIBED, source=ConsentSource.ONE_CLICK, actor=None)
    customer_consent_record(customer=eino, kind=ConsentKind.RESUBSCRIBED, source=ConsentSource.STAFF, actor=manager)
    return eino


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            ["Consent history", "Consent given", "Asked by frontline staff", "Unsubscribed from surveys", "Version 1"],
        ),
        (
            "fi",
            ["Suostumushistoria", "Suostumus annettu", "Asiakaspalvelija kysyi", "Kyselyistä kieltäydytty", "Versio 1"],
        ),
    ],
)
def test_the_profile_shows_the_consent_history(client_for, tenant_alpha, manager, history, language, expected):
    manager_in_language = make_user(tenant_alpha, role=Role.MANAGER, language=language)
    page = client_for(manager_in_language).get(f"/customers/{history.pk}/").content.decode()
    for text in expected:
        assert text in page, text
    wording = consent_wording_current()
    assert (wording.text_en if language == "en" else wording.text_fi) in page
    assert page.count('class="consent-wording"') == 3
    assert "Frontline Person" in page  # who recorded the consent at the encounter


def test_the_timeline_has_the_consent_events(history, frontline):
    with translation.override("en"):
        timeline = customer_timeline(customer=history, user=frontline)
        entries = [entry for entry in timeline if entry.kind == TimelineKind.CONSENT]
    assert [entry.title for entry in entries] == [
        "Subscribed again · Entered by staff",
        "Unsubscribed from surveys · One-click unsubscribe in the email program",
        "Consent given · Asked by frontline staff",
    ]
    assert entries[2].detail == f"Recorded by {frontline.get_full_name()} · Wording version 1"
    assert entries[1].detail == "The customer themselves · Wording version 1"
    with translation.override("fi"):
        timeline = customer_timeline(customer=history, user=frontline)
        finnish = [entry for entry in timeline if entry.kind == TimelineKind.CONSENT]
    assert finnish[2].title.startswith("Suostumus annettu") and "Sanamuodon versio 1" in finnish[2].detail


def test_the_ledger_is_in_the_personal_data_register_without_personal_fields(history):
    entry = personal_data_entry(ConsentEvent)
    assert entry is not None and entry.fields == () and entry.customer == "customer"
    assert entry.rows_of_customer(history.pk).count() == 3
    # Ids, times and codes only: no text column could hold a name, an email or a phone.
    text_columns = [
        field.name for field in ConsentEvent._meta.concrete_fields if field.get_internal_type() in ("TextField",)
    ]
    assert text_columns == []
    assert not CustomerImport.objects.exists()  # the refs are plain ids, nothing to cascade from
