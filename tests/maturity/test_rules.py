"""The maturity rule and the path/company roll-up (DOMAIN.md); no database."""

from dataclasses import replace
from decimal import Decimal

import pytest
from django.utils import translation

from apps.maturity.rules import (
    Level,
    MaturityThresholds,
    Reason,
    TouchpointEvidence,
    maturity_rollup,
    touchpoint_maturity,
)

DEFAULTS = MaturityThresholds()


@pytest.fixture(autouse=True)
def _english():
    # The company default is Finnish; these tests read the English source text unless they switch.
    with translation.override("en"):
        yield


HINT_LATE = "Contact the customers of poor answers by the due time"

# Meets every condition under the default thresholds (30 answers in 90 days, no late case).
MANAGED = TouchpointEvidence(
    on_map=True,
    has_owner=True,
    has_intended_experience=True,
    answers_in_window=30,
    nps=40,
    target_nps=30,
    overdue_cases=0,
)


def assess(thresholds: MaturityThresholds = DEFAULTS, **changes: object):
    return touchpoint_maturity(evidence=replace(MANAGED, **changes), thresholds=thresholds)


def by_code(reasons: list[Reason]) -> dict[str, Reason]:
    return {reason.code: reason for reason in reasons}


# --- one touchpoint --------------------------------------------------------------------


def test_managed_touchpoint_has_no_reasons():
    assessment = assess()
    assert assessment.level == Level.MANAGED
    assert assessment.reasons == []


def test_nps_equal_to_target_is_enough():
    assert assess(nps=30).level == Level.MANAGED


def test_designed_when_measured_short_of_the_rule():
    # Designed (map, owner, intended experience) but only 12 answers in the 90 days.
    assessment = assess(answers_in_window=12)
    assert assessment.level == Level.DESIGNED
    [reason] = assessment.reasons
    assert reason.code == "too_few_answers"
    assert reason.message == "12 answers in 90 days, needs 30"
    assert reason.blocks == Level.MANAGED
    assert "Collect more answers" in reason.hint


def test_one_answer_is_singular():
    [reason] = assess(answers_in_window=1).reasons
    assert reason.message == "1 answer in 90 days, needs 30"


@pytest.mark.parametrize(
    ("changes", "code", "message", "hint"),
    [
        ({"on_map": False}, "not_on_map", "Not on a service path map", "service path map"),
        ({"has_owner": False}, "no_owner", "No owner", "Name an owner on the path map"),
        (
            {"has_intended_experience": False},
            "no_intended_experience",
            "No intended experience written",
            "Write what good looks like for this touchpoint",
        ),
    ],
)
def test_each_design_gap_makes_it_ad_hoc(changes, code, message, hint):
    assessment = assess(**changes)
    assert assessment.level == Level.AD_HOC
    [reason] = assessment.reasons
    assert (reason.code, reason.message, reason.blocks) == (code, message, Level.DESIGNED)
    assert hint in reason.hint


@pytest.mark.parametrize(
    ("changes", "code", "message", "hint"),
    [
        ({"overdue_cases": 3}, "cases_overdue", "3 late follow-up cases in 90 days", HINT_LATE),
        ({"overdue_cases": 1}, "cases_overdue", "1 late follow-up case in 90 days", HINT_LATE),
        ({"target_nps": None}, "no_target", "No NPS target set", "Set a target NPS"),
        ({"nps": None}, "no_nps", "No NPS answers in 90 days", "NPS question"),
        ({"nps": 12}, "below_target", "NPS 12 below target 30", "detractors"),
        ({"nps": -5, "target_nps": 0}, "below_target", "NPS -5 below target 0", "detractors"),
    ],
)
def test_each_management_gap_keeps_it_designed(changes, code, message, hint):
    assessment = assess(**changes)
    assert assessment.level == Level.DESIGNED
    [reason] = assessment.reasons
    assert (reason.code, reason.message, reason.blocks) == (code, message, Level.MANAGED)
    assert hint in reason.hint


def test_every_unmet_condition_is_listed():
    # Nothing in place: the user sees everything that would lift the touchpoint, design first.
    assessment = assess(
        on_map=False,
        has_owner=False,
        has_intended_experience=False,
        answers_in_window=0,
        nps=None,
        target_nps=None,
        overdue_cases=2,
    )
    assert assessment.level == Level.AD_HOC
    assert [reason.code for reason in assessment.reasons] == [
        "not_on_map",
        "no_owner",
        "no_intended_experience",
        "too_few_answers",
        "cases_overdue",
        "no_target",
        "no_nps",
    ]
    assert [reason.blocks for reason in assessment.reasons] == [Level.DESIGNED] * 3 + [Level.MANAGED] * 4
    messages = by_code(assessment.reasons)
    assert messages["too_few_answers"].message == "0 answers in 90 days, needs 30"
    assert messages["cases_overdue"].message == "2 late follow-up cases in 90 days"


def test_ad_hoc_touchpoint_also_lists_what_keeps_it_from_managed():
    # No owner and below target: ad hoc, and both are named.
    assessment = assess(has_owner=False, nps=10)
    assert assessment.level == Level.AD_HOC
    reasons = by_code(assessment.reasons)
    assert set(reasons) == {"no_owner", "below_target"}
    assert reasons["below_target"].message == "NPS 10 below target 30"


def test_thresholds_change_the_rule():
    # 12 answers in 30 days: short of the default 30, enough when 10 are needed.
    strict = MaturityThresholds(window_days=30)
    lenient = MaturityThresholds(window_days=30, min_answers=10)
    assert assess(strict, answers_in_window=12).reasons[0].message == "12 answers in 30 days, needs 30"
    assert assess(lenient, answers_in_window=12).level == Level.MANAGED
    assert assess(lenient, answers_in_window=9).reasons[0].message == "9 answers in 30 days, needs 10"
    # Two overdue cases are tolerated when the company allows two, not three.
    assert assess(MaturityThresholds(max_overdue_cases=2), overdue_cases=2).level == Level.MANAGED
    assert assess(MaturityThresholds(max_overdue_cases=2), overdue_cases=3).level == Level.DESIGNED
    assert assess(MaturityThresholds(window_days=60), nps=None).reasons[0].message == "No NPS answers in 60 days"


def test_level_labels():
    assert [str(level.label) for level in Level] == ["Ad hoc", "Designed", "Managed"]
    assert Level.MANAGED > Level.DESIGNED > Level.AD_HOC


def test_reasons_and_labels_in_finnish():
    # Needs the compiled catalogue: manage.py translations_compile.
    with translation.override("fi"):
        reasons = by_code(assess(answers_in_window=12, overdue_cases=1, nps=12).reasons)
        assert reasons["too_few_answers"].message == "12 vastausta 90 päivässä, tarvitaan 30"
        assert reasons["cases_overdue"].message == "1 jälkihoitotapaus myöhässä 90 päivän aikana"
        assert reasons["below_target"].message == "NPS 12 alle tavoitteen 30"
        assert str(Level.MANAGED.label) == "Johdettu"
        assert by_code(assess(has_owner=False).reasons)["no_owner"].message == "Ei omistajaa"


# --- roll-up of a path or the company ---------------------------------------------------


def test_rollup_managed_majority():
    # Volumes: managed 60, designed 30, ad hoc 10 (total 100). Managed or above: 60 % >= 50 %.
    rollup = maturity_rollup(items=[(Level.MANAGED, 60), (Level.DESIGNED, 30), (Level.AD_HOC, 10)], share_percent=50)
    assert rollup.level == Level.MANAGED
    assert rollup.shares == {
        Level.AD_HOC: Decimal("10.0"),
        Level.DESIGNED: Decimal("30.0"),
        Level.MANAGED: Decimal("60.0"),
    }
    assert rollup.weighted_by == "encounters"


def test_rollup_designed_or_above_carries_it():
    # Managed 40, designed 20, ad hoc 40: managed 40 % < 50 %, designed or above 60 % >= 50 % -> designed.
    rollup = maturity_rollup(items=[(Level.MANAGED, 40), (Level.DESIGNED, 20), (Level.AD_HOC, 40)], share_percent=50)
    assert rollup.level == Level.DESIGNED
    assert rollup.shares == {
        Level.AD_HOC: Decimal("40.0"),
        Level.DESIGNED: Decimal("20.0"),
        Level.MANAGED: Decimal("40.0"),
    }


def test_rollup_share_threshold_is_inclusive_and_configurable():
    # Managed 50 of 100: exactly 50 % reaches the 50 % bar, not a 60 % bar (designed or above: 50 %, also short).
    items = [(Level.MANAGED, 30), (Level.MANAGED, 20), (Level.AD_HOC, 50)]
    assert maturity_rollup(items=items, share_percent=50).level == Level.MANAGED
    assert maturity_rollup(items=items, share_percent=60).level == Level.AD_HOC


def test_rollup_sums_touchpoints_at_the_same_level():
    # Two managed touchpoints (5 + 2), one designed (3): managed 70 %, designed 30 %.
    rollup = maturity_rollup(items=[(Level.MANAGED, 5), (Level.DESIGNED, 3), (Level.MANAGED, 2)], share_percent=75)
    # Managed 70 % < 75 %; designed or above 100 % -> designed.
    assert rollup.level == Level.DESIGNED
    assert rollup.shares[Level.MANAGED] == Decimal("70.0")
    assert rollup.shares[Level.AD_HOC] == Decimal("0.0")


def test_rollup_shares_round_to_one_decimal():
    # 1, 1, 1 of 3: 33.333 -> 33.3 each; 2 of 3: 66.7.
    rollup = maturity_rollup(items=[(Level.MANAGED, 1), (Level.DESIGNED, 1), (Level.AD_HOC, 1)], share_percent=50)
    assert set(rollup.shares.values()) == {Decimal("33.3")}
    # Designed or above: 2 of 3 >= 50 %.
    assert rollup.level == Level.DESIGNED
    assert maturity_rollup(items=[(Level.MANAGED, 2), (Level.AD_HOC, 1)], share_percent=50).shares[
        Level.MANAGED
    ] == Decimal("66.7")


def test_rollup_without_encounters_weighs_touchpoints_equally():
    # No encounters yet: each of the 4 touchpoints weighs 1. Managed 1 (25 %), designed 2 (50 %), ad hoc 1 (25 %).
    # Designed or above: 75 % >= 50 % -> designed.
    rollup = maturity_rollup(
        items=[(Level.MANAGED, 0), (Level.DESIGNED, 0), (Level.DESIGNED, 0), (Level.AD_HOC, 0)], share_percent=50
    )
    assert rollup.weighted_by == "touchpoints"
    assert rollup.level == Level.DESIGNED
    assert rollup.shares == {
        Level.AD_HOC: Decimal("25.0"),
        Level.DESIGNED: Decimal("50.0"),
        Level.MANAGED: Decimal("25.0"),
    }


def test_rollup_volume_outweighs_the_count_of_touchpoints():
    # Three managed touchpoints with no encounters, one ad hoc with 10: all the volume is ad hoc.
    rollup = maturity_rollup(
        items=[(Level.MANAGED, 0), (Level.MANAGED, 0), (Level.MANAGED, 0), (Level.AD_HOC, 10)], share_percent=50
    )
    assert rollup.level == Level.AD_HOC
    assert rollup.shares[Level.AD_HOC] == Decimal("100.0")
    assert rollup.weighted_by == "encounters"


def test_rollup_of_nothing_is_ad_hoc():
    rollup = maturity_rollup(items=[], share_percent=50)
    assert rollup.level == Level.AD_HOC
    assert rollup.shares == {level: Decimal(0) for level in Level}
    assert rollup.weighted_by == "touchpoints"


def test_rollup_rejects_negative_volume():
    with pytest.raises(ValueError, match="negative"):
        maturity_rollup(items=[(Level.MANAGED, -1)], share_percent=50)
