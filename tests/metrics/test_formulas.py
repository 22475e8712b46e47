"""The score formulas on hand-worked examples (DOMAIN.md); no database."""

from decimal import Decimal

import pytest

from apps.metrics.formulas import (
    NPS_SMALL_SAMPLE,
    SCORE_FIELDS,
    Scores,
    ces_easy_percent,
    ces_mean,
    csat_percent,
    customer_feeling,
    nps_is_small_sample,
    nps_margin,
    nps_score,
    response_rate_percent,
)

# --- NPS -------------------------------------------------------------------------------


def test_nps_ten_answers_worked_example():
    # 10 answers: 5 promoters, 3 passives, 2 detractors.
    # NPS = 100 * (5 - 2) / 10 = 30.
    # p = 0.5, d = 0.2: SE = sqrt(((0.5 + 0.2) - (0.5 - 0.2)^2) / 10) = sqrt((0.7 - 0.09) / 10)
    #   = sqrt(0.061) = 0.24698; margin = 1.96 * 0.24698 * 100 = 48.41 -> 48.4.
    assert nps_score(promoters=5, detractors=2, answers=10) == 30
    assert nps_margin(promoters=5, detractors=2, answers=10) == 48.4
    assert nps_is_small_sample(answers=10) is True


def test_nps_hundred_answers_worked_example():
    # 100 answers: 60 promoters, 25 passives, 15 detractors -> NPS 45.
    # p = 0.6, d = 0.15: SE = sqrt((0.75 - 0.2025) / 100) = sqrt(0.005475) = 0.073993;
    # margin = 1.96 * 0.073993 * 100 = 14.50 -> 14.5. Enough answers: no warning.
    assert nps_score(promoters=60, detractors=15, answers=100) == 45
    assert nps_margin(promoters=60, detractors=15, answers=100) == 14.5
    assert nps_is_small_sample(answers=100) is False


def test_nps_without_answers_is_none_and_not_warned():
    assert nps_score(promoters=0, detractors=0, answers=0) is None
    assert nps_margin(promoters=0, detractors=0, answers=0) is None
    # No score, nothing to warn about.
    assert nps_is_small_sample(answers=0) is False


@pytest.mark.parametrize(
    ("promoters", "detractors", "answers", "nps"),
    [
        (12, 0, 12, 100),  # all promoters
        (0, 12, 12, -100),  # all detractors
        (0, 0, 12, 0),  # all passives
    ],
)
def test_nps_unanimous_answers_have_no_margin(promoters, detractors, answers, nps):
    # p + d = (p - d)^2 in each case (1 = 1, 1 = 1, 0 = 0): SE = 0.
    assert nps_score(promoters=promoters, detractors=detractors, answers=answers) == nps
    assert nps_margin(promoters=promoters, detractors=detractors, answers=answers) == 0.0


def test_nps_single_answer():
    # One promoter: NPS 100, margin 0 (one answer agrees with itself), but a small sample.
    assert nps_score(promoters=1, detractors=0, answers=1) == 100
    assert nps_margin(promoters=1, detractors=0, answers=1) == 0.0
    assert nps_is_small_sample(answers=1) is True
    # One passive: NPS 0.
    assert nps_score(promoters=0, detractors=0, answers=1) == 0


def test_nps_rounds_half_away_from_zero():
    # 8 answers, 1 promoter, 2 detractors: 100 * -1 / 8 = -12.5 -> -13 (not banker's -12).
    assert nps_score(promoters=1, detractors=2, answers=8) == -13
    # 8 answers, 2 promoters, 1 detractor: 12.5 -> 13.
    assert nps_score(promoters=2, detractors=1, answers=8) == 13
    # 3 answers, 2 promoters, 0 detractors: 66.67 -> 67; 1 promoter: 33.33 -> 33.
    assert nps_score(promoters=2, detractors=0, answers=3) == 67
    assert nps_score(promoters=1, detractors=0, answers=3) == 33


def test_nps_margin_of_a_split_sample():
    # 4 answers, 2 promoters, 2 detractors: p = d = 0.5, NPS 0.
    # SE = sqrt((1 - 0) / 4) = 0.5; margin = 1.96 * 0.5 * 100 = 98.0.
    assert nps_score(promoters=2, detractors=2, answers=4) == 0
    assert nps_margin(promoters=2, detractors=2, answers=4) == 98.0


def test_small_sample_threshold():
    assert NPS_SMALL_SAMPLE == 30
    assert nps_is_small_sample(answers=29) is True
    assert nps_is_small_sample(answers=30) is False


# --- CSAT, CES, response rate -----------------------------------------------------------


def test_csat_is_share_of_fours_and_fives():
    # 8 answers, 6 of them 4 or 5: 75.0 %. 3 answers, 2 satisfied: 66.67 -> 66.7.
    assert csat_percent(satisfied=6, answers=8) == 75.0
    assert csat_percent(satisfied=2, answers=3) == 66.7
    assert csat_percent(satisfied=0, answers=0) is None


def test_ces_mean_and_share_of_easy():
    # Answers 7, 6, 5, 2 (sum 20): mean 5.00; 3 of 4 at 5-7: 75.0 %.
    assert ces_mean(total=20, answers=4) == 5.0
    assert ces_easy_percent(easy=3, answers=4) == 75.0
    # Answers 7, 6, 6 (sum 19): 6.333 -> 6.33; answers 1, 2 (sum 3): 1.5.
    assert ces_mean(total=19, answers=3) == 6.33
    assert ces_mean(total=3, answers=2) == 1.5
    assert ces_mean(total=0, answers=0) is None
    assert ces_easy_percent(easy=0, answers=0) is None


def test_response_rate():
    # 7 delivered, 6 answered: 85.71 -> 85.7 %.
    assert response_rate_percent(answered=6, delivered=7) == 85.7
    assert response_rate_percent(answered=0, delivered=7) == 0.0
    # Nothing delivered yet: no rate, not 0 %.
    assert response_rate_percent(answered=0, delivered=0) is None


# --- the customer's feeling on the -2..+2 scale -----------------------------------------


@pytest.mark.parametrize(
    ("csat", "nps", "feeling"),
    [
        (5, None, Decimal(2)),  # 5 - 3
        (1, None, Decimal(-2)),  # 1 - 3
        (3, None, Decimal(0)),
        (None, 10, Decimal(2)),  # (10 - 5) / 2.5
        (None, 0, Decimal(-2)),  # (0 - 5) / 2.5
        (None, 7, Decimal("0.8")),  # (7 - 5) / 2.5
        (None, 5, Decimal(0)),
        (4, 0, Decimal(1)),  # CSAT wins over NPS
        (None, None, None),
    ],
)
def test_customer_feeling(csat, nps, feeling):
    assert customer_feeling(csat=csat, nps=nps) == feeling


def test_customer_feeling_of_means_rounds_to_four_decimals():
    # Two CSAT answers 4 and 5 in one response: mean 4.5 -> 1.5.
    assert customer_feeling(csat=4.5, nps=None) == Decimal("1.5000")
    # CSAT mean 13/3 = 4.333...: 1.3333.
    assert customer_feeling(csat=13 / 3, nps=None) == Decimal("1.3333")
    # NPS mean 5.015625 (64 answers summing to 321): 0.015625 / 2.5 = 0.00625 -> 0.0063 (half away from zero).
    assert customer_feeling(csat=None, nps=5.015625) == Decimal("0.0063")
    assert customer_feeling(csat=None, nps=4.984375) == Decimal("-0.0063")


# --- Scores -----------------------------------------------------------------------------


def test_zero_scores_show_nothing():
    zero = Scores.zero()
    assert zero == Scores()
    assert (zero.nps, zero.nps_margin, zero.nps_small_sample) == (None, None, False)
    assert (zero.csat, zero.ces, zero.ces_easy_percent, zero.response_rate) == (None, None, None, None)
    assert (zero.customer_feeling_mean, zero.end_feeling_mean, zero.peak_feeling_mean) == (None, None, None)
    assert (zero.gap_mean, zero.gap_over_percent, zero.gap_under_percent) == (None, None, None)
    assert zero.feel_sum == Decimal(0) and zero.gap_customer_sum == Decimal(0)


def test_scores_add_up_before_the_formulas():
    # Monday: 4 NPS answers, 3 promoters; Tuesday: 6 answers, 2 promoters, 2 detractors.
    # Together 10 answers, 5 promoters, 2 detractors -> NPS 30 (not the mean of the days' 75 and 0).
    monday = Scores(nps_n=4, nps_promoters=3, csat_n=2, csat_satisfied=2, invitations_delivered=5, responses=4)
    tuesday = Scores(nps_n=6, nps_promoters=2, nps_detractors=2, csat_n=2, csat_satisfied=0, invitations_delivered=3)
    both = monday + tuesday
    assert (monday.nps, tuesday.nps, both.nps) == (75, 0, 30)
    assert both.nps_margin == 48.4
    assert both.csat == 50.0
    assert (both.invitations_delivered, both.responses) == (8, 4)
    assert sum([monday, tuesday]) == both
    assert monday + Scores.zero() == monday


def test_scores_add_decimal_sums_exactly():
    first = Scores(feel_n=1, feel_sum=Decimal("0.8000"))
    second = Scores(feel_n=2, feel_sum=Decimal("-1.2000"))
    assert (first + second).feel_sum == Decimal("-0.4000")
    # -0.4 / 3 = -0.1333 -> -0.13
    assert (first + second).customer_feeling_mean == -0.13


def test_scores_derived_properties_worked_example():
    scores = Scores(
        encounters=8,
        peak_feel_n=4,
        peak_feel_sum=5,  # peaks +2, +2, +1, 0: mean 1.25
        end_feel_n=6,
        end_feel_sum=3,  # mean 0.5
        invitations_delivered=8,
        invitations_answered=5,  # 62.5 %
        ces_n=4,
        ces_sum=22,  # 5.5
        ces_easy=3,  # 75.0 %
        feel_n=5,
        feel_sum=Decimal("2.8000"),  # 0.56
        # 4 answered encounters: staff said +2, +1, +1, 0 (sum 4); customers -0.4, 1, 1, 0 (sum 1.6).
        # Gap = (4 - 1.6) / 4 = 0.6; staff over by >= 1 once (+2 vs -0.4): 25.0 %; never under.
        gap_n=4,
        gap_staff_sum=4,
        gap_customer_sum=Decimal("1.6000"),
        gap_over=1,
        gap_under=0,
    )
    assert scores.peak_feeling_mean == 1.25
    assert scores.end_feeling_mean == 0.5
    assert scores.response_rate == 62.5
    assert scores.ces == 5.5
    assert scores.ces_easy_percent == 75.0
    assert scores.customer_feeling_mean == 0.56
    assert scores.gap_mean == 0.6
    assert scores.gap_over_percent == 25.0
    assert scores.gap_under_percent == 0.0


def test_gap_mean_is_negative_when_staff_read_customers_gloomier():
    # 3 answers: staff -1, 0, 0 (sum -1); customers 1.2, 0.8, 2 (sum 4): (-1 - 4) / 3 = -1.667 -> -1.67.
    scores = Scores(gap_n=3, gap_staff_sum=-1, gap_customer_sum=Decimal("4.0000"), gap_under=2)
    assert scores.gap_mean == -1.67
    assert scores.gap_under_percent == 66.7


def test_scores_from_an_aggregate_row():
    # An aggregate over no rows gives None for every sum; other keys (the grouping column) are ignored.
    assert Scores.from_mapping(dict.fromkeys(SCORE_FIELDS)) == Scores.zero()
    row = {
        "touchpoint_id": 7,
        "nps_n": 10,
        "nps_promoters": 5,
        "nps_detractors": 2,
        "feel_sum": Decimal("1.5"),
        "gap_n": None,
    }
    scores = Scores.from_mapping(row)
    assert (scores.nps_n, scores.nps, scores.feel_sum, scores.gap_n) == (10, 30, Decimal("1.5"), 0)


def test_score_fields_are_the_count_columns_in_order():
    assert SCORE_FIELDS[:3] == ("encounters", "encounters_raised", "peak_feel_n")
    assert SCORE_FIELDS[-2:] == ("gap_over", "gap_under")
    assert len(SCORE_FIELDS) == 24
