"""Figures from fewer answers than the company's minimum read "too few to judge", sort last and say
how many answers they have, on the pages and in the CSV; and the first week of a chart is never a
near-empty day or two."""

import csv
import datetime as dt
import io
import itertools
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from apps.dashboards.selectors.common import chart_period_starts
from apps.maturity.models import MaturitySettings
from apps.metrics.services import metrics_refresh_dirty
from tests.dashboards.test_views import _visit, client_for, world  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def _answers_needed(count: int) -> None:
    MaturitySettings.objects.update_or_create(singleton=True, defaults={"min_answers": count})


def test_scores_from_fewer_answers_than_the_minimum_are_too_few_to_judge(
    client_for: Any,  # noqa: F811
    manager: Any,
    world: dict[str, Any],  # noqa: F811
) -> None:
    # The default minimum is 30 answers; the world has 12 NPS answers (6 at the end moment).
    html = client_for(manager).get(reverse("dashboards:company")).content.decode()
    assert 'kpi__value kpi__value--few">Too few to judge<' in html
    assert "12 answers" in html
    assert "At least 30 answers are needed for a figure to judge by." in html
    assert "points (95% margin)" not in html  # no "±0.0 points" next to a handful of answers
    assert "too few to judge (12 answers)" in html  # the path row, instead of "0 ±57"
    assert "±" not in html.split('id="paths"')[1].split("</table>")[0]

    html = client_for(manager).get(reverse("dashboards:path", args=[world["path"].pk])).content.decode()
    assert "too few to judge (6 answers)" in html  # the end moment's card
    assert "too few to judge (3 answers)" in html

    _answers_needed(6)
    html = client_for(manager).get(reverse("dashboards:path", args=[world["path"].pk])).content.decode()
    assert "too few to judge (6 answers)" not in html and "target 30" in html
    assert "too few to judge (3 answers)" in html


def test_one_answer_is_singular_in_english_and_finnish(
    client_for: Any,  # noqa: F811
    manager: Any,
    world: dict[str, Any],  # noqa: F811
) -> None:
    _visit(world, touchpoint=world["booking"], days_ago=40, nps=10, csat=5)
    metrics_refresh_dirty()
    client = client_for(manager)
    query = {"period": "custom", "start": (timezone.localdate() - dt.timedelta(days=41)).isoformat()}
    query["end"] = (timezone.localdate() - dt.timedelta(days=39)).isoformat()
    html = client.get(reverse("dashboards:company"), query).content.decode()
    assert "too few to judge (1 answer)" in html and "1 answers" not in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    html = client.get(reverse("dashboards:company"), query).content.decode()
    assert "liian vähän luotettavaan arvioon (1 vastaus)" in html
    html = client.get(reverse("dashboards:company")).content.decode()
    assert "liian vähän luotettavaan arvioon (13 vastausta)" in html


def test_perception_gap_lists_a_one_encounter_touchpoint_last(
    client_for: Any,  # noqa: F811
    manager: Any,
    world: dict[str, Any],  # noqa: F811
) -> None:
    # One encounter at booking with the widest possible gap: staff +2, the customer CSAT 1 (-2).
    _visit(world, touchpoint=world["booking"], days_ago=2, nps=0, csat=1, end_feeling=2)
    metrics_refresh_dirty()
    _answers_needed(3)
    client = client_for(manager)
    html = client.get(reverse("dashboards:perception")).content.decode()
    table = html.split('id="by-touchpoint"')[1]
    assert table.index("Maksu ja lähtö") < table.index("Ajanvaraus")
    assert "too few to judge (1 answer)" in table
    assert "+4.00" not in html and "+4,00" not in html

    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("dashboards:perception"), {"export": "csv"}).content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    header, body = rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert header[-1] == "Answers needed"
    touchpoints = [row for row in body if row["Section"] == "Touchpoint"]
    assert [row["Name"] for row in touchpoints] == ["Maksu ja lähtö", "Ajanvaraus"]
    assert touchpoints[0]["Gap"] == "2,0" and touchpoints[1]["Gap"] == ""
    assert touchpoints[1]["Pairs"] == "1" and touchpoints[1]["Answers needed"] == "3"


def test_csv_leaves_figures_from_too_few_answers_empty(
    client_for: Any,  # noqa: F811
    manager: Any,
    world: dict[str, Any],  # noqa: F811
) -> None:
    _answers_needed(4)
    content = client_for(manager).get(reverse("dashboards:path", args=[world["path"].pk]), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(content.content.decode("utf-8-sig")), delimiter=";"))
    by_name = {row[1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:] if row[0] == "Touchpoint"}
    assert by_name["Maksu ja lähtö"]["NPS"] == "-100" and by_name["Maksu ja lähtö"]["CSAT %"] == "0,0"
    assert by_name["Ajanvaraus"]["NPS"] == "" and by_name["Ajanvaraus"]["NPS 95% margin"] == ""
    assert by_name["Ajanvaraus"]["CSAT %"] == "" and by_name["Ajanvaraus"]["NPS answers"] == "3"
    assert by_name["Ajanvaraus"]["CSAT answers"] == "3" and by_name["Ajanvaraus"]["Answers needed"] == "4"


@pytest.mark.parametrize(
    ("start", "first"),
    [
        (dt.date(2026, 9, 6), dt.date(2026, 9, 7)),  # a Sunday: its one day joins the week from Monday
        (dt.date(2026, 9, 4), dt.date(2026, 9, 7)),  # a Friday: three days, too few for a week of their own
        (dt.date(2026, 9, 3), dt.date(2026, 8, 31)),  # a Thursday: four days make the first week
        (dt.date(2026, 9, 7), dt.date(2026, 9, 7)),  # a Monday
    ],
)
def test_a_short_first_week_joins_the_next(start: dt.date, first: dt.date) -> None:
    starts = chart_period_starts(start=start, end=start + dt.timedelta(days=89), interval="week")
    assert starts[0] == first
    assert all((later - earlier).days == 7 for earlier, later in itertools.pairwise(starts))


def test_the_first_point_of_a_sunday_window_holds_the_sunday(
    client_for: Any,  # noqa: F811
    manager: Any,
    world: dict[str, Any],  # noqa: F811
) -> None:
    _answers_needed(1)
    today = timezone.localdate()
    sunday = today - dt.timedelta(days=today.weekday() + 1 + 14)
    # The world's answers are in the last 6 days; the window starts on a Sunday 2-3 weeks before.
    query = {"period": "custom", "start": (sunday - dt.timedelta(days=35)).isoformat(), "end": today.isoformat()}
    assert dt.date.fromisoformat(query["start"]).weekday() == 6
    rows = list(
        csv.reader(
            io.StringIO(
                client_for(manager)
                .get(reverse("dashboards:company"), {**query, "export": "csv"})
                .content.decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )
    weeks = [row for row in rows[1:] if row[0] == "Period"]
    assert weeks[0][2] == query["start"]  # from the Sunday ...
    assert dt.date.fromisoformat(weeks[0][3]) == dt.date.fromisoformat(query["start"]) + dt.timedelta(days=7)
    assert dt.date.fromisoformat(weeks[1][2]).weekday() == 0
