"""The effect arithmetic of apps/initiatives/effect.py: verdict boundaries, answers needed, mix, seasons."""

import datetime as dt
import math

import pytest

from apps.initiatives.effect import (
    Counts,
    Metric,
    Verdict,
    Window,
    answers_needed,
    difference_of,
    estimate,
    mix_shifts,
    season_of,
    seasons_differ,
    windows,
    year_earlier,
)


def _nps(n: int, promoters: int, detractors: int) -> Counts:
    return Counts(responses=n, nps_n=n, nps_promoters=promoters, nps_detractors=detractors)


def _independent(n: int, promoters: int, detractors: int) -> tuple[float, float]:
    """NPS in points and its variance of the mean, straight from DOMAIN.md."""
    p, d = promoters / n, detractors / n
    se = math.sqrt(((p + d) - (p - d) ** 2) / n)
    return (p - d) * 100, (se * 100) ** 2


def test_difference_and_interval_follow_the_domain_formula() -> None:
    before, after = _nps(40, 12, 14), _nps(50, 30, 5)
    result = difference_of(before=before, after=after, metric=Metric.NPS)
    value_b, var_b = _independent(40, 12, 14)
    value_a, var_a = _independent(50, 30, 5)
    d = value_a - value_b
    half = 1.96 * math.sqrt(var_a + var_b)
    assert result.difference == pytest.approx(d)
    assert result.low == pytest.approx(d - half)
    assert result.high == pytest.approx(d + half)
    assert result.verdict is Verdict.IMPROVED


@pytest.mark.parametrize(
    ("before", "after", "verdict"),
    [
        (_nps(40, 12, 14), _nps(50, 30, 5), Verdict.IMPROVED),
        (_nps(50, 30, 5), _nps(40, 12, 14), Verdict.WORSENED),
        (_nps(20, 8, 6), _nps(20, 10, 6), Verdict.CANNOT_TELL),
        (_nps(20, 8, 6), Counts(), Verdict.NO_DATA),
        (Counts(), _nps(20, 8, 6), Verdict.NO_DATA),
    ],
)
def test_verdicts(before: Counts, after: Counts, verdict: Verdict) -> None:
    assert difference_of(before=before, after=after, metric=Metric.NPS).verdict is verdict


def test_the_verdict_turns_exactly_where_the_interval_leaves_zero() -> None:
    """Scan the after-period's promoters: the verdict is 'improved' exactly when low > 0."""
    before = _nps(100, 30, 30)
    seen = set()
    for promoters in range(30, 71):
        result = difference_of(before=before, after=_nps(100, promoters, 30), metric=Metric.NPS)
        assert (result.verdict is Verdict.IMPROVED) == (result.low is not None and result.low > 0)
        seen.add(result.verdict)
    assert seen == {Verdict.CANNOT_TELL, Verdict.IMPROVED}


def test_answers_needed_solve_the_interval_for_n() -> None:
    before, after = _nps(20, 8, 6), _nps(20, 10, 6)
    result = difference_of(before=before, after=after, metric=Metric.NPS)
    assert result.verdict is Verdict.CANNOT_TELL
    needed = result.answers_needed
    assert needed is not None
    var = estimate(before, Metric.NPS).unit_variance + estimate(after, Metric.NPS).unit_variance
    d = abs(result.difference or 0)
    assert 1.96 * math.sqrt(var / needed) <= d < 1.96 * math.sqrt(var / (needed - 1))


def test_no_answers_needed_when_nothing_moved() -> None:
    result = difference_of(before=_nps(20, 8, 6), after=_nps(20, 8, 6), metric=Metric.NPS)
    assert result.verdict is Verdict.CANNOT_TELL and result.difference == 0
    assert result.answers_needed is None
    assert answers_needed(before=result.before, after=result.after, difference=0) is None


def test_csat_and_ces_have_their_own_variances() -> None:
    csat = estimate(Counts(csat_n=10, csat_satisfied=7), Metric.CSAT)
    assert csat.value == pytest.approx(70) and csat.unit_variance == pytest.approx(0.7 * 0.3 * 100**2)
    scores = [3, 5, 6, 7, 7]
    ces = estimate(Counts(ces_n=5, ces_sum=sum(scores), ces_square_sum=sum(s * s for s in scores)), Metric.CES)
    mean = sum(scores) / 5
    assert ces.value == pytest.approx(mean)
    assert ces.unit_variance == pytest.approx(sum((s - mean) ** 2 for s in scores) / 4)


def test_mix_names_shares_that_moved_more_than_ten_points() -> None:
    # Location 1: 50 % -> 60 % (exactly 10 points: not named); persona-like key 2: 50 % -> 39 % (named).
    assert mix_shifts(before={1: 5, 2: 5}, after={1: 6, 2: 4}, dimension="location") == []
    shifts = mix_shifts(before={1: 50, 2: 50}, after={1: 61, 2: 39}, dimension="persona")
    assert {(shift.key, round(shift.moved, 1)) for shift in shifts} == {(1, 11.0), (2, -11.0)}
    assert mix_shifts(before={}, after={1: 3}, dimension="segment") == []


def test_windows_and_seasons() -> None:
    before, after = windows(started_on=dt.date(2026, 3, 1), window_days=90, today=dt.date(2026, 4, 1))
    assert before == Window(dt.date(2025, 12, 1), dt.date(2026, 3, 1))
    assert after == Window(dt.date(2026, 3, 1), dt.date(2026, 4, 1)) and after.days == 31
    assert season_of(before) == "winter" and season_of(after) == "spring"
    assert seasons_differ(before, after)
    same_before, same_after = windows(started_on=dt.date(2026, 7, 15), window_days=30, today=dt.date(2026, 9, 1))
    assert not seasons_differ(same_before, same_after)
    assert year_earlier(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)
