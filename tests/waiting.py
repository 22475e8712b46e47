"""Waiting for another process (a worker, a server, a replica) without guessing how long it takes.

A fixed sleep is either too short on a busy machine (a flaky test) or too long everywhere else (a
slow suite). `wait_until` asks the question the sleep stood for, again and again, until the answer
is yes or a deadline passes, and then says what it was waiting for.
"""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    predicate: Callable[[], T],
    *,
    timeout: float,
    message: str,
    interval: float = 0.05,
    detail: Callable[[], str] | None = None,
    ignoring: tuple[type[BaseException], ...] = (),
) -> T:
    """Call `predicate` every `interval` seconds until it returns something truthy, and return that.

    After `timeout` seconds raise an AssertionError saying it waited for `message`, followed by
    `detail()` (say, a worker's log) when given. Exceptions of the `ignoring` types count as "not
    yet" (a server still starting refuses connections); the last one is chained to the error.
    """
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while True:
        try:
            result = predicate()
        except ignoring as error:
            last_error = error
        else:
            if result:
                return result
        if time.monotonic() >= deadline:
            text = f"waited {timeout:g} s for {message}, in vain"
            if detail is not None:
                text += f"\n{detail()}"
            raise AssertionError(text) from last_error
        time.sleep(interval)
