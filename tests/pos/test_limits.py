"""Ballot-stuffing: per-device and per-address limits, refused politely, and bursts counted on the page."""

import datetime as dt
from typing import Any

import pytest
import time_machine

from apps.pos import limits
from apps.pos.limits import BURST_ANSWERS, bursts_count
from apps.surveys.models import Response
from tests.pos.conftest import answers_for

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


def _answer(client: Any, link: Any, survey: Any, *, address: str) -> Any:
    return client.post(f"/s/q/{link.code}/", answers_for(survey), REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="fi")


def _phone(client_for: Any) -> Any:
    """A phone with cookies: it keeps the device cookie the first page gave it."""
    return client_for()


def test_one_phone_answers_a_link_three_times_a_day_then_is_thanked_and_refused(
    client_for: Any, open_link: Any, survey: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(limits, "ADDRESS_LIMIT", 100)
    phone = _phone(client_for)
    phone.get(f"/s/q/{open_link.code}/")

    statuses = [_answer(phone, open_link, survey, address=f"203.0.113.{n}").status_code for n in range(4)]

    assert statuses == [302, 302, 302, 429]
    refused = _answer(phone, open_link, survey, address="203.0.113.99")
    assert "Kiitos, olemme jo saaneet vastauksesi" in refused.content.decode()
    assert Response.objects.count() == 3


def test_a_made_up_device_cookie_counts_as_none(client_for: Any, open_link: Any, survey: Any) -> None:
    phone = _phone(client_for)
    phone.cookies["kokemus_device"] = "forged"

    assert _answer(phone, open_link, survey, address="203.0.113.1").status_code == 302


def test_one_address_answers_a_link_twenty_times_a_day_whatever_the_cookies(
    anonymous_client: Any, open_link: Any, survey: Any
) -> None:
    with time_machine.travel(NOW, tick=False):
        statuses = []
        for _ in range(limits.ADDRESS_LIMIT + 1):
            anonymous_client.cookies.clear()
            statuses.append(_answer(anonymous_client, open_link, survey, address="198.51.100.7").status_code)

    assert statuses.count(302) == limits.ADDRESS_LIMIT
    assert statuses[-1] == 429
    # Another address is not held back by it.
    anonymous_client.cookies.clear()
    with time_machine.travel(NOW, tick=False):
        assert _answer(anonymous_client, open_link, survey, address="198.51.100.8").status_code == 302


def test_a_burst_from_one_address_is_counted_on_the_page(
    anonymous_client: Any, client_for: Any, manager: Any, open_link: Any, survey: Any
) -> None:
    with time_machine.travel(NOW, tick=True):
        for _ in range(BURST_ANSWERS):
            anonymous_client.cookies.clear()
            assert _answer(anonymous_client, open_link, survey, address="192.0.2.50").status_code == 302
        page = client_for(manager).get("/point-of-service/")

    assert page.status_code == 200
    row = next(row for row in page.context["links"] if row["link"] == open_link)
    assert (row["figures"].answers, row["figures"].bursts) == (BURST_ANSWERS, 1)
    assert 'class="badge badge--late">1<' in page.content.decode()


def _times(*minutes: int) -> list[dt.datetime]:
    return [NOW + dt.timedelta(minutes=minute) for minute in minutes]


@pytest.mark.parametrize(
    ("times", "expected"),
    [
        ({"a": _times(0, 1, 2, 3, 4)}, 1),
        ({"a": _times(0, 1, 2, 3)}, 0),
        ({"a": _times(0, 3, 6, 9, 12)}, 0),
        ({"a": _times(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)}, 1),
        ({"a": _times(0, 1, 2, 3, 4, 60, 61, 62, 63, 64)}, 2),
        ({"a": _times(0, 1, 2, 3, 4), "b": _times(0, 1, 2, 3, 4)}, 2),
        ({"a": _times(0, 1, 2), "b": _times(0, 1, 2)}, 0),
    ],
)
def test_bursts_are_runs_of_answers_from_one_address_within_the_window(
    times: dict[str, list[dt.datetime]], expected: int
) -> None:
    assert bursts_count(times) == expected
