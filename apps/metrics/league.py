"""League tables that show which differences are real: NPS intervals and rank ranges (DOMAIN.md); no ORM here.

Each row's NPS has a 95 % interval, NPS ± 1.96 · SE · 100 with SE = sqrt(((p + d) - (p - d)^2) / n).
Rows are ordered by their NPS, but a row's place is a range, not a number: its best rank is
1 + the rows whose interval lies wholly above its own, its worst rank N - the rows whose interval
lies wholly below. Rows whose intervals overlap are tied: the data cannot order them. Rows with
fewer answers than the company's minimum sample are listed apart and never ranked, so a station
with three lucky answers does not top the table. The method is written down in docs/league-tables.md.

The intervals are compared unrounded; the margin shown is the rounded one of `formulas.nps_margin`.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from apps.metrics.formulas import NPS_Z_95, nps_margin, nps_score

Key = TypeVar("Key")


@dataclass(frozen=True)
class LeagueEntry(Generic[Key]):
    """One contestant's NPS counts."""

    key: Key
    name: str
    promoters: int
    detractors: int
    answers: int


@dataclass
class LeagueRow(Generic[Key]):
    key: Key
    name: str
    answers: int
    nps: int | None
    margin: float | None
    # The unrounded 95 % interval, in NPS points.
    low: float
    high: float
    # Ranked rows only: the place by NPS, and the range of places the intervals allow.
    place: int | None = None
    best_rank: int | None = None
    worst_rank: int | None = None
    # The names of the ranked rows whose intervals overlap this one's: the data cannot order them.
    tied_with: list[str] = field(default_factory=list)

    @property
    def rank_is_certain(self) -> bool:
        return self.best_rank is not None and self.best_rank == self.worst_rank


@dataclass
class League(Generic[Key]):
    ranked: list[LeagueRow[Key]]
    # Too few answers to rank (but some), most answers first.
    small: list[LeagueRow[Key]]
    min_answers: int


def nps_interval(*, promoters: int, detractors: int, answers: int) -> tuple[float, float]:
    """The unrounded 95 % interval of the NPS in points; (0, 0) without answers."""
    if answers == 0:
        return 0.0, 0.0
    p, d = promoters / answers, detractors / answers
    centre = (p - d) * 100
    # Computed on integers, as in nps_margin, so the spread is exact and never slightly negative.
    spread = (promoters + detractors) * answers - (promoters - detractors) ** 2
    half = NPS_Z_95 * math.sqrt(spread) / answers**1.5 * 100
    return centre - half, centre + half


def league_rank(*, entries: list[LeagueEntry[Key]], min_answers: int) -> League[Key]:
    """Orders the entries by NPS with their rank ranges; entries without an NPS answer are left out."""
    rows: list[LeagueRow[Key]] = []
    for entry in entries:
        if entry.answers <= 0:
            continue
        counts = {"promoters": entry.promoters, "detractors": entry.detractors, "answers": entry.answers}
        low, high = nps_interval(**counts)
        rows.append(
            LeagueRow(
                key=entry.key,
                name=entry.name,
                answers=entry.answers,
                nps=nps_score(**counts),
                margin=nps_margin(**counts),
                low=low,
                high=high,
            )
        )
    ranked = [row for row in rows if row.answers >= min_answers]
    small = [row for row in rows if row.answers < min_answers]
    # Higher NPS first (the exact centre, not the rounded one), then more answers, then by name.
    ranked.sort(key=lambda row: (-(row.low + row.high), -row.answers, row.name))
    small.sort(key=lambda row: (-row.answers, row.name))
    ranges = rank_ranges([(row.low, row.high) for row in ranked])
    for place, (row, rank_range) in enumerate(zip(ranked, ranges, strict=True), start=1):
        row.place = place
        row.best_rank, row.worst_rank = rank_range.best, rank_range.worst
        row.tied_with = [ranked[index].name for index in rank_range.overlapping]
    return League(ranked=ranked, small=small, min_answers=min_answers)


@dataclass(frozen=True)
class RankRange:
    best: int
    worst: int
    overlapping: list[int]  # the indexes of the other rows whose interval overlaps this one's


def rank_ranges(intervals: Sequence[tuple[float, float]]) -> list[RankRange]:
    """The rank range of each row, given in rank order with its interval (DOMAIN.md "League tables"): best rank =
    1 + the rows whose interval lies wholly above, worst rank = N - the rows whose interval lies wholly below."""
    count = len(intervals)
    ranges: list[RankRange] = []
    for index, (low, high) in enumerate(intervals):
        others = [(other, bounds) for other, bounds in enumerate(intervals) if other != index]
        above = sum(1 for _other, (other_low, _other_high) in others if other_low > high)
        below = sum(1 for _other, (_other_low, other_high) in others if other_high < low)
        overlapping = [other for other, (other_low, other_high) in others if not (other_low > high or other_high < low)]
        ranges.append(RankRange(best=1 + above, worst=count - below, overlapping=overlapping))
    return ranges
