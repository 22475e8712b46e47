"""My encounters (with the feedback that came back), the managers' list and the detail page."""

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.encounters.conftest import log
from tests.factories import FollowUpCaseFactory


def test_my_encounters_shows_only_mine(
    client_for: Any, frontline: Any, manager: Any, customer: Any, touchpoint: Any
) -> None:
    log(by=frontline, customer=customer, touchpoint=touchpoint, note="Oma muistiinpano")
    log(by=manager, customer=customer, touchpoint=touchpoint, note="Esihenkilön muistiinpano")
    body = client_for(frontline).get(reverse("encounters:mine")).content.decode()
    assert "Oma muistiinpano" in body and "Esihenkilön muistiinpano" not in body


def test_my_encounters_signed_out_and_other_company(
    client_for: Any, anonymous_client: Any, outsider: Any, frontline: Any, customer: Any, touchpoint: Any
) -> None:
    log(by=frontline, customer=customer, touchpoint=touchpoint, note="Oma muistiinpano")
    assert anonymous_client.get(reverse("encounters:mine")).status_code == 302
    response = client_for(outsider).get(reverse("encounters:mine"))
    assert response.status_code == 200 and "Oma muistiinpano" not in response.content.decode()


@pytest.mark.parametrize(("user_fixture", "expected"), [("manager", 200), ("company_admin", 200), ("frontline", 403)])
def test_manager_list_access(request: Any, client_for: Any, user_fixture: str, expected: int) -> None:
    assert client_for(request.getfixturevalue(user_fixture)).get(reverse("encounters:list")).status_code == expected


def test_manager_list_filters(
    client_for: Any, manager: Any, frontline: Any, customer: Any, touchpoint: Any, other_touchpoint: Any
) -> None:
    log(by=frontline, customer=customer, touchpoint=touchpoint, note="Nostettu huomio", raised_to_management=True)
    log(by=frontline, customer=customer, touchpoint=other_touchpoint, note="Tavallinen huomio", outcome="unresolved")
    client = client_for(manager)
    url = reverse("encounters:list")
    everything = client.get(url).content.decode()
    assert "Nostettu huomio" in everything and "Tavallinen huomio" in everything
    raised = client.get(url, {"raised": "on"}).content.decode()
    assert "Nostettu huomio" in raised and "Tavallinen huomio" not in raised
    by_outcome = client.get(url, {"outcome": "unresolved", "period": "7", "staff": frontline.pk}).content.decode()
    assert "Tavallinen huomio" in by_outcome and "Nostettu huomio" not in by_outcome
    by_touchpoint = client.get(url, {"touchpoint": touchpoint.pk, "path": touchpoint.stage.path_id}).content.decode()
    assert "Nostettu huomio" in by_touchpoint and "Tavallinen huomio" not in by_touchpoint


def test_manager_list_of_other_company_is_empty(
    client_for: Any, outsider: Any, frontline: Any, customer: Any, touchpoint: Any
) -> None:
    log(by=frontline, customer=customer, touchpoint=touchpoint, note="Alfan huomio")
    response = client_for(outsider).get(reverse("encounters:list"))
    assert response.status_code == 200 and "Alfan huomio" not in response.content.decode()


def test_detail_access(
    client_for: Any, manager: Any, frontline: Any, outsider: Any, customer: Any, touchpoint: Any
) -> None:
    mine = log(by=frontline, customer=customer, touchpoint=touchpoint, note="Näkyy")
    theirs = log(by=manager, customer=customer, touchpoint=touchpoint)
    assert "Näkyy" in client_for(frontline).get(reverse("encounters:detail", args=[mine.pk])).content.decode()
    assert client_for(manager).get(reverse("encounters:detail", args=[mine.pk])).status_code == 200
    assert client_for(frontline).get(reverse("encounters:detail", args=[theirs.pk])).status_code == 404
    assert client_for(outsider).get(reverse("encounters:detail", args=[mine.pk])).status_code == 404


def test_detail_links_the_follow_up_case_for_those_who_may_open_it(
    client_for: Any, manager: Any, frontline: Any, customer: Any, touchpoint: Any
) -> None:
    from apps.cases.models import FollowUpCase

    encounter = log(by=frontline, customer=customer, touchpoint=touchpoint)
    case = FollowUpCaseFactory(
        customer=customer,
        touchpoint=touchpoint,
        encounter=encounter,
        poor_answer=True,
        reason_scores=[{"measure": "nps", "score": 3}],
        assignee=manager,
        due_at=encounter.occurred_at + dt.timedelta(days=2),
    )
    url = reverse("encounters:detail", args=[encounter.pk])
    assert reverse("cases:detail", args=[case.pk]) in client_for(manager).get(url).content.decode()
    # The author sees the encounter, but the case is someone else's to follow up.
    assert reverse("cases:detail", args=[case.pk]) not in client_for(frontline).get(url).content.decode()
    FollowUpCase.objects.filter(pk=case.pk).update(assignee=frontline)
    assert reverse("cases:detail", args=[case.pk]) in client_for(frontline).get(url).content.decode()


def test_lists_do_not_query_per_row(
    client_for: Any, manager: Any, frontline: Any, customer: Any, touchpoint: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        log(by=frontline, customer=customer, touchpoint=touchpoint, note="Rivi")
    manager_client, frontline_client = client_for(manager), client_for(frontline)
    with CaptureQueriesContext(connection) as few_list:
        manager_client.get(reverse("encounters:list"))
    with CaptureQueriesContext(connection) as few_mine:
        frontline_client.get(reverse("encounters:mine"))
    for _ in range(12):
        log(by=frontline, customer=customer, touchpoint=touchpoint, note="Rivi")
    with django_assert_max_num_queries(len(few_list.captured_queries)):
        manager_client.get(reverse("encounters:list"))
    with django_assert_max_num_queries(len(few_mine.captured_queries)):
        frontline_client.get(reverse("encounters:mine"))


def test_manager_list_reads_feelings_aloud_or_says_they_were_not_recorded(
    client_for: Any, manager: Any, frontline: Any, customer: Any, touchpoint: Any
) -> None:
    log(by=frontline, customer=customer, touchpoint=touchpoint, note="Ilman tunteita")
    log(by=frontline, customer=customer, touchpoint=touchpoint, note="Vain loppu", end_feeling=2)
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("encounters:list")).content.decode()
    assert "None" not in html
    assert '<span class="visually-hidden">Feelings not recorded</span>' in html
    assert "Peak: not recorded, end: " in html
