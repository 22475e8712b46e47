"""The maturity rule of DOMAIN.md on plain evidence; no ORM here.

A touchpoint is designed when it sits on a service path map, has an owner and a
written intended experience; managed when it is also measured (enough answers in the
window), its poor answers are followed up in time and its NPS meets its target;
otherwise ad hoc. A path or the company is at the highest level that a set share of
its encounter volume reaches.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import IntEnum
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext


class Level(IntEnum):
    AD_HOC = 1
    DESIGNED = 2
    MANAGED = 3

    @property
    def label(self) -> Promise:
        return _LEVEL_LABELS[self]


_LEVEL_LABELS = {
    Level.AD_HOC: gettext_lazy("Ad hoc"),
    Level.DESIGNED: gettext_lazy("Designed"),
    Level.MANAGED: gettext_lazy("Managed"),
}


@dataclass(frozen=True)
class MaturityThresholds:
    window_days: int = 90
    min_answers: int = 30
    max_overdue_cases: int = 0
    rollup_share_percent: int = 50


@dataclass(frozen=True)
class TouchpointEvidence:
    """What is known of one touchpoint. overdue_cases: the late cases (apps/cases/timeliness.py) opened in the
    window, resolved or not."""

    on_map: bool
    has_owner: bool
    has_intended_experience: bool
    answers_in_window: int
    nps: int | None
    target_nps: int | None
    overdue_cases: int


@dataclass(frozen=True)
class Reason:
    """One unmet condition: what it is, the level it keeps the touchpoint from, and what would fix it."""

    code: str
    message: str
    blocks: Level
    hint: str = ""


@dataclass(frozen=True)
class Assessment:
    level: Level
    reasons: list[Reason]


def _designed_gaps(evidence: TouchpointEvidence) -> list[str]:
    """The codes of the unmet conditions of the designed level, in the order the reasons are listed."""
    gaps = []
    if not evidence.on_map:
        gaps.append("not_on_map")
    if not evidence.has_owner:
        gaps.append("no_owner")
    if not evidence.has_intended_experience:
        gaps.append("no_intended_experience")
    return gaps


def _managed_gaps(evidence: TouchpointEvidence, thresholds: MaturityThresholds) -> list[str]:
    """The codes of the unmet conditions of the managed level, in the order the reasons are listed."""
    gaps = []
    if evidence.answers_in_window < thresholds.min_answers:
        gaps.append("too_few_answers")
    if evidence.overdue_cases > thresholds.max_overdue_cases:
        gaps.append("cases_overdue")
    if evidence.target_nps is None:
        gaps.append("no_target")
    if evidence.nps is None:
        gaps.append("no_nps")
    elif evidence.target_nps is not None and evidence.nps < evidence.target_nps:
        gaps.append("below_target")
    return gaps


def _reason(code: str, evidence: TouchpointEvidence, thresholds: MaturityThresholds) -> Reason:
    """One unmet condition in words, with what would fix it."""
    days = thresholds.window_days
    if code == "not_on_map":
        return Reason(
            code=code,
            message=_("Not on a service path map"),
            blocks=Level.DESIGNED,
            hint=_("Place the touchpoint on a stage of a service path map"),
        )
    if code == "no_owner":
        return Reason(code=code, message=_("No owner"), blocks=Level.DESIGNED, hint=_("Name an owner on the path map"))
    if code == "no_intended_experience":
        return Reason(
            code=code,
            message=_("No intended experience written"),
            blocks=Level.DESIGNED,
            hint=_("Write what good looks like for this touchpoint"),
        )
    if code == "too_few_answers":
        answers = evidence.answers_in_window
        return Reason(
            code=code,
            message=ngettext(
                "%(answers)s answer in %(days)s days, needs %(needed)s",
                "%(answers)s answers in %(days)s days, needs %(needed)s",
                answers,
            )
            % {"answers": answers, "days": days, "needed": thresholds.min_answers},
            blocks=Level.MANAGED,
            hint=_("Collect more answers: add a follow-up survey or log more encounters with consent"),
        )
    if code == "cases_overdue":
        count = evidence.overdue_cases
        return Reason(
            code=code,
            message=ngettext(
                "%(count)s late follow-up case in %(days)s days",
                "%(count)s late follow-up cases in %(days)s days",
                count,
            )
            % {"count": count, "days": days},
            blocks=Level.MANAGED,
            hint=_("Contact the customers of poor answers by the due time"),
        )
    if code == "no_target":
        return Reason(code=code, message=_("No NPS target set"), blocks=Level.MANAGED, hint=_("Set a target NPS"))
    if code == "no_nps":
        return Reason(
            code=code,
            message=_("No NPS answers in %(days)s days") % {"days": days},
            blocks=Level.MANAGED,
            hint=_("Ask the NPS question in the touchpoint's follow-up survey"),
        )
    return Reason(
        code=code,
        message=_("NPS %(nps)s below target %(target)s") % {"nps": evidence.nps, "target": evidence.target_nps},
        blocks=Level.MANAGED,
        hint=_("Read what the detractors say and fix the most common cause"),
    )


def _level(designed_gaps: list[str], managed_gaps: list[str]) -> Level:
    if designed_gaps:
        return Level.AD_HOC
    if managed_gaps:
        return Level.DESIGNED
    return Level.MANAGED


def touchpoint_level(*, evidence: TouchpointEvidence, thresholds: MaturityThresholds) -> Level:
    """touchpoint_maturity's level alone, without writing out the reasons (a page of levels needs no words)."""
    return _level(_designed_gaps(evidence), _managed_gaps(evidence, thresholds))


def touchpoint_maturity(*, evidence: TouchpointEvidence, thresholds: MaturityThresholds) -> Assessment:
    """The touchpoint's level, with every unmet condition that keeps it from a higher one (none when managed)."""
    designed = _designed_gaps(evidence)
    managed = _managed_gaps(evidence, thresholds)
    return Assessment(
        level=_level(designed, managed),
        reasons=[_reason(code, evidence, thresholds) for code in designed + managed],
    )


WeightedBy = Literal["encounters", "touchpoints"]


@dataclass(frozen=True)
class Rollup:
    """A path's or the company's level; shares: percent of the weight sitting exactly at each level."""

    level: Level
    shares: dict[Level, Decimal]
    weighted_by: WeightedBy


def _share(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def maturity_rollup(*, items: Sequence[tuple[Level, int]], share_percent: int) -> Rollup:
    """The highest level that at least share_percent % of the weight reaches (a level counts the weight at it or above).

    items are (touchpoint level, encounter volume). The weight is the encounter volume;
    when no touchpoint has any volume, every touchpoint weighs the same (and the result
    says so). Without touchpoints the level is ad hoc.
    """
    if any(volume < 0 for _level, volume in items):
        raise ValueError("encounter volume cannot be negative")
    if not items:
        return Rollup(level=Level.AD_HOC, shares={level: Decimal("0.0") for level in Level}, weighted_by="touchpoints")
    weighted_by: WeightedBy = "encounters"
    weights = [(level, volume) for level, volume in items]
    total = sum(volume for _level, volume in weights)
    if total == 0:
        weighted_by = "touchpoints"
        weights = [(level, 1) for level, _volume in items]
        total = len(weights)
    at_level = {level: sum(weight for item_level, weight in weights if item_level == level) for level in Level}
    reached = Level.AD_HOC
    for level in (Level.MANAGED, Level.DESIGNED):
        at_or_above = sum(weight for weight_level, weight in at_level.items() if weight_level >= level)
        # Integers on both sides: no rounding decides the level.
        if at_or_above * 100 >= share_percent * total:
            reached = level
            break
    return Rollup(
        level=reached, shares={level: _share(at_level[level], total) for level in Level}, weighted_by=weighted_by
    )
