"""The statistics of the key drivers (docs/key-drivers.md); plain Python, no ORM here.

For each touchpoint: the Spearman rank correlation between the customers' experience there and their
relationship NPS, its 95 % interval (Fisher z with the Bonett-Wright standard error), and a rank range
among the touchpoints as in the league tables (DOMAIN.md): rows whose intervals overlap cannot be told
apart. Rows with fewer customers than the minimum are listed apart and never ranked.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from apps.metrics.league import rank_ranges

Key = TypeVar("Key")

Z_95 = 1.96
# Fewer customers with both answers than this: the row is listed apart, not ranked (the product's small sample).
MIN_CUSTOMERS = 30
# The Fisher transform is infinite at |r| = 1; a perfect correlation is read as this close to it.
_R_LIMIT = 1 - 1e-12


def average_ranks(values: Sequence[float]) -> list[float]:
    """Ranks 1..n of `values` in their order; tied values share the mean of the ranks they span."""
    order = sorted(range(len(values)), key=lambda index: values[index])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        shared = (start + end) / 2 + 1  # the mean of the 1-based ranks start+1 .. end+1
        for position in range(start, end + 1):
            ranks[order[position]] = shared
        start = end + 1
    return ranks


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """The Pearson correlation of two equally long series; None when either has no spread (or n < 2)."""
    n = len(xs)
    if n != len(ys):
        raise ValueError("the series differ in length")
    if n < 2:
        return None
    mean_x, mean_y = math.fsum(xs) / n, math.fsum(ys) / n
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    sxx = math.fsum((x - mean_x) ** 2 for x in xs)
    syy = math.fsum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Spearman's rank correlation: the Pearson correlation of the average ranks (ties handled).

    Only the order of the values counts, so the 0-10 scale's uneven steps and a few extreme answers do not
    bend it. None when either series has no spread (every customer gave the same score).
    """
    return pearson(average_ranks(xs), average_ranks(ys))


def fisher_interval(*, r: float, n: int, z: float = Z_95) -> tuple[float, float]:
    """The interval of a Spearman correlation by Fisher's z with the Bonett-Wright (2000) standard error.

    atanh(r) ± z · sqrt((1 + r²/2) / (n - 3)), transformed back with tanh. Needs n > 3.
    """
    if n <= 3:
        raise ValueError("the interval needs more than three pairs")
    r = max(-_R_LIMIT, min(_R_LIMIT, r))
    centre = math.atanh(r)
    half = z * math.sqrt((1 + r * r / 2) / (n - 3))
    return math.tanh(centre - half), math.tanh(centre + half)


@dataclass(frozen=True)
class DriverInput(Generic[Key]):
    """One touchpoint's pairs: each customer's experience there (0..1) and relationship NPS answer (0-10)."""

    key: Key
    name: str
    experiences: tuple[float, ...]
    relationship_scores: tuple[int, ...]


@dataclass
class DriverRow(Generic[Key]):
    key: Key
    name: str
    # Customers with both a relationship NPS answer and an experience at the touchpoint.
    customers: int
    # The touchpoint's performance: the mean of the customers' experience there, 0..100.
    performance: float
    # None: too few customers, or no spread in one of the two.
    r: float | None = None
    low: float | None = None
    high: float | None = None
    place: int | None = None
    best_rank: int | None = None
    worst_rank: int | None = None
    tied_with: list[str] = field(default_factory=list)
    # Ranked rows: the link is clear (interval above 0) and at least the ranked rows' mean, and the
    # performance below their mean performance: "strong link, low score: fix first".
    fix_first: bool = False
    # Ranked rows: the interval lies above 0 (a positive link the data can tell from none).
    clear_link: bool = False

    @property
    def rank_is_certain(self) -> bool:
        return self.best_rank is not None and self.best_rank == self.worst_rank


@dataclass
class DriverTable(Generic[Key]):
    ranked: list[DriverRow[Key]]
    # Too few customers to rank, or no spread: most customers first.
    apart: list[DriverRow[Key]]
    min_customers: int
    # The mean performance and correlation of the ranked rows (the importance-performance cross).
    mean_performance: float | None = None
    mean_r: float | None = None


def drivers_rank(*, inputs: Sequence[DriverInput[Key]], min_customers: int = MIN_CUSTOMERS) -> DriverTable[Key]:
    """Each touchpoint's correlation, interval and rank range; touchpoints without pairs are left out."""
    if min_customers <= 3:
        raise ValueError("the interval needs more than three customers")
    ranked: list[DriverRow[Key]] = []
    apart: list[DriverRow[Key]] = []
    for item in inputs:
        n = len(item.experiences)
        if n == 0:
            continue
        row = DriverRow(
            key=item.key,
            name=item.name,
            customers=n,
            performance=100 * math.fsum(item.experiences) / n,
        )
        r = spearman(item.experiences, [float(score) for score in item.relationship_scores])
        if n < min_customers or r is None:
            apart.append(row)
            continue
        row.r = r
        row.low, row.high = fisher_interval(r=r, n=n)
        row.clear_link = row.low > 0
        ranked.append(row)
    # The strongest link first, then more customers, then by name.
    ranked.sort(key=lambda row: (-(row.r or 0.0), -row.customers, row.name))
    apart.sort(key=lambda row: (-row.customers, row.name))
    count = len(ranked)
    ranges = rank_ranges([(row.low or 0.0, row.high or 0.0) for row in ranked])  # ranked rows always have both
    for place, (row, rank_range) in enumerate(zip(ranked, ranges, strict=True), start=1):
        row.place = place
        row.best_rank, row.worst_rank = rank_range.best, rank_range.worst
        row.tied_with = [ranked[index].name for index in rank_range.overlapping]
    table = DriverTable(ranked=ranked, apart=apart, min_customers=min_customers)
    if ranked:
        table.mean_performance = math.fsum(row.performance for row in ranked) / count
        table.mean_r = math.fsum(row.r or 0.0 for row in ranked) / count
        for row in ranked:
            row.fix_first = (
                row.clear_link and (row.r or 0.0) >= table.mean_r and row.performance < table.mean_performance
            )
    return table
