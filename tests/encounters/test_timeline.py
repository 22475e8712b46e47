"""The customer's profile timeline: encounters, invitations, answers and cases from their own apps, newest first."""

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone, translation

from apps.customers.timeline import TimelineKind, customer_timeline
from apps.surveys.models import Invitation, InvitationStatus
from apps.surveys.responses import response_submit
from apps.surveys.sending import invitations_schedule_from_encounters
from tests.encounters.conftest import log
from tests.factories import TouchpointSurveyFactory
from tests.surveys.conftest import survey_build


def _answered_poorly(*, frontline: Any, customer: Any, touchpoint: Any) -> Any:
    survey = survey_build()
    TouchpointSurveyFactory(touchpoint=touchpoint, survey=survey, delay_minutes=60)
    encounter = log(
        by=frontline,
        customer=customer,
        touchpoint=touchpoint,
        ago=dt.timedelta(hours=5),
        survey_agreed=True,
        note="Asiakas oli tyytymätön odotusaikaan.",
    )
    now = timezone.now()
    invitations_schedule_from_encounters(now=now - dt.timedelta(hours=4))
    invitation = Invitation.objects.get(encounter=encounter)
    Invitation.objects.filter(pk=invitation.pk).update(
        status=InvitationStatus.SENT, sent_at=now - dt.timedelta(hours=3), expires_at=now + dt.timedelta(days=7)
    )
    nps, text = survey.questions.order_by("position")
    response_submit(
        invitation_id=invitation.pk,
        raw_answers={f"q{nps.pk}": "3", f"q{text.pk}": "Liian pitkä jono."},
        now=now - dt.timedelta(hours=2),
    )
    return encounter


def test_timeline_has_every_kind_newest_first(db: None, frontline: Any, customer: Any, touchpoint: Any) -> None:
    _answered_poorly(frontline=frontline, customer=customer, touchpoint=touchpoint)
    with translation.override("en"):
        entries = customer_timeline(customer=customer, user=frontline)
    kinds = [entry.kind for entry in entries]
    assert set(kinds) == {
        TimelineKind.ENCOUNTER,
        TimelineKind.INVITATION,
        TimelineKind.ANSWER,
        TimelineKind.CASE,
        TimelineKind.CONSENT,
    }
    assert [entry.at for entry in entries] == sorted((entry.at for entry in entries), reverse=True)
    answer = next(entry for entry in entries if entry.kind == TimelineKind.ANSWER)
    assert "NPS 3" in answer.title and "Liian pitkä jono." in answer.detail
    invitation = next(entry for entry in entries if entry.kind == TimelineKind.INVITATION)
    assert "Answered" in invitation.title
    case = next(entry for entry in entries if entry.kind == TimelineKind.CASE)
    assert "NPS 3" in case.title and case.url.startswith("/cases/")


def test_profile_page_shows_the_timeline(
    client_for: Any, manager: Any, frontline: Any, customer: Any, touchpoint: Any
) -> None:
    _answered_poorly(frontline=frontline, customer=customer, touchpoint=touchpoint)
    body = client_for(manager).get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert "Asiakas oli tyytymätön odotusaikaan." in body
    assert "Liian pitkä jono." in body
    for kind in ("encounter", "invitation", "answer", "case", "consent"):
        assert f"timeline__entry--{kind}" in body


def test_my_encounters_shows_the_feedback(client_for: Any, frontline: Any, customer: Any, touchpoint: Any) -> None:
    encounter = _answered_poorly(frontline=frontline, customer=customer, touchpoint=touchpoint)
    body = client_for(frontline).get(reverse("encounters:mine")).content.decode()
    assert "score--poor" in body and "Liian pitkä jono." in body
    detail = client_for(frontline).get(reverse("encounters:detail", args=[encounter.pk])).content.decode()
    assert "Liian pitkä jono." in detail
