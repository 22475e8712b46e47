"""A case's history is data, put into words in the language of whoever reads it.

A reassignment keeps who the case went to, not a sentence in the language of whoever
reassigned it: a Finnish-speaking manager's reassignment reads in English to an English
reader. Old notes written as text in either language become data where the name they
give is exactly one user's; any other note stays as it was written.
"""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from django.utils import timezone

from apps.cases.models import CaseEvent, CaseEventKind, FollowUpCase
from apps.cases.reasons import CaseReason
from apps.cases.services import case_open, case_reassign
from apps.customers.services import customer_create
from apps.privacy.export_files import person_export_html
from apps.privacy.person_export import person_export_document
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

WORDS = {"fi": "Siirretty henkilölle Frontline Person", "en": "Reassigned to Frontline Person"}


@pytest.fixture
def case(db: None) -> FollowUpCase:
    customer = customer_create(full_name="Kalle Asiakas", email="kalle@example.fi")
    return case_open(customer=customer, reason=CaseReason.written("Soittopyyntö"), due_working_days=2)


def _page(client_for: Any, reader: Any, language: str, case: FollowUpCase) -> str:
    reader.language = language
    reader.save(update_fields=["language"])
    return client_for(reader).get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_a_reassignment_is_kept_as_data_and_read_in_each_readers_language(
    client_for: Any, manager: Any, company_admin: Any, frontline: Any, case: FollowUpCase
) -> None:
    manager.language = "fi"
    manager.save(update_fields=["language"])
    response = client_for(manager).post(
        reverse("cases:detail", args=[case.pk]), {"action": "reassign", "assignee": frontline.pk}
    )
    assert response.status_code == 302
    event = CaseEvent.objects.get(case=case, kind=CaseEventKind.REASSIGNED)
    assert (event.assignee, event.actor, event.note, event.to_status) == (frontline, manager, "", "")

    english = _page(client_for, company_admin, "en", case)
    finnish = _page(client_for, manager, "fi", case)
    assert WORDS["en"] in english and WORDS["fi"] not in english
    assert WORDS["fi"] in finnish and WORDS["en"] not in finnish


def test_a_reassignment_to_a_user_since_removed_still_reads(
    client_for: Any, company_admin: Any, manager: Any, case: FollowUpCase
) -> None:
    leaver = make_user(manager.tenant, role="manager", full_name="Lähtijä Poistettu")
    case_reassign(case=case, assignee=leaver, actor=manager)
    leaver.delete()
    page = _page(client_for, company_admin, "en", case)
    assert "Reassigned to a removed user" in page
    assert "Lähtijä" not in page


def test_the_customers_export_says_reassigned_without_naming_the_staff_member(
    manager: Any, frontline: Any, case: FollowUpCase
) -> None:
    case_reassign(case=case, assignee=frontline, actor=manager)
    document = person_export_document(customer=case.customer)
    events = document["cases"][0]["events"]
    assert [(event["kind"], event["to_status"], event["note"]) for event in events] == [
        ("status", "open", ""),
        ("reassigned", "", ""),
    ]
    assert "Frontline Person" not in person_export_html(document, language="en")
    assert "Siirretty" in person_export_html(document, language="fi")


# --- Notes written before the reassignment was data ----------------------------------------------------

BEFORE = [("cases", "0004_case_reason_as_data")]
# Through the data migration to the latest: the test reads the rows with today's models.
AFTER = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("cases")


def _migrate(targets: list[tuple[str, str]]) -> Any:
    # Rows written earlier in this transaction leave deferred foreign-key checks pending, and
    # PostgreSQL alters no table with pending checks: run them now.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_old_reassignment_notes_in_either_language_become_data_where_the_name_is_one_users(
    manager: Any, frontline: Any, case: FollowUpCase
) -> None:
    no_name = make_user(manager.tenant, role="frontline", email="nimeton@alpha.example", full_name="")
    make_user(manager.tenant, role="frontline", full_name="Sama Nimi")
    make_user(manager.tenant, role="frontline", full_name="Sama Nimi")
    old_apps = _migrate(BEFORE)
    OldEvent = old_apps.get_model("cases", "CaseEvent")
    notes = {
        "en": "Reassigned to Frontline Person",
        "fi": "Siirretty henkilölle Manager Person",
        "email": "Siirretty henkilölle nimeton@alpha.example",
        "unknown": "Reassigned to Someone Gone",
        "two_users": "Reassigned to Sama Nimi",
        "staff_note": "Soitin asiakkaalle, lupasin palata asiaan.",
    }
    ids = {
        key: OldEvent.objects.create(case_id=case.pk, at=timezone.now() + dt.timedelta(minutes=i), note=note).pk
        for i, (key, note) in enumerate(notes.items())
    }
    contacted = OldEvent.objects.create(
        case_id=case.pk, at=timezone.now(), from_status="open", to_status="contacted", note=notes["en"]
    ).pk

    _migrate(AFTER)

    events = {key: CaseEvent.objects.get(pk=pk) for key, pk in ids.items()}
    moved = {key: (event.kind, event.assignee_id, event.note) for key, event in events.items()}
    assert moved == {
        "en": ("reassigned", frontline.pk, ""),
        "fi": ("reassigned", manager.pk, ""),
        "email": ("reassigned", no_name.pk, ""),
        "unknown": ("status", None, notes["unknown"]),
        "two_users": ("status", None, notes["two_users"]),
        "staff_note": ("status", None, notes["staff_note"]),
    }
    # A note someone wrote on a change of status is theirs, whatever it says.
    assert CaseEvent.objects.get(pk=contacted).note == notes["en"]
