"""The score formulas of DOMAIN.md, on plain counts; no ORM here.

Everything is computed from additive counts, so the same code scores one day of one
touchpoint or a year of the whole company. Rounding is half away from zero (as in
PostgreSQL's round(numeric)), done on exact decimals, never on binary floats.

This module owns the rules that turn one answer into counts: which NPS answers
promote or detract, which CSAT answers are satisfied, which CES answers say it was
easy, how an answer maps onto the staff's feeling scale and when staff misread a
customer. The roll-up SQL that counts the answers is built from these constants
(`rollup.py`), and a test holds the SQL and the functions below to the same answer
on every score of every scale.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

NPS_SMALL_SAMPLE = 30
_Z_95 = 1.96
NPS_Z_95 = _Z_95  # the 95 % interval of the NPS (league.py compares intervals with it)

# Where an answer falls on its scale (DOMAIN.md): NPS 0-10, CSAT 1-5, CES 1-7.
NPS_PROMOTER_MIN = 9  # 9-10 promote
NPS_DETRACTOR_MAX = 6  # 0-6 detract; 7-8 are passives
CSAT_SATISFIED_MIN = 4  # 4 and 5
CES_EASY_MIN = 5  # 5-7: the company made it easy

# An answer on the staff's -2..+2 feeling scale: CSAT 1..5 and NPS 0..10 mapped onto it linearly.
CSAT_FEELING_ZERO = 3
NPS_FEELING_ZERO = 5
NPS_FEELING_STEP = Decimal("2.5")  # NPS points per step of feeling
FEELING_PLACES = 4
# Staff misread a customer when their end feeling and the customer's own differ by at least this.
PERCEPTION_GAP_MIN = 1


def _ratio(numerator: int | Decimal, denominator: int, *, places: int, scale: int = 1) -> Decimal:
    """numerator * scale / denominator, rounded half away from zero to `places` decimals."""
    exact = Decimal(numerator) * scale / Decimal(denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _percent(*, part: int, whole: int) -> float | None:
    if whole == 0:
        return None
    return float(_ratio(part, whole, places=1, scale=100))


def _mean(*, total: int | Decimal, count: int) -> float | None:
    if count == 0:
        return None
    return float(_ratio(total, count, places=2))


def nps_is_promoter(score: int) -> bool:
    return score >= NPS_PROMOTER_MIN


def nps_is_detractor(score: int) -> bool:
    return score <= NPS_DETRACTOR_MAX


def csat_is_satisfied(score: int) -> bool:
    return score >= CSAT_SATISFIED_MIN


def ces_is_easy(score: int) -> bool:
    return score >= CES_EASY_MIN


def nps_score(*, promoters: int, detractors: int, answers: int) -> int | None:
    """% promoters (9-10) minus % detractors (0-6), an integer in -100..100; None without answers."""
    if answers == 0:
        return None
    return int(_ratio(promoters - detractors, answers, places=0, scale=100))


def nps_margin(*, promoters: int, detractors: int, answers: int) -> float | None:
    """The 95 % margin of the NPS in points: 1.96 x sqrt(((p + d) - (p - d)^2) / n) x 100.

    With p = P/n and d = D/n the variance term is ((P + D) * n - (P - D)^2) / n^3; the
    numerator is computed on integers so it is exact and never slightly negative.
    """
    if answers == 0:
        return None
    spread = (promoters + detractors) * answers - (promoters - detractors) ** 2
    standard_error = math.sqrt(spread) / answers**1.5
    return float(Decimal(repr(_Z_95 * standard_error * 100)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def nps_is_small_sample(*, answers: int) -> bool:
    """True when there is a score but too few answers to trust it (no score, nothing to warn about)."""
    return 0 < answers < NPS_SMALL_SAMPLE


def csat_percent(*, satisfied: int, answers: int) -> float | None:
    """Share of 4s and 5s on the 1-5 scale, in percent with one decimal."""
    return _percent(part=satisfied, whole=answers)


def ces_mean(*, total: int, answers: int) -> float | None:
    """Mean effort score on the 1-7 scale, two decimals."""
    return _mean(total=total, count=answers)


def ces_easy_percent(*, easy: int, answers: int) -> float | None:
    """Share of 5-7 answers (the company made it easy), in percent with one decimal."""
    return _percent(part=easy, whole=answers)


def response_rate_percent(*, answered: int, delivered: int) -> float | None:
    """Answered invitations per delivered invitations, in percent with one decimal."""
    return _percent(part=answered, whole=delivered)


def customer_feeling(*, csat: float | Decimal | None, nps: float | Decimal | None) -> Decimal | None:
    """The customer's answer on the staff's -2..+2 feeling scale, four decimals.

    CSAT - 3 when the response has a CSAT answer (1..5 maps onto -2..+2), else
    (NPS - 5) / 2.5 (0..10 maps onto -2..+2). A response with several questions of a
    kind passes their mean. The roll-up SQL is built from the same constants.
    """
    if csat is not None:
        value = Decimal(str(csat)) - CSAT_FEELING_ZERO
    elif nps is not None:
        value = (Decimal(str(nps)) - NPS_FEELING_ZERO) / NPS_FEELING_STEP
    else:
        return None
    return value.quantize(Decimal(1).scaleb(-FEELING_PLACES), rounding=ROUND_HALF_UP)


def perception_gap_is_over(*, staff: int, customer: Decimal) -> bool:
    """Staff read the customer at least a step happier at the end than the customer said."""
    return staff - customer >= PERCEPTION_GAP_MIN


def perception_gap_is_under(*, staff: int, customer: Decimal) -> bool:
    """Staff read the customer at least a step unhappier at the end than the customer said."""
    return staff - customer <= -PERCEPTION_GAP_MIN


@dataclass(frozen=True)
class Scores:
    """Additive counts behind every score (the roll-up table's columns); sums of sums stay exact."""

    encounters: int = 0
    encounters_raised: int = 0
    peak_feel_n: int = 0
    peak_feel_sum: int = 0
    end_feel_n: int = 0
    end_feel_sum: int = 0
    invitations_delivered: int = 0
    invitations_answered: int = 0
    responses: int = 0
    nps_n: int = 0
    nps_promoters: int = 0
    nps_detractors: int = 0
    csat_n: int = 0
    csat_satisfied: int = 0
    ces_n: int = 0
    ces_sum: int = 0
    ces_easy: int = 0
    feel_n: int = 0
    feel_sum: Decimal = Decimal(0)
    gap_n: int = 0
    gap_staff_sum: int = 0
    gap_customer_sum: Decimal = Decimal(0)
    gap_over: int = 0
    gap_under: int = 0

    @classmethod
    def zero(cls) -> "Scores":
        return cls()

    @classmethod
    def from_mapping(cls, row: Mapping[str, Any]) -> "Scores":
        """Scores from column values (a `.values()` or `.aggregate()` row); None counts as 0, other keys ignored."""
        values: dict[str, Any] = {}
        for name, decimal in _FIELD_KINDS:
            value = row.get(name)
            if value is None:
                continue
            # PostgreSQL's sums arrive as int and Decimal already: converted only when they are not.
            if decimal:
                values[name] = value if type(value) is Decimal else Decimal(str(value))
            else:
                values[name] = value if type(value) is int else int(value)
        return cls(**values)

    def __add__(self, other: object) -> "Scores":
        if not isinstance(other, Scores):
            return NotImplemented
        return Scores(**{name: getattr(self, name) + getattr(other, name) for name in SCORE_FIELDS})

    def __radd__(self, other: object) -> "Scores":
        # Lets sum() start from its default 0.
        if other == 0:
            return self
        return NotImplemented

    @property
    def nps(self) -> int | None:
        return nps_score(promoters=self.nps_promoters, detractors=self.nps_detractors, answers=self.nps_n)

    @property
    def nps_margin(self) -> float | None:
        return nps_margin(promoters=self.nps_promoters, detractors=self.nps_detractors, answers=self.nps_n)

    @property
    def nps_small_sample(self) -> bool:
        return nps_is_small_sample(answers=self.nps_n)

    @property
    def csat(self) -> float | None:
        return csat_percent(satisfied=self.csat_satisfied, answers=self.csat_n)

    @property
    def ces(self) -> float | None:
        return ces_mean(total=self.ces_sum, answers=self.ces_n)

    @property
    def ces_easy_percent(self) -> float | None:
        # `ces_easy` is the count column, so the share carries the suffix (as gap_over_percent does).
        return ces_easy_percent(easy=self.ces_easy, answers=self.ces_n)

    @property
    def response_rate(self) -> float | None:
        return response_rate_percent(answered=self.invitations_answered, delivered=self.invitations_delivered)

    @property
    def customer_feeling_mean(self) -> float | None:
        """The customers' own feeling (-2..+2) from their answers, two decimals."""
        return _mean(total=self.feel_sum, count=self.feel_n)

    @property
    def end_feeling_mean(self) -> float | None:
        """How the staff saw the customer at the end of encounters (-2..+2), two decimals."""
        return _mean(total=self.end_feel_sum, count=self.end_feel_n)

    @property
    def peak_feeling_mean(self) -> float | None:
        """How the staff saw the customer at the peak of encounters (-2..+2), two decimals."""
        return _mean(total=self.peak_feel_sum, count=self.peak_feel_n)

    @property
    def gap_mean(self) -> float | None:
        """Staff's end feeling minus the customer's own, on answered encounters: above 0, staff saw it rosier."""
        return _mean(total=self.gap_staff_sum - self.gap_customer_sum, count=self.gap_n)

    @property
    def gap_over_percent(self) -> float | None:
        """Share of answered encounters where staff read the customer at least a point happier than they said."""
        return _percent(part=self.gap_over, whole=self.gap_n)

    @property
    def gap_under_percent(self) -> float | None:
        """Share of answered encounters where staff read the customer at least a point unhappier than they said."""
        return _percent(part=self.gap_under, whole=self.gap_n)


# The roll-up's measure columns, in the tables' order: the one list the SQL, the models' test and the reads use.
SCORE_FIELDS: tuple[str, ...] = tuple(field.name for field in fields(Scores))
# The exact decimal sums among them; every other measure is an integer count.
DECIMAL_SCORE_FIELDS = frozenset(field.name for field in fields(Scores) if field.type is Decimal)
_FIELD_KINDS = tuple((name, name in DECIMAL_SCORE_FIELDS) for name in SCORE_FIELDS)
