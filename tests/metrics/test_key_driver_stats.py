"""The key drivers' statistics against the same numbers computed another way, here in the test."""

import math
import statistics
from random import Random

import pytest

from apps.metrics.key_driver_stats import (
    DriverInput,
    average_ranks,
    drivers_rank,
    fisher_interval,
    spearman,
)


def ranks_by_counting(values: list[float]) -> list[float]:
    """Each value's rank as (values below) + (values equal, itself included, + 1) / 2: the mid-rank of its ties."""
    return [sum(1 for other in values if other < value) + (values.count(value) + 1) / 2 for value in values]


def spearman_by_hand(xs: list[float], ys: list[float]) -> float:
    return statistics.correlation(ranks_by_counting(xs), ranks_by_counting(ys))


def interval_by_hand(r: float, n: int) -> tuple[float, float]:
    """Fisher's z as 0.5 ln((1 + r) / (1 - r)), back with (e^2z - 1) / (e^2z + 1); Bonett-Wright's SE."""
    z = 0.5 * math.log((1 + r) / (1 - r))
    se = math.sqrt((1 + r**2 / 2) / (n - 3))

    def back(value: float) -> float:
        return (math.exp(2 * value) - 1) / (math.exp(2 * value) + 1)

    return back(z - 1.96 * se), back(z + 1.96 * se)


def test_ties_share_the_mean_of_their_ranks() -> None:
    assert average_ranks([10, 3, 7, 7, 0, 7]) == [6.0, 2.0, 4.0, 4.0, 1.0, 4.0]
    assert average_ranks([]) == []


def test_textbook_value_without_ties() -> None:
    # 1 - 6 * sum(d^2) / (n (n^2 - 1)) = 1 - 6 * 4 / 120 = 0.8
    assert spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) == pytest.approx(0.8)


def test_no_spread_has_no_correlation() -> None:
    assert spearman([0.5, 0.5, 0.5], [1, 9, 10]) is None
    assert spearman([0.1, 0.5, 0.9], [7, 7, 7]) is None


@pytest.mark.parametrize("seed", range(12))
def test_spearman_and_interval_agree_with_an_independent_computation_ties_included(seed: int) -> None:
    random = Random(seed)
    n = random.randint(30, 200)
    # Scores on coarse scales, so ties are everywhere: a CSAT mean and a 0-10 NPS answer.
    xs = [random.randint(1, 5) / 5 for _ in range(n)]
    ys = [min(10, max(0, round(6 * x + random.gauss(3, 2)))) for x in xs]
    r = spearman(xs, [float(y) for y in ys])
    assert r == pytest.approx(spearman_by_hand(xs, [float(y) for y in ys]), abs=1e-12)
    low, high = fisher_interval(r=r, n=n)
    expected_low, expected_high = interval_by_hand(r, n)
    assert (low, high) == (pytest.approx(expected_low, abs=1e-12), pytest.approx(expected_high, abs=1e-12))
    assert low < r < high


def test_a_known_interval() -> None:
    # r = 0.5, n = 50: z = 0.549306, SE = sqrt(1.125 / 47) = 0.154713, 0.246069 .. 0.852543 -> tanh: 0.2412 .. 0.6924
    low, high = fisher_interval(r=0.5, n=50)
    assert (round(low, 4), round(high, 4)) == (0.2412, 0.6924)


def test_a_perfect_correlation_has_a_finite_interval() -> None:
    low, high = fisher_interval(r=1.0, n=40)
    assert 0.99 < low <= high <= 1.0


def _input(key: int, name: str, pairs: list[tuple[float, int]]) -> DriverInput[int]:
    return DriverInput(
        key=key,
        name=name,
        experiences=tuple(x for x, _y in pairs),
        relationship_scores=tuple(y for _x, y in pairs),
    )


def test_rows_are_ranked_with_rank_ranges_and_small_ones_listed_apart() -> None:
    random = Random(3)

    def pairs(n: int, strength: float, level: float) -> list[tuple[float, int]]:
        rows = []
        for _ in range(n):
            x = min(1.0, max(0.0, random.gauss(level, 0.2)))
            noise = random.gauss(0, 1)
            score = round(5 + strength * 10 * (x - level) + noise * (1 - strength) * 3)
            rows.append((round(x, 1), min(10, max(0, score))))
        return rows

    inputs = [
        _input(1, "Strong, low", pairs(120, 0.9, 0.4)),
        _input(2, "Strong, high", pairs(120, 0.85, 0.8)),
        _input(3, "Weak", pairs(120, 0.05, 0.5)),
        _input(4, "Few", pairs(12, 0.9, 0.5)),
        _input(5, "Nothing", []),
    ]
    table = drivers_rank(inputs=inputs)
    assert [row.name for row in table.ranked] == ["Strong, low", "Strong, high", "Weak"]
    assert [row.name for row in table.apart] == ["Few"]
    assert table.apart[0].r is None and table.apart[0].customers == 12
    strong_low, strong_high, weak = table.ranked
    # The two strong links overlap: either could be first; the weak one is clearly last.
    assert (strong_low.best_rank, strong_low.worst_rank) == (1, 2)
    assert (strong_high.best_rank, strong_high.worst_rank) == (1, 2)
    assert (weak.best_rank, weak.worst_rank) == (3, 3) and weak.rank_is_certain
    assert strong_low.tied_with == ["Strong, high"]
    # Importance against performance: only the strong link with the low score is to fix first.
    assert strong_low.fix_first and not strong_high.fix_first and not weak.fix_first
    assert strong_low.performance == pytest.approx(100 * statistics.fmean(inputs[0].experiences))
    for row in table.ranked:
        assert row.low is not None and row.high is not None and row.low < (row.r or 0) < row.high
