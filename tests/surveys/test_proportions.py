"""The yes share's 95 % interval: Wilson's score interval, checked against published values."""

import pytest

from apps.surveys.proportions import share_interval


@pytest.mark.parametrize(
    ("successes", "answers", "interval"),
    [
        # Newcombe (1998), example 81 of 263, and the textbook 5 and 0 of 10.
        (81, 263, (25.5, 36.6)),
        (5, 10, (23.7, 76.3)),
        (0, 10, (0.0, 27.8)),
        (10, 10, (72.2, 100.0)),
        # Never zero-wide at the ends, unlike p ± 1.96·sqrt(p(1 - p)/n).
        (3, 3, (43.8, 100.0)),
        (30, 30, (88.6, 100.0)),
    ],
)
def test_wilson_interval(successes: int, answers: int, interval: tuple[float, float]) -> None:
    assert share_interval(successes=successes, answers=answers) == interval


def test_no_answers_no_interval_and_impossible_counts_refused() -> None:
    assert share_interval(successes=0, answers=0) is None
    with pytest.raises(ValueError):
        share_interval(successes=4, answers=3)
