"""touchpoint_level (a level without its reasons in words) agrees with touchpoint_maturity everywhere."""

import itertools

from apps.maturity.rules import MaturityThresholds, TouchpointEvidence, touchpoint_level, touchpoint_maturity


def test_the_level_alone_is_the_assessments_level() -> None:
    thresholds = MaturityThresholds(min_answers=30, max_overdue_cases=0)
    for on_map, owner, intended, answers, nps, target, overdue in itertools.product(
        (True, False), (True, False), (True, False), (0, 29, 30), (None, -10, 40), (None, 0, 40), (0, 1)
    ):
        evidence = TouchpointEvidence(
            on_map=on_map,
            has_owner=owner,
            has_intended_experience=intended,
            answers_in_window=answers,
            nps=nps,
            target_nps=target,
            overdue_cases=overdue,
        )
        assert touchpoint_level(evidence=evidence, thresholds=thresholds) == (
            touchpoint_maturity(evidence=evidence, thresholds=thresholds).level
        ), evidence
