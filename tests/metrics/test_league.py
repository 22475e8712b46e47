"""League tables: intervals and rank ranges checked against an independent computation from raw answers."""

import math
import statistics
from random import Random

from apps.metrics.league import LeagueEntry, league_rank, nps_interval


def _entry(key: int, answers: list[int]) -> LeagueEntry[int]:
    return LeagueEntry(
        key=key,
        name=f"Asema {key}",
        promoters=sum(1 for score in answers if score >= 9),
        detractors=sum(1 for score in answers if score <= 6),
        answers=len(answers),
    )


def _raw_interval(answers: list[int]) -> tuple[float, float]:
    """The NPS as the mean of +100 (promoter), 0 (passive), -100 (detractor), and its 95 % interval
    from the population variance of those values: the same standard error, reached another way."""
    values = [100 if score >= 9 else -100 if score <= 6 else 0 for score in answers]
    centre = statistics.fmean(values)
    half = 1.96 * math.sqrt(statistics.pvariance(values) / len(values))
    return centre - half, centre + half


def _raw_ranks(intervals: dict[int, tuple[float, float]]) -> dict[int, tuple[int, int]]:
    """DOMAIN.md's rank range, counted pair by pair."""
    ranks = {}
    for key, (low, high) in intervals.items():
        wholly_above = [other for other, (o_low, _h) in intervals.items() if other != key and o_low > high]
        wholly_below = [other for other, (_l, o_high) in intervals.items() if other != key and o_high < low]
        ranks[key] = (1 + len(wholly_above), len(intervals) - len(wholly_below))
    return ranks


def test_intervals_and_rank_ranges_agree_with_raw_answers() -> None:
    random = Random(14)
    answers: dict[int, list[int]] = {}
    for key in range(1, 13):
        # Locations of very different quality and size, some under the minimum sample.
        bias = random.choice([0, 2, 4, 6])
        size = random.choice([5, 12, 40, 80, 150, 400])
        answers[key] = [min(10, random.randrange(0, 11) + bias) for _ in range(size)]
    league = league_rank(entries=[_entry(key, scores) for key, scores in answers.items()], min_answers=30)

    ranked_keys = {key for key, scores in answers.items() if len(scores) >= 30}
    assert {row.key for row in league.ranked} == ranked_keys
    assert {row.key for row in league.small} == set(answers) - ranked_keys
    assert all(row.place is None and row.best_rank is None for row in league.small)

    intervals = {key: _raw_interval(answers[key]) for key in ranked_keys}
    expected = _raw_ranks(intervals)
    for row in league.ranked:
        low, high = intervals[row.key]
        assert math.isclose(row.low, low, abs_tol=1e-9)
        assert math.isclose(row.high, high, abs_tol=1e-9)
        assert (row.best_rank, row.worst_rank) == expected[row.key]
        assert row.best_rank <= row.place <= row.worst_rank
        tied = {
            other for other in ranked_keys - {row.key} if not (intervals[other][0] > high or intervals[other][1] < low)
        }
        assert set(row.tied_with) == {f"Asema {key}" for key in tied}
    # Listed by NPS, best first.
    centres = [row.low + row.high for row in league.ranked]
    assert centres == sorted(centres, reverse=True)


def test_clear_gaps_give_exact_ranks_and_overlaps_give_ranges() -> None:
    entries = [
        LeagueEntry(key=1, name="Hyvä", promoters=180, detractors=10, answers=200),  # NPS 85
        LeagueEntry(key=2, name="Keski A", promoters=60, detractors=40, answers=200),  # NPS 10
        LeagueEntry(key=3, name="Keski B", promoters=56, detractors=40, answers=200),  # NPS 8
        LeagueEntry(key=4, name="Heikko", promoters=10, detractors=170, answers=200),  # NPS -80
        LeagueEntry(key=5, name="Pieni", promoters=3, detractors=0, answers=3),  # NPS 100 from three answers
    ]
    league = league_rank(entries=entries, min_answers=30)
    ranks = {row.name: (row.best_rank, row.worst_rank) for row in league.ranked}
    assert ranks == {"Hyvä": (1, 1), "Keski A": (2, 3), "Keski B": (2, 3), "Heikko": (4, 4)}
    assert [row.name for row in league.small] == ["Pieni"]
    first = league.ranked[0]
    assert first.rank_is_certain and first.tied_with == []
    assert league.ranked[1].tied_with == ["Keski B"]


def test_unanimous_answers_have_no_spread_and_empty_rows_are_left_out() -> None:
    assert nps_interval(promoters=40, detractors=0, answers=40) == (100.0, 100.0)
    assert nps_interval(promoters=0, detractors=0, answers=0) == (0.0, 0.0)
    league = league_rank(
        entries=[LeagueEntry(key=1, name="Tyhjä", promoters=0, detractors=0, answers=0)], min_answers=1
    )
    assert league.ranked == [] and league.small == []
