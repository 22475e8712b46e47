"""One meaning of late: a case in each state, and every place that counts late cases agrees."""

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.cases.models import CaseStatus, FollowUpCase
from apps.cases.selectors import case_counts, case_list, cases_late_by_touchpoint, timeliness_filter
from apps.cases.timeliness import Timeliness, case_timeliness
from apps.customers.services import customer_create
from apps.dashboards.emails import digest_email
from apps.maturity.services import maturity_settings_update
from apps.privacy.erasure import customer_erase
from tests.factories import FollowUpCaseFactory
from tests.journeys.factories import map_build, touchpoint_named

pytestmark = pytest.mark.django_db

DUE = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("contacted_at", "resolved_at", "now", "expected"),
    [
        (None, None, DUE - HOUR, Timeliness.NOT_DUE),
        (None, None, DUE, Timeliness.NOT_DUE),  # due at the due time itself, late only after it
        (None, None, DUE + HOUR, Timeliness.LATE),
        (DUE - HOUR, None, DUE + HOUR, Timeliness.ON_TIME),
        (DUE, None, DUE + HOUR, Timeliness.ON_TIME),
        (DUE + HOUR, None, DUE + 2 * HOUR, Timeliness.LATE),
        (DUE - HOUR, DUE + HOUR, DUE + 2 * HOUR, Timeliness.ON_TIME),  # contacted in time, resolved later
        (None, DUE - HOUR, DUE + HOUR, Timeliness.ON_TIME),  # resolved without a separate contact
        (None, DUE + HOUR, DUE + 2 * HOUR, Timeliness.LATE),
        (DUE + HOUR, DUE + 2 * HOUR, DUE + 3 * HOUR, Timeliness.LATE),  # late stays late once resolved
    ],
)
def test_timeliness_rule(contacted_at, resolved_at, now, expected):
    assert case_timeliness(due_at=DUE, contacted_at=contacted_at, resolved_at=resolved_at, now=now) == expected


@pytest.fixture
def client_for(client_for: Any) -> Any:
    """The pages in English; the Finnish words are checked at the end."""

    def build(*args: Any, **kwargs: Any) -> Any:
        client = client_for(*args, **kwargs)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return build


@pytest.fixture
def world(manager: Any) -> dict[str, Any]:
    """A case in each state, all opened in the maturity window at one touchpoint."""
    path = map_build(name="Katsastus", stages={"Käynti": ["Tarkastus"]})
    touchpoint = touchpoint_named(path, "Tarkastus")
    touchpoint.owner = manager
    touchpoint.intended_experience = "Selkeä tulos ja ystävällinen selitys"
    touchpoint.target_nps = 30
    touchpoint.save()
    customer = customer_create(full_name="Kalle Asiakas", email="kalle@example.fi")
    now = timezone.now()
    past_due, future_due = now - dt.timedelta(days=3), now + dt.timedelta(days=2)
    early, late = past_due - dt.timedelta(days=1), past_due + dt.timedelta(days=1)
    states = {
        # name: (status, due_at, contacted_at, resolved_at)
        "open, not due yet": (CaseStatus.OPEN, future_due, None, None),
        "open, late": (CaseStatus.OPEN, past_due, None, None),
        "contacted on time": (CaseStatus.CONTACTED, past_due, early, None),
        "contacted late": (CaseStatus.CONTACTED, past_due, late, None),
        "resolved on time": (CaseStatus.RESOLVED, past_due, early, late),
        "resolved without contact, on time": (CaseStatus.RESOLVED, past_due, None, early),
        "resolved, contacted late": (CaseStatus.RESOLVED, past_due, late, late + HOUR),
    }
    cases = {}
    for reason, (status, due_at, contacted_at, resolved_at) in states.items():
        case = FollowUpCaseFactory(
            customer=customer,
            touchpoint=touchpoint,
            assignee=manager,
            reason_text=reason,
            status=status,
            due_at=due_at,
            contacted_at=contacted_at,
            resolved_at=resolved_at,
        )
        FollowUpCase.objects.filter(pk=case.pk).update(created_at=now - dt.timedelta(days=6))
        cases[reason] = case
    maturity_settings_update(window_days=30, min_answers=1, max_overdue_cases=0, rollup_share_percent=50)
    return {"path": path, "touchpoint": touchpoint, "customer": customer, "cases": cases, "now": now}


LATE = {"open, late", "contacted late", "resolved, contacted late"}
UNRESOLVED_LATE = {"open, late", "contacted late"}


def test_the_query_and_the_rule_agree_on_every_case(world):
    now = world["now"]
    for timeliness in Timeliness:
        found = set(
            timeliness_filter(FollowUpCase.objects.all(), timeliness=timeliness, now=now).values_list(
                "reason_text", flat=True
            )
        )
        expected = {case.reason for case in world["cases"].values() if case.timeliness(now) == timeliness}
        assert found == expected, timeliness
    assert {case.reason for case in world["cases"].values() if case.timeliness(now) == Timeliness.LATE} == LATE


def _case_list_rows(html: str) -> list[str]:
    return re.findall(r"<tr>\s*<td>(.*?)</td>", html, flags=re.S)


def test_every_place_counts_the_same_late_cases(client_for, manager, world):
    client = client_for(manager)
    touchpoint = world["touchpoint"]

    counts = case_counts(now=timezone.now())
    assert (counts.open, counts.contacted, counts.late) == (2, 2, len(UNRESOLVED_LATE))
    sentence = "4 unresolved (2 open, 2 contacted), of which 2 late."

    # The company dashboard's tiles, each a link to the case list that shows the same cases.
    company = client.get(reverse("dashboards:company")).content.decode()
    for query, value in (("status=open", 2), ("status=contacted", 2), ("timeliness=late", 2)):
        assert f'/cases/?{query}"><span class="stat__value">{value}</span>' in company

    # The path's footer and the touchpoint's case section say the same sentence.
    path_page = client.get(reverse("dashboards:path", args=[world["path"].pk])).content.decode()
    assert sentence in path_page
    touchpoint_page = client.get(reverse("dashboards:touchpoint", args=[touchpoint.pk])).content.decode()
    assert sentence in touchpoint_page
    assert touchpoint_page.count('<span class="badge badge--late">Late</span>') == len(LATE)

    # The digest email, text and HTML.
    manager.language = "en"
    manager.save()
    message = digest_email(
        user=manager, week_start=timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    )
    assert sentence in message.body and sentence in message.alternatives[0][0]

    # The case list: the default view (unresolved) tags exactly the late ones, the filter finds the same.
    rows = _case_list_rows(client.get("/cases/").content.decode())
    assert len(rows) == 4 and sum("badge--late" in row for row in rows) == 2
    late_page = client.get("/cases/?timeliness=late").content.decode()
    assert "2 cases" in late_page and len(_case_list_rows(late_page)) == 2
    for reason in UNRESOLVED_LATE:
        assert f"/cases/{world['cases'][reason].pk}/" in late_page
    # With the resolved ones: every late case opened in the window, which is what maturity counts.
    every_late = client.get("/cases/?status=all&timeliness=late").content.decode()
    assert "3 cases" in every_late
    assert all(f"/cases/{world['cases'][reason].pk}/" in every_late for reason in LATE)

    window = world["now"] - dt.timedelta(days=30)
    assert cases_late_by_touchpoint(opened_from=window, until=world["now"] + HOUR) == {touchpoint.pk: len(LATE)}
    reason = "3 late follow-up cases in 30 days"
    assert reason in path_page and reason in touchpoint_page
    api = client.get("/api/v1/maturity/touchpoints/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [item["evidence"]["overdue_cases"] for item in api["touchpoints"]] == [len(LATE)]

    # Each case's page and the customer's timeline use the same word.
    for name, case in world["cases"].items():
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert ('<span class="badge badge--late">Late</span>' in page) == (name in LATE), name
    timeline = client.get(reverse("customers:detail", args=[world["customer"].pk])).content.decode()
    assert len(re.findall(r"· (?:Open|Contacted|Resolved), late", timeline)) == len(LATE)


def test_the_words_in_finnish(client_for, manager, world):
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    page = client.get(reverse("dashboards:path", args=[world["path"].pk])).content.decode()
    assert "4 ratkaisematta (avoinna 2, yhteydessä 2), joista myöhässä 2." in page
    assert "3 jälkihoitotapausta myöhässä 30 päivän aikana" in page
    listing = client.get("/cases/?timeliness=late").content.decode()
    assert listing.count('<span class="badge badge--late">Myöhässä</span>') == 2
    assert ">Tapaukset</a>" in listing  # the menu


def test_the_case_list_filter_refuses_nothing_and_scopes_frontline(client_for, frontline, world):
    client = client_for(frontline)
    # A frontline employee sees their own cases only; none here are theirs.
    page = client.get("/cases/?timeliness=late&status=bogus&mine=1")
    assert page.status_code == 200 and "0 cases" in page.content.decode()
    assert list(case_list(user=frontline, timeliness=Timeliness.LATE)) == []


def test_case_page_links_the_customer_and_says_when_erased(client_for, manager, company_admin, frontline, world):
    case = world["cases"]["open, late"]
    customer_url = reverse("customers:detail", args=[world["customer"].pk])
    page = client_for(manager).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert f'<a href="{customer_url}">Kalle Asiakas</a>' in page

    # Frontline staff cannot open customer profiles: the name without a link.
    case.assignee = frontline
    case.save()
    page = client_for(frontline).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Kalle Asiakas" in page and customer_url not in page

    customer_erase(customer=world["customer"], acting_user=company_admin)
    page = client_for(manager).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Kalle Asiakas" not in page
    assert f'<a href="{customer_url}">Erased customer #{world["customer"].pk}</a>' in page
    assert '<span class="status status--off">Erased</span>' in page
