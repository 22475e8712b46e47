"""A weak ending: the end moment trailing the rest of the path (peak-end rule); no database."""

import pytest
from django.utils import translation

from apps.maturity.peak_end import weak_ending


@pytest.fixture(autouse=True)
def _english():
    # The company default is Finnish; these tests read the English source text unless they switch.
    with translation.override("en"):
        yield


def ending(**changes: object):
    arguments = {
        "end_feeling": 0.8,
        "rest_feeling": 0.9,
        "end_nps": 40,
        "rest_nps": 45,
        "end_answers": 20,
        "rest_answers": 80,
    }
    arguments.update(changes)
    return weak_ending(**arguments)


def test_an_end_that_holds_up_is_not_flagged():
    # Feeling 0.1 lower, NPS 5 lower: both under the bars (0.5 and 10).
    assert ending() is None
    # An end better than the rest is not weak either.
    assert ending(end_feeling=1.5, end_nps=70) is None


def test_feeling_and_nps_both_trail():
    # Rest 0.9, end 0.3: 0.6 lower; rest NPS 45, end 31: 14 lower.
    weak = ending(end_feeling=0.3, end_nps=31)
    assert weak is not None
    assert (weak.feeling_drop, weak.nps_drop) == (0.6, 14)
    assert weak.message == "The end moment trails the rest of the path: feeling 0.6 lower, NPS 14 lower"


def test_feeling_alone_at_the_bar():
    # 0.7 - 0.2 is 0.49999... in binary; the means carry two decimals, so this is a drop of exactly 0.5.
    weak = ending(rest_feeling=0.7, end_feeling=0.2)
    assert weak is not None
    assert (weak.feeling_drop, weak.nps_drop) == (0.5, None)
    assert weak.message == "The end moment trails the rest of the path: feeling 0.5 lower"
    assert ending(rest_feeling=0.7, end_feeling=0.21) is None


def test_nps_alone_at_the_bar():
    # Rest 45, end 35: exactly 10 points lower. 36 would be 9: not flagged.
    weak = ending(end_nps=35)
    assert weak is not None
    assert (weak.feeling_drop, weak.nps_drop) == (None, 10)
    assert weak.message == "The end moment trails the rest of the path: NPS 10 lower"
    assert ending(end_nps=36) is None


def test_negative_scores_compare_the_same_way():
    # Rest NPS -5, end NPS -20: 15 lower; feeling rest -0.2, end -1.0: 0.8 lower.
    weak = ending(rest_nps=-5, end_nps=-20, rest_feeling=-0.2, end_feeling=-1.0)
    assert weak is not None
    assert (weak.feeling_drop, weak.nps_drop) == (0.8, 15)


def test_a_missing_measure_is_skipped():
    # No NPS on the end moment (a CSAT-only survey): the feeling alone decides.
    weak = ending(end_nps=None, end_feeling=0.1)
    assert weak is not None
    assert (weak.feeling_drop, weak.nps_drop) == (0.8, None)
    assert ending(end_nps=None, end_feeling=None, rest_nps=None, rest_feeling=None) is None


def test_too_few_answers_on_either_side_says_nothing():
    # A big drop on 4 answers is noise, at the default minimum of 5 per side.
    assert ending(end_feeling=-2.0, end_nps=-100, end_answers=4) is None
    assert ending(end_feeling=-2.0, end_nps=-100, rest_answers=4) is None
    assert ending(end_feeling=-2.0, end_nps=-100, end_answers=5, rest_answers=5) is not None
    assert ending(end_feeling=-2.0, end_nps=-100, end_answers=5, rest_answers=5, min_answers=10) is None


def test_message_in_finnish():
    # Needs the compiled catalogue: manage.py translations_compile. Finnish writes a decimal comma.
    with translation.override("fi"):
        weak = ending(end_feeling=0.3, end_nps=31)
        assert weak is not None
        assert weak.message == "Loppuhetki jää jälkeen muusta polusta: tunne 0,6 heikompi, NPS 14 pienempi"
