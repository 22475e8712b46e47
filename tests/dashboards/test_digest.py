"""The weekly leadership digest: on by default, the opt-out page, one email per subscriber per week, what it says."""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import connection

from apps.dashboards.models import DigestDelivery
from apps.dashboards.selectors.digest import digest_is_subscribed, digest_recipients
from apps.dashboards.services import digest_send, digest_subscribe, digest_unsubscribe
from apps.dashboards.tasks import digest_dispatch
from apps.maturity.models import MaturitySnapshot, TouchpointLevel
from apps.maturity.services import maturity_settings_update
from apps.metrics.services import metrics_refresh_dirty
from apps.tenants.selectors import company_url
from cxplatform.celery import app
from tests.factories import CustomerFactory, FollowUpCaseFactory, ManagerFactory, UserFactory
from tests.journeys.factories import map_build, touchpoint_named
from tests.metrics.factories import encounter_add, invitation_answer, invitation_deliver, scored_survey_build

pytestmark = pytest.mark.django_db

URL = "/dashboard/digest/"
HELSINKI = dt.timezone(dt.timedelta(hours=2))  # November: EET
MONDAY_0730 = dt.datetime(2026, 11, 23, 7, 30, tzinfo=HELSINKI)
LAST_WEEK = dt.datetime(2026, 11, 17, 10, 0, tzinfo=HELSINKI)  # Tuesday of week 47
WEEK_BEFORE = dt.datetime(2026, 11, 10, 10, 0, tzinfo=HELSINKI)  # Tuesday of week 46


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Tasks started on commit run at once, in this process (no broker)."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def run_job(at: dt.datetime, capture: Any) -> int:
    with time_machine.travel(at, tick=False), capture(execute=True):
        return digest_dispatch()


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    path = map_build(name="Katsastus", stages={"Käynti": ["Tarkastus", "Maksu"]})
    check, payment = touchpoint_named(path, "Tarkastus"), touchpoint_named(path, "Maksu")
    survey = scored_survey_build()
    anna = CustomerFactory(full_name="Anna", email="anna@example.fi")
    staff = UserFactory(full_name="Frida Frontline")

    def answer(at: dt.datetime, nps: int, csat: int) -> None:
        encounter = encounter_add(customer=anna, touchpoint=check, at=at)
        invitation = invitation_deliver(survey=survey, customer=anna, encounter=encounter, at=at)
        invitation_answer(invitation=invitation, at=at, scores={"nps": nps, "csat": csat})

    # The week before: one promoter, one detractor -> NPS 0, CSAT 50 %.
    answer(WEEK_BEFORE, 10, 5)
    answer(WEEK_BEFORE, 2, 1)
    # Last week: two promoters and a passive -> NPS 67, CSAT 100 %.
    answer(LAST_WEEK, 10, 5)
    answer(LAST_WEEK, 9, 4)
    answer(LAST_WEEK, 8, 4)
    encounter_add(
        customer=anna,
        touchpoint=payment,
        at=LAST_WEEK,
        by=staff,
        note="Korttimaksu ei toiminut, asiakas joutui odottamaan.",
        raised_to_management=True,
    )
    metrics_refresh_dirty()
    # Maturity a week apart: Tarkastus rose from designed to managed, Maksu stayed.
    TouchpointLevel.objects.bulk_create(
        [
            TouchpointLevel(taken_on=dt.date(2026, 11, 15), touchpoint_id=check.pk, level=2),
            TouchpointLevel(taken_on=dt.date(2026, 11, 15), touchpoint_id=payment.pk, level=1),
            TouchpointLevel(taken_on=dt.date(2026, 11, 22), touchpoint_id=check.pk, level=3),
            TouchpointLevel(taken_on=dt.date(2026, 11, 22), touchpoint_id=payment.pk, level=1),
        ]
    )
    MaturitySnapshot.objects.create(
        taken_on=dt.date(2026, 11, 22),
        path_id=None,
        level=2,
        share_ad_hoc=Decimal("25.0"),
        share_designed=Decimal("75.0"),
        share_managed=Decimal("0.0"),
        weighted_by="encounters",
    )
    FollowUpCaseFactory(
        customer=anna,
        touchpoint=check,
        poor_answer=True,
        reason_scores=[{"measure": "nps", "score": 2}],
        due_at=dt.datetime(2026, 11, 12, 12, 0, tzinfo=HELSINKI),
    )
    subscriber = ManagerFactory(email="johtaja@alpha.example", full_name="Jaana Johtaja", language="en")
    digest_subscribe(user=subscriber)
    # On by default; this manager turned it off, and that choice stays.
    bystander = ManagerFactory(email="ei-tilaa@alpha.example", language="en")
    digest_unsubscribe(user=bystander)
    for other in digest_recipients().exclude(pk=subscriber.pk):  # the map's owners and the like
        digest_unsubscribe(user=other)
    return {"subscriber": subscriber, "bystander": bystander}


def test_one_email_per_subscriber_and_week_however_often_the_job_runs(
    world: dict[str, Any], eager_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    assert run_job(MONDAY_0730, django_capture_on_commit_callbacks) == 1
    assert run_job(MONDAY_0730 + dt.timedelta(hours=1), django_capture_on_commit_callbacks) == 0
    assert [message.to for message in mail.outbox] == [["johtaja@alpha.example"]]
    delivery = DigestDelivery.objects.get()
    assert (delivery.user, delivery.week_start, delivery.sent_at is not None) == (
        world["subscriber"],
        dt.date(2026, 11, 23),
        True,
    )
    # A task delivered twice sends nothing the second time.
    assert digest_send(delivery_id=delivery.pk) is False
    assert len(mail.outbox) == 1
    # Next Monday brings the next one.
    run_job(MONDAY_0730 + dt.timedelta(days=7), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    "at",
    [
        MONDAY_0730 - dt.timedelta(hours=1),  # Monday 06:30
        MONDAY_0730 + dt.timedelta(days=1),  # Tuesday
        MONDAY_0730 - dt.timedelta(days=1),  # Sunday
    ],
)
def test_nothing_before_monday_seven_or_after_monday(
    world: dict[str, Any], eager_tasks: None, django_capture_on_commit_callbacks: Any, at: dt.datetime
) -> None:
    assert run_job(at, django_capture_on_commit_callbacks) == 0
    assert mail.outbox == [] and not DigestDelivery.objects.exists()


def test_stalled_claim_is_sent_by_a_later_run(
    world: dict[str, Any], eager_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(MONDAY_0730, tick=False), django_capture_on_commit_callbacks(execute=False):
        digest_dispatch()  # the claim commits, but its task is lost
    assert mail.outbox == [] and DigestDelivery.objects.get().sent_at is None
    run_job(MONDAY_0730 + dt.timedelta(hours=1), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1 and DigestDelivery.objects.get().sent_at is not None


def test_content_shows_the_numbers_and_the_link(
    world: dict[str, Any], eager_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    run_job(MONDAY_0730, django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    assert message.subject == "Alpha Katsastus Oy: customer experience in week 47"
    text, html = message.body, message.alternatives[0][0]
    week = "Week 47 (16.11.\N{EN DASH}22.11.2026)"
    assert week in text and week in html
    # Last week against the week before: NPS 67 vs 0, CSAT 100 % vs 50 %.
    assert "NPS: 67 (week before 0, +67)" in text
    assert "CSAT %: 100.0 (week before 50.0, +50.0)" in text
    assert "Encounters: 4 (week before 2, +2)" in text
    assert "<strong>67</strong>" in html and "+50.0" in html
    # 1.96 * sqrt((2/3 - 4/9) / 3) * 100 = 53.3
    assert "NPS from 3 answers, margin ± 53.3 points (95 %). Few answers" in text
    assert "+ Tarkastus (Katsastus): Designed -> Managed" in text and "Maksu (Katsastus): " not in text
    assert "Tarkastus <span" in html and "Designed → Managed" in html
    assert "The company is at level Designed. Ad hoc 25.0 % · Designed 75.0 % · Managed 0.0 %" in text
    assert "1 unresolved (1 open, 0 contacted), of which 1 late." in text
    assert "Maksu (Katsastus) · Frida Frontline" in text and "Korttimaksu ei toiminut" in html
    for body in (text, html):
        assert company_url(tenant=connection.tenant, path="/dashboard/") in body
        assert company_url(tenant=connection.tenant, path=URL) in body


@pytest.mark.parametrize(("min_answers", "warned"), [(30, True), (4, True), (3, False), (1, False)])
def test_small_sample_warning_follows_the_company_minimum(
    world: dict[str, Any],
    eager_tasks: None,
    django_capture_on_commit_callbacks: Any,
    min_answers: int,
    warned: bool,
) -> None:
    """Last week had 3 NPS answers: too few only where the company asks for more than that."""
    maturity_settings_update(window_days=90, min_answers=min_answers, max_overdue_cases=0, rollup_share_percent=50)
    run_job(MONDAY_0730, django_capture_on_commit_callbacks)
    text, html = mail.outbox[0].body, mail.outbox[0].alternatives[0][0]
    assert "NPS from 3 answers" in text
    for body in (text, html):
        assert ("Few answers: read the NPS with care." in body) is warned


def test_finnish_subscriber_gets_it_in_finnish(
    world: dict[str, Any], eager_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    subscriber = world["subscriber"]
    subscriber.language = "fi"
    subscriber.save(update_fields=["language"])
    run_job(MONDAY_0730, django_capture_on_commit_callbacks)
    message = mail.outbox[0]
    assert message.subject == "Alpha Katsastus Oy: asiakaskokemus viikolla 47"
    assert "Viikko 47" in message.body and "Avaa koontinäyttö" in message.body
    assert "CSAT %: 100,0 (edellinen viikko 50,0, +50,0)" in message.body
    assert "Tarkastus (Katsastus): Suunniteltu -> Johdettu" in message.body
    assert "1 ratkaisematta (avoinna 1, yhteydessä 0), joista myöhässä 1." in message.body


def test_unsubscribed_and_frontline_get_nothing(
    world: dict[str, Any], eager_tasks: None, django_capture_on_commit_callbacks: Any
) -> None:
    subscriber = world["subscriber"]
    subscriber.role = "frontline"  # moved to the frontline after subscribing
    subscriber.save(update_fields=["role"])
    assert run_job(MONDAY_0730, django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_manager_turns_it_on_and_off(client_for: Any, manager: Any) -> None:
    client = client_for(manager)
    page = client.get(URL)
    assert page.status_code == 200
    assert digest_is_subscribed(user=manager)  # on by default
    client.post(URL, {})
    assert not digest_is_subscribed(user=manager)
    response = client.post(URL, {"subscribed": "on"})
    assert response.status_code == 302
    assert DigestDelivery.objects.count() == 0
    assert digest_is_subscribed(user=manager)


def test_frontline_cannot_subscribe(client_for: Any, frontline: Any) -> None:
    client = client_for(frontline)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"subscribed": "on"}).status_code == 403
    assert not frontline.__class__.objects.filter(pk=frontline.pk, digest_subscription__isnull=False).exists()


def test_account_page_links_to_the_digest_for_managers_only(client_for: Any, manager: Any, frontline: Any) -> None:
    assert URL in client_for(manager).get("/accounts/password/").content.decode()
    assert URL not in client_for(frontline).get("/accounts/password/").content.decode()
