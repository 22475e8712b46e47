"""A case's reason is data, put into words in the language of whoever reads it.

A case opened by a poor answer in Finnish reads in English to an English-speaking user
and the other way round: on the case list, the case page, the customer's timeline, in
the assignee's email and in the API. Old rows written as text in either language become
data; any other text stays as a reason written by staff.
"""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from django.utils import timezone, translation

from apps.cases.models import FollowUpCase
from apps.cases.reasons import CaseReason, PoorScore
from apps.cases.services import case_assignment_notify, case_open
from apps.core.exceptions import DomainError
from apps.customers.services import customer_create
from apps.surveys.dispatch import survey_dispatch_run
from apps.surveys.models import Invitation
from apps.surveys.sending import invitation_email_send
from apps.surveys.tokens import token_for
from tests.conftest import outbox_deliver_due
from tests.factories import TouchpointSurveyFactory
from tests.journeys.factories import map_build, touchpoint_named
from tests.surveys.conftest import answer_data, log_visit, survey_build

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
WORDS = {"fi": "Heikko vastaus: NPS 3", "en": "Poor answer: NPS 3"}
OTHER = {"fi": "en", "en": "fi"}


def answer_poorly(*, anonymous_client: Any, owner: Any, language: str) -> FollowUpCase:
    """A customer who speaks `language` answers NPS 3 on the survey page, in that language."""
    survey = survey_build()
    touchpoint = touchpoint_named(map_build(stages={"Katsastus": ["Tarkastus"]}), "Tarkastus")
    touchpoint.owner = owner
    touchpoint.save(update_fields=["owner"])
    TouchpointSurveyFactory(touchpoint=touchpoint, survey=survey, delay_minutes=120)
    customer = customer_create(full_name="Maija Meikäläinen", email="maija@example.fi", language=language)
    log_visit(customer=customer, touchpoint=touchpoint, at=NOON)
    send_time = NOON + dt.timedelta(hours=2)
    with time_machine.travel(send_time, tick=False):
        for batch in survey_dispatch_run(now=send_time):
            for email_id in batch:
                assert invitation_email_send(email_id=email_id, now=send_time) == "sent"
    invitation = Invitation.objects.get()
    assert invitation.language == language
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() + dt.timedelta(days=14))
    page = anonymous_client.post(f"/s/{token_for(invitation.token_nonce)}/", answer_data(invitation, nps="3"))
    assert page.status_code == 302
    return FollowUpCase.objects.get()


def test_the_reason_is_put_into_words_in_the_active_language() -> None:
    poor = CaseReason.poor_answer([PoorScore(measure="nps", score=2), PoorScore(measure="csat", score=1)])
    written = CaseReason.written("  Asiakas soitti ja pyysi soittoa takaisin.  ")
    with translation.override("fi"):
        assert str(poor) == "Heikko vastaus: NPS 2, CSAT 1"
        assert str(CaseReason.written("")) == "Henkilökunnan avaama"
    with translation.override("en"):
        assert str(poor) == "Poor answer: NPS 2, CSAT 1"
        assert str(CaseReason.written("")) == "Opened by staff"
    assert str(written) == "Asiakas soitti ja pyysi soittoa takaisin."
    assert poor.fields() == {
        "reason_code": "poor_answer",
        "reason_scores": [{"measure": "nps", "score": 2}, {"measure": "csat", "score": 1}],
        "reason_text": "",
    }


@pytest.mark.parametrize("answered_in", ["fi", "en"])
def test_each_reader_reads_the_reason_in_their_own_language(
    answered_in: str, anonymous_client: Any, client_for: Any, manager: Any, company_admin: Any
) -> None:
    case = answer_poorly(anonymous_client=anonymous_client, owner=manager, language=answered_in)
    assert (case.reason_code, case.reason_scores, case.reason_text) == (
        "poor_answer",
        [{"measure": "nps", "score": 3}],
        "",
    )
    readers = {"fi": company_admin, "en": manager}
    for language, reader in readers.items():
        reader.language = language
        reader.save(update_fields=["language"])
        client = client_for(reader)
        for url in (
            reverse("cases:list"),
            reverse("cases:detail", args=[case.pk]),
            reverse("customers:detail", args=[case.customer_id]),
        ):
            page = client.get(url).content.decode()
            assert WORDS[language] in page, (language, url)
            assert WORDS[OTHER[language]] not in page, (language, url)
        # The API speaks the language the client asks for.
        document = client.get(
            f"/api/v1/customers/{case.customer_id}/personal-data/", HTTP_ACCEPT_LANGUAGE=language
        ).json()
        (row,) = document["cases"]
        assert (row["reason"], row["reason_code"], row["reason_scores"]) == (
            WORDS[language],
            "poor_answer",
            [{"measure": "nps", "score": 3}],
        )


@pytest.mark.parametrize("owner_speaks", ["fi", "en"])
def test_the_email_says_the_reason_in_the_assignees_language(
    owner_speaks: str, anonymous_client: Any, manager: Any
) -> None:
    manager.language = owner_speaks
    manager.save(update_fields=["language"])
    # The customer answered in the other language.
    case = answer_poorly(anonymous_client=anonymous_client, owner=manager, language=OTHER[owner_speaks])
    mail.outbox.clear()
    assert case_assignment_notify(case_id=case.pk)
    outbox_deliver_due()
    (email,) = mail.outbox
    assert email.to == [manager.email]
    assert WORDS[owner_speaks] in email.body and WORDS[owner_speaks] in email.alternatives[0][0]
    assert WORDS[OTHER[owner_speaks]] not in email.body


def test_a_reason_staff_write_is_kept_as_written_and_required(manager: Any) -> None:
    customer = customer_create(full_name="Maija Meikäläinen", email="maija@example.fi")
    written = "Pyysi soittoa iltapäivällä."
    case = case_open(customer=customer, reason=CaseReason.written(written), due_working_days=2, opened_by=manager)
    case.refresh_from_db()
    assert (case.reason_code, case.reason_text, case.reason) == ("staff", written, written)
    # The opening event keeps no copy of the reason: it is the case's, in one place.
    assert case.events.get().note == ""
    with pytest.raises(DomainError) as blank:
        case_open(customer=customer, reason=CaseReason.written("   "), due_working_days=2)
    assert "reason" in blank.value.fields
    with pytest.raises(DomainError):
        case_open(customer=customer, reason=CaseReason.poor_answer([]), due_working_days=2)
    assert FollowUpCase.objects.count() == 1


# --- Rows written before the reason was data ------------------------------------------------------------

BEFORE = [("cases", "0003_outbound_email_customer_fill")]
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


def test_old_reasons_in_either_language_become_data_and_other_text_stays_as_staff_text(manager: Any) -> None:
    customer = customer_create(full_name="Maija Meikäläinen", email="maija@example.fi")
    old_apps = _migrate(BEFORE)
    OldCase = old_apps.get_model("cases", "FollowUpCase")
    OldEvent = old_apps.get_model("cases", "CaseEvent")
    due = timezone.now() + dt.timedelta(days=2)
    texts = {
        "fi": "Heikko vastaus: NPS 2, CSAT 1",
        "en": "Poor answer: CES 6",
        "staff": "Asiakas soitti: jarrut vinkuvat yhä",
        "lookalike": "Heikko vastaus: soita heti",
    }
    ids = {}
    for key, text in texts.items():
        old = OldCase.objects.create(customer_id=customer.pk, reason=text, due_at=due, source_key=f"old:{key}")
        OldEvent.objects.create(case=old, at=timezone.now(), to_status="open", note=text)
        OldEvent.objects.create(case=old, at=timezone.now(), from_status="open", to_status="contacted", note=text)
        ids[key] = old.pk

    _migrate(AFTER)

    cases = {key: FollowUpCase.objects.get(pk=pk) for key, pk in ids.items()}
    assert (cases["fi"].reason_code, cases["fi"].reason_scores) == (
        "poor_answer",
        [{"measure": "nps", "score": 2}, {"measure": "csat", "score": 1}],
    )
    assert (cases["en"].reason_code, cases["en"].reason_scores) == ("poor_answer", [{"measure": "ces", "score": 6}])
    for key in ("staff", "lookalike"):
        assert (cases[key].reason_code, cases[key].reason_scores, cases[key].reason_text) == ("staff", [], texts[key])
    with translation.override("en"):
        assert cases["fi"].reason == "Poor answer: NPS 2, CSAT 1"
    with translation.override("fi"):
        assert cases["en"].reason == "Heikko vastaus: CES 6"
    # The opening event's copy of the reason goes; a note someone wrote later stays.
    for key, case in cases.items():
        assert list(case.events.order_by("id").values_list("note", flat=True)) == ["", texts[key]]
