"""The effect of an initiative: before and after on the same cut, the difference and its interval;
no ORM here (DOMAIN.md, "Comparing figures honestly").

For the NPS, each period's standard error is SE = sqrt(((p + d) - (p - d)^2) / n) in shares, so in
points the variance of one answer is v = ((p + d) - (p - d)^2) x 100^2 and SE = sqrt(v / n). The
difference is D = NPS_after - NPS_before (exact, not the rounded figures), SE_D = sqrt(SE_a^2 + SE_b^2)
and the 95 % interval D ± 1.96 · SE_D. The change is called an improvement or a worsening only when
the interval excludes 0; otherwise the data cannot tell yet, and the answers needed per period at
the current spread are the smallest n with 1.96 · sqrt((v_a + v_b) / n) <= |D|.

CSAT (a share of 4s and 5s) uses the binomial variance p(1 - p) x 100^2, and CES (a mean) the
sample variance of the scores; the rest is the same.
"""

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from apps.metrics.formulas import NPS_Z_95

MIX_SHIFT_POINTS = 10.0


class Verdict(StrEnum):
    IMPROVED = "improved"
    WORSENED = "worsened"
    CANNOT_TELL = "cannot_tell"
    NO_DATA = "no_data"


class Metric(StrEnum):
    NPS = "nps"
    CSAT = "csat"
    CES = "ces"


@dataclass(frozen=True)
class Counts:
    """Additive counts of one period on the initiative's cut."""

    responses: int = 0
    nps_n: int = 0
    nps_promoters: int = 0
    nps_detractors: int = 0
    csat_n: int = 0
    csat_satisfied: int = 0
    ces_n: int = 0
    ces_sum: int = 0
    ces_square_sum: int = 0

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(**{name: getattr(self, name) + getattr(other, name) for name in COUNT_FIELDS})

    @classmethod
    def from_mapping(cls, row: Mapping[str, Any]) -> "Counts":
        return cls(**{name: int(row.get(name) or 0) for name in COUNT_FIELDS})


COUNT_FIELDS = tuple(Counts.__dataclass_fields__)


@dataclass(frozen=True)
class Estimate:
    """One period's figure of one metric: its value, the variance of one answer and n (points or units)."""

    n: int
    value: float | None
    unit_variance: float

    @property
    def standard_error(self) -> float | None:
        return math.sqrt(self.unit_variance / self.n) if self.n else None

    @property
    def margin(self) -> float | None:
        se = self.standard_error
        return None if se is None else NPS_Z_95 * se


def estimate(counts: Counts, metric: Metric) -> Estimate:
    if metric is Metric.NPS:
        n = counts.nps_n
        if not n:
            return Estimate(0, None, 0.0)
        p, d = counts.nps_promoters / n, counts.nps_detractors / n
        # ((P + D) n - (P - D)^2) / n^2 on integers, as formulas.nps_margin does: never slightly negative.
        spread = (
            (counts.nps_promoters + counts.nps_detractors) * n - (counts.nps_promoters - counts.nps_detractors) ** 2
        ) / n**2
        return Estimate(n, (p - d) * 100, spread * 100**2)
    if metric is Metric.CSAT:
        n = counts.csat_n
        if not n:
            return Estimate(0, None, 0.0)
        share = counts.csat_satisfied / n
        return Estimate(n, share * 100, share * (1 - share) * 100**2)
    n = counts.ces_n
    if not n:
        return Estimate(0, None, 0.0)
    mean = counts.ces_sum / n
    # The sample variance (n - 1); one answer says nothing of the spread.
    variance = max(counts.ces_square_sum - n * mean * mean, 0.0) / (n - 1) if n > 1 else 0.0
    return Estimate(n, mean, variance)


@dataclass(frozen=True)
class Difference:
    metric: Metric
    before: Estimate
    after: Estimate
    difference: float | None
    standard_error: float | None
    low: float | None
    high: float | None
    verdict: Verdict
    # Cannot tell yet: the answers each period needs at the current spread to tell this difference
    # from noise; None when the difference is 0 (no number of answers would) or it is already told.
    answers_needed: int | None = None

    @property
    def margin(self) -> float | None:
        return None if self.standard_error is None else NPS_Z_95 * self.standard_error


def answers_needed(*, before: Estimate, after: Estimate, difference: float) -> int | None:
    """Smallest n per period with 1.96 · sqrt((v_a + v_b) / n) <= |D|; None when D is 0."""
    if difference == 0:
        return None
    spread = before.unit_variance + after.unit_variance
    return max(1, math.ceil(NPS_Z_95**2 * spread / difference**2))


def difference_of(*, before: Counts, after: Counts, metric: Metric) -> Difference:
    b, a = estimate(before, metric), estimate(after, metric)
    if b.value is None or a.value is None:
        return Difference(metric, b, a, None, None, None, None, Verdict.NO_DATA)
    d = a.value - b.value
    se = math.sqrt((b.standard_error or 0.0) ** 2 + (a.standard_error or 0.0) ** 2)
    low, high = d - NPS_Z_95 * se, d + NPS_Z_95 * se
    if low > 0:
        verdict = Verdict.IMPROVED
    elif high < 0:
        verdict = Verdict.WORSENED
    else:
        verdict = Verdict.CANNOT_TELL
    needed = answers_needed(before=b, after=a, difference=d) if verdict is Verdict.CANNOT_TELL else None
    # Lower is better for no metric here: CES 2.0 asks how easy it was, 7 = easiest.
    return Difference(metric, b, a, d, se, low, high, verdict, needed)


# --- Mix -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MixShift:
    dimension: str  # "persona", "segment" or "location"
    key: int | None  # None: answers without one
    before_percent: float
    after_percent: float

    @property
    def moved(self) -> float:
        return self.after_percent - self.before_percent


def mix_shifts(*, before: Mapping[int | None, int], after: Mapping[int | None, int], dimension: str) -> list[MixShift]:
    """Every share (of answers) that moved by more than MIX_SHIFT_POINTS between the periods."""
    total_b, total_a = sum(before.values()), sum(after.values())
    if not total_b or not total_a:
        return []
    shifts = []
    for key in set(before) | set(after):
        share_b = before.get(key, 0) / total_b * 100
        share_a = after.get(key, 0) / total_a * 100
        if abs(share_a - share_b) > MIX_SHIFT_POINTS:
            shifts.append(MixShift(dimension, key, share_b, share_a))
    shifts.sort(key=lambda shift: (-abs(shift.moved), str(shift.key)))
    return shifts


# --- Windows and seasons -------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """Local days first..end (end excluded)."""

    first: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return max((self.end - self.first).days, 0)

    def year_earlier(self) -> "Window":
        return Window(year_earlier(self.first), year_earlier(self.end))


def year_earlier(day: dt.date) -> dt.date:
    """The same day a year before; 29 February becomes the 28th (as PostgreSQL's `- interval '1 year'`)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def windows(*, started_on: dt.date, window_days: int, today: dt.date) -> tuple[Window, Window]:
    """Before = the window_days before the start; after = from the start for window_days, up to
    yesterday while it is running (today is not over yet)."""
    before = Window(started_on - dt.timedelta(days=window_days), started_on)
    after_end = min(started_on + dt.timedelta(days=window_days), today)
    return before, Window(started_on, max(after_end, started_on))


class Season(StrEnum):
    WINTER = "winter"
    SPRING = "spring"
    SUMMER = "summer"
    AUTUMN = "autumn"


_SEASON_OF_MONTH = {
    12: Season.WINTER, 1: Season.WINTER, 2: Season.WINTER,
    3: Season.SPRING, 4: Season.SPRING, 5: Season.SPRING,
    6: Season.SUMMER, 7: Season.SUMMER, 8: Season.SUMMER,
    9: Season.AUTUMN, 10: Season.AUTUMN, 11: Season.AUTUMN,
}  # fmt: skip


def season_of(window: Window) -> Season:
    """The meteorological season (northern hemisphere) of the window's middle day."""
    middle = window.first + dt.timedelta(days=max(window.days - 1, 0) // 2)
    return _SEASON_OF_MONTH[middle.month]


def seasons_differ(before: Window, after: Window) -> bool:
    return after.days > 0 and season_of(before) != season_of(after)


# --- Summing grouped rows -------------------------------------------------------------------


@dataclass
class PeriodFacts:
    """One period's counts in total and its answers by persona, segment and location."""

    total: Counts = field(default_factory=Counts)
    persona: dict[int | None, int] = field(default_factory=dict)
    segment: dict[int | None, int] = field(default_factory=dict)
    location: dict[int | None, int] = field(default_factory=dict)

    def add(self, row: Mapping[str, Any]) -> None:
        counts = Counts.from_mapping(row)
        self.total = self.total + counts
        for dimension in ("persona", "segment", "location"):
            key = row.get(f"{dimension}_id")
            mix = getattr(self, dimension)
            mix[key] = mix.get(key, 0) + counts.responses


def period_facts(rows: Iterable[Mapping[str, Any]]) -> dict[str, PeriodFacts]:
    """Rows grouped by (period, persona, segment, location) summed into each period's facts."""
    facts: dict[str, PeriodFacts] = {}
    for row in rows:
        facts.setdefault(row["period"], PeriodFacts()).add(row)
    return facts
