"""The figures of one location, and the league tables of locations and employees."""

import datetime as dt
from dataclasses import dataclass, replace
from typing import Literal

from apps.accounts.selectors import user_list
from apps.dashboards.charts import Chart
from apps.dashboards.periods import Period
from apps.dashboards.selectors.choices import FilterChoices
from apps.dashboards.selectors.common import Kpi, answers_floor, kpis_build
from apps.journeys.selectors import touchpoint_list
from apps.locations.models import Location
from apps.metrics.formulas import Scores
from apps.metrics.league import League, LeagueEntry, league_rank
from apps.metrics.selectors import scores_by

LeagueOf = Literal["locations", "employees"]
LEAGUES: tuple[str, ...] = ("locations", "employees")


@dataclass(frozen=True)
class NamedScores:
    key: int | None
    name: str
    scores: Scores

    @property
    def item(self) -> int | None:
        """The key under the name the score tables use (None: the muted "not tied to one" row)."""
        return self.key


@dataclass(frozen=True)
class LocationDashboard:
    location: Location
    period: Period
    total: Scores
    kpis: list[Kpi]
    volume: Chart
    series: list[tuple[dt.date, Scores]]
    touchpoints: list[NamedScores]
    staff: list[NamedScores]
    floor: int


def location_dashboard(*, location: Location, filters: Period) -> LocationDashboard:
    """A location's scores with their trend, its touchpoints, and how many encounters each employee logged there."""
    period = replace(filters, filters=replace(filters.filters, location_id=location.pk, region_id=None))
    total, kpis, volume, points = kpis_build(period=period)
    names = {touchpoint.pk: touchpoint.name for touchpoint in touchpoint_list(include_archived=True)}
    by_touchpoint = scores_by(filters=period.filters, dimension="touchpoint")
    touchpoints = sorted(
        (NamedScores(key=key, name=names.get(key, str(key)), scores=scores) for key, scores in by_touchpoint.items()),
        key=lambda row: (row.key is None, -row.scores.responses, -row.scores.encounters, row.name),
    )
    by_employee = scores_by(filters=period.filters, dimension="employee")
    people = {user.pk: user.get_full_name() or user.email for user in user_list().filter(pk__in=list(by_employee))}
    staff = sorted(
        (
            NamedScores(key=key, name=people.get(key, str(key)), scores=scores)
            for key, scores in by_employee.items()
            if key is not None and scores.encounters
        ),
        key=lambda row: (-row.scores.encounters, row.name),
    )
    return LocationDashboard(
        location=location,
        period=period,
        total=total,
        kpis=kpis,
        volume=volume,
        series=points,
        touchpoints=[row for row in touchpoints if row.key is not None],
        staff=staff,
        floor=answers_floor(),
    )


@dataclass(frozen=True)
class LeagueTable:
    of: str
    period: Period
    league: League[int]
    # NPS answers that belong to no row (no location, or not logged by staff): counted, not ranked.
    unplaced_answers: int


def league_table(*, filters: Period, of: LeagueOf, choices: FilterChoices) -> LeagueTable:
    """Locations or employees ranked by NPS with their intervals and rank ranges (apps/metrics/league.py)."""
    dimension = "location" if of == "locations" else "employee"
    by_key = scores_by(filters=filters.filters, dimension=dimension)
    if of == "locations":
        names = {place.pk: place.name for place in choices.locations}
    else:
        names = {user.pk: user.get_full_name() or user.email for user in user_list().filter(pk__in=list(by_key))}
    entries = [
        LeagueEntry(
            key=key,
            name=names.get(key, str(key)),
            promoters=scores.nps_promoters,
            detractors=scores.nps_detractors,
            answers=scores.nps_n,
        )
        for key, scores in by_key.items()
        if key is not None
    ]
    unplaced = by_key[None].nps_n if None in by_key else 0
    return LeagueTable(
        of=of,
        period=filters,
        league=league_rank(entries=entries, min_answers=answers_floor()),
        unplaced_answers=unplaced,
    )
