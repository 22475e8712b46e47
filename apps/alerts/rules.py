"""When an NPS fell by more than chance explains: pure arithmetic, no database.

The difference of two NPS figures d = NPS_this - NPS_last has the standard error
SE_d = sqrt(SE_this^2 + SE_last^2); its 95 % margin is 1.96 x SE_d, which is
sqrt(margin_this^2 + margin_last^2) with each week's margin from apps.metrics.formulas.
The fall counts when the interval d ± margin lies wholly below zero, the same test the
dashboards use to call a difference distinguishable from noise.
"""

import math
from dataclasses import dataclass

from apps.metrics.formulas import nps_margin, nps_score


@dataclass(frozen=True)
class NpsCounts:
    promoters: int
    detractors: int
    answers: int


@dataclass(frozen=True)
class NpsDrop:
    this_nps: int
    last_nps: int
    drop: int
    margin: float


def nps_drop_is_beyond_margin(*, this_week: NpsCounts, last_week: NpsCounts) -> NpsDrop | None:
    """The fall from last week to this one, when it is larger than its margin; None otherwise."""
    if not this_week.answers or not last_week.answers:
        return None
    this_nps = nps_score(promoters=this_week.promoters, detractors=this_week.detractors, answers=this_week.answers)
    last_nps = nps_score(promoters=last_week.promoters, detractors=last_week.detractors, answers=last_week.answers)
    this_margin = nps_margin(promoters=this_week.promoters, detractors=this_week.detractors, answers=this_week.answers)
    last_margin = nps_margin(promoters=last_week.promoters, detractors=last_week.detractors, answers=last_week.answers)
    assert this_nps is not None and last_nps is not None and this_margin is not None and last_margin is not None
    margin = round(math.sqrt(this_margin**2 + last_margin**2), 1)
    drop = last_nps - this_nps
    if drop <= margin:
        return None
    return NpsDrop(this_nps=this_nps, last_nps=last_nps, drop=drop, margin=margin)
