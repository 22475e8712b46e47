"""One customer who touches every feature: `customer_everywhere` builds them through the real services.

Imported from a CSV file (and named in a second, rejected-row import's file and
report), three encounters with staff notes, invitations sent through the outbox, a
reminder scheduled, an invitation handed to the outbox but not yet sent, answers with
free text, a case opened by the poor answer with its assignee's email, notes and
events, a case staff opened with a reason naming them, an admin change-log entry, and
their per-person export if the export exists.
Everything identifying them is one of `needles`, which the every-table scan
(tests/privacy/scan.py) looks for.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from apps.cases.models import FollowUpCase
from apps.cases.reasons import CaseReason
from apps.cases.services import case_assignment_notify, case_mark_contacted, case_open, case_resolve
from apps.customers.importing import ImportMode, customer_import_commit, customer_import_create
from apps.customers.models import Customer, CustomerImport
from apps.encounters.services import encounter_log
from apps.outbox.models import OutboundEmail
from apps.outbox.services import outbound_emails_deliver
from apps.surveys.dispatch import survey_dispatch_run
from apps.surveys.models import EmailKind, EmailStatus, Invitation, InvitationEmail
from apps.surveys.responses import response_submit
from apps.surveys.selectors import survey_settings_get
from apps.surveys.sending import invitation_email_send, invitation_emails_hand_over
from tests.factories import TouchpointSurveyFactory
from tests.journeys.factories import map_build, touchpoint_named
from tests.surveys.conftest import survey_build

NAME = "Tuulikki Häkkinen-Erasmaa"
EMAIL = "tuulikki.hakkinen@erasure.example"
PHONE = "040 765 4321"
PHONE_NORMALIZED = "+358407654321"
EXTERNAL_ID = "CRM-ERASE-7731"
ENCOUNTER_EXTERNAL_ID = "POS-ERASE-99812"
NEEDLES = (NAME, EMAIL, PHONE, PHONE_NORMALIZED, EXTERNAL_ID, ENCOUNTER_EXTERNAL_ID)
# Someone else in the same file and the same company, who must keep everything.
OTHER_NAME = "Onni Toinen-Pysyvä"
OTHER_EMAIL = "onni.toinen@stays.example"

# A Wednesday at noon in Helsinki (UTC+2 in winter).
NOON = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@dataclass
class Everywhere:
    customer: Customer
    other: Customer
    touchpoint: Any
    survey: Any
    case: FollowUpCase
    imports: list[CustomerImport]
    needles: tuple[str, ...] = NEEDLES
    # When the last step happened; what a test runs next should run after it.
    now: dt.datetime = NOON
    notes: dict[str, Any] = field(default_factory=dict)


def _dispatch_and_send(now: dt.datetime) -> list[str]:
    with time_machine.travel(now, tick=False):
        return [
            invitation_email_send(email_id=email_id, now=now)
            for batch in survey_dispatch_run(now=now)
            for email_id in batch
        ]


def _visit(
    customer: Customer, touchpoint: Any, *, at: dt.datetime, by: Any, note: str = "", external_id: str = ""
) -> Any:
    with time_machine.travel(at, tick=False):
        return encounter_log(
            logged_by=by,
            customer=customer,
            touchpoint=touchpoint,
            outcome="resolved",
            peak_feeling=-1,
            end_feeling=1,
            note=note,
            survey_agreed=True,
            occurred_at=at,
            external_id=external_id,
        )


def customer_export_hook(customer: Customer, user: Any) -> None:
    """The per-person export of the customer, so the scan proves erasure reaches its copies too."""
    from apps.privacy.services import personal_data_export_create

    personal_data_export_create(customer=customer, created_by=user)


def customer_everywhere_build(*, admin: Any, manager: Any, frontline: Any) -> Everywhere:
    rules = survey_settings_get()
    rules.frequency_cap_days = 0
    rules.save()

    # Imported from a file, with someone else; the file and its report stay on the import.
    content = (
        "name;email;phone;language;consent;external_id\n"
        f"{NAME};{EMAIL};{PHONE};fi;kyllä;{EXTERNAL_ID}\n"
        f"{OTHER_NAME};{OTHER_EMAIL};040 111 2222;fi;kyllä;CRM-STAYS-1\n"
    ).encode()
    with time_machine.travel(NOON - 30 * DAY, tick=False):
        first = customer_import_create(file_name="asiakkaat.csv", content=content, created_by=admin)
        first = customer_import_commit(customer_import=first, mode=ImportMode.ALL_OR_NOTHING, user=admin)
    # A later file with a bad row of theirs: the rejected row and its error stay in the report.
    bad = (f"name;email;phone;language\n{NAME};{EMAIL};not a phone;xx\n{OTHER_NAME};{OTHER_EMAIL};;fi\n").encode()
    with time_machine.travel(NOON - 20 * DAY, tick=False):
        second = customer_import_create(file_name="korjaus.csv", content=bad, created_by=admin)
    customer = Customer.objects.get(email=EMAIL)
    other = Customer.objects.get(email=OTHER_EMAIL)
    assert customer.phone_normalized == PHONE_NORMALIZED and customer.external_id == EXTERNAL_ID

    survey = survey_build()
    path = map_build(stages={"Katsastus": ["Tarkastus"], "Tulos": ["Tuloksen kertominen"]})
    touchpoint = touchpoint_named(path, "Tarkastus")
    touchpoint.owner = manager
    touchpoint.save(update_fields=["owner"])
    TouchpointSurveyFactory(touchpoint=touchpoint, survey=survey, delay_minutes=120)

    # First visit, with a staff note naming them; its invitation goes out through the outbox.
    _visit(
        customer,
        touchpoint,
        at=NOON,
        by=frontline,
        note=f"{NAME} odotti pitkään; soita numeroon {PHONE} tai {EMAIL}.",
        external_id=ENCOUNTER_EXTERNAL_ID,
    )
    _visit(other, touchpoint, at=NOON, by=frontline, note="Tavallinen käynti.")
    assert _dispatch_and_send(NOON + 2 * HOUR) == ["sent", "sent"]
    first_invitation = Invitation.objects.get(customer=customer)

    # They answer poorly with free text naming themselves: a case opens, its assignee is emailed.
    questions = {question.type: question for question in survey.questions.all()}
    with time_machine.travel(NOON + 5 * HOUR, tick=False):
        response_submit(
            invitation_id=first_invitation.pk,
            raw_answers={
                f"q{questions['nps'].pk}": "2",
                f"q{questions['text'].pk}": f"Olen {NAME}, soittakaa {PHONE}. Palvelu oli huonoa.",
            },
            now=NOON + 5 * HOUR,
        )
    case = FollowUpCase.objects.get(customer=customer)
    with time_machine.travel(NOON + 5 * HOUR, tick=False):
        assert case_assignment_notify(case_id=case.pk)
        outbound_emails_deliver(
            message_ids=list(OutboundEmail.objects.filter(kind="case_assigned").values_list("id", flat=True))
        )
    with time_machine.travel(NOON + DAY, tick=False):
        case = case_mark_contacted(case=case, actor=manager, note=f"Soitin: {NAME}, {PHONE}.")
    with time_machine.travel(NOON + DAY + HOUR, tick=False):
        case = case_resolve(case=case, actor=manager, note=f"Hyvitys sovittu, vahvistus osoitteeseen {EMAIL}.")
    # Staff open a case of their own, with a reason that names them.
    with time_machine.travel(NOON + DAY + 2 * HOUR, tick=False):
        case_open(
            customer=customer,
            touchpoint=touchpoint,
            reason=CaseReason.written(f"{NAME} pyysi soittoa numeroon {PHONE}."),
            due_working_days=2,
            opened_by=manager,
        )

    # A second visit: its invitation is sent and its reminder stays scheduled.
    _visit(customer, touchpoint, at=NOON + 2 * DAY, by=frontline, note=f"Uusi käynti, {NAME}.")
    assert _dispatch_and_send(NOON + 2 * DAY + 2 * HOUR) == ["sent"]
    second_invitation = Invitation.objects.filter(customer=customer).exclude(pk=first_invitation.pk).get()
    assert InvitationEmail.objects.filter(
        invitation=second_invitation, kind=EmailKind.REMINDER, status=EmailStatus.SCHEDULED
    ).exists()

    # A third visit: its invitation is handed to the outbox (queued) but not sent yet.
    _visit(customer, touchpoint, at=NOON + 3 * DAY, by=frontline)
    due = NOON + 3 * DAY + 2 * HOUR
    with time_machine.travel(due, tick=False):
        email_ids = [email_id for batch in survey_dispatch_run(now=due) for email_id in batch]
        handed = invitation_emails_hand_over(email_ids=email_ids, now=due)
    queued = OutboundEmail.objects.filter(pk__in=handed.outbound_ids, recipient=EMAIL, status="queued")
    assert queued.count() == 1

    # Someone edited them in the admin: the change log names them.
    LogEntry.objects.create(
        user_id=admin.pk,
        content_type_id=ContentType.objects.get_for_model(Customer).pk,
        object_id=customer.pk,
        object_repr=str(customer),
        action_flag=CHANGE,
        change_message=f'[{{"changed": {{"fields": ["email"]}}}}, "{EMAIL}"]',
    )
    customer_export_hook(customer, admin)

    customer.refresh_from_db()
    return Everywhere(
        customer=customer,
        other=other,
        touchpoint=touchpoint,
        survey=survey,
        case=case,
        imports=[first, second],
        now=due + HOUR,
        notes={"queued_outbound_ids": list(queued.values_list("id", flat=True))},
    )


@pytest.fixture
def customer_everywhere(company_admin: Any, manager: Any, frontline: Any) -> Everywhere:
    return customer_everywhere_build(admin=company_admin, manager=manager, frontline=frontline)
