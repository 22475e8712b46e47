"""The polling helper the worker and server tests wait with."""

import pytest

from tests.waiting import wait_until


def test_returns_the_first_truthy_answer() -> None:
    answers = iter([None, 0, "ready"])
    assert wait_until(lambda: next(answers), timeout=5, interval=0, message="an answer") == "ready"


def test_says_what_it_waited_for_when_the_deadline_passes() -> None:
    with pytest.raises(AssertionError, match="waited 0 s for the import to finish, in vain\nworker log"):
        wait_until(lambda: False, timeout=0, message="the import to finish", detail=lambda: "worker log")


def test_ignored_errors_count_as_not_yet_and_the_last_is_kept() -> None:
    attempts = iter([ConnectionError("refused"), ConnectionError("still refused"), True])

    def connects() -> bool:
        answer = next(attempts)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert wait_until(connects, timeout=5, interval=0, message="a connection", ignoring=(ConnectionError,))
    with pytest.raises(AssertionError) as failure:
        wait_until(lambda: 1 / 0, timeout=0, message="a division", ignoring=(ZeroDivisionError,))
    assert isinstance(failure.value.__cause__, ZeroDivisionError)


def test_other_errors_are_not_swallowed() -> None:
    with pytest.raises(ZeroDivisionError):
        wait_until(lambda: 1 / 0, timeout=5, message="a division")
