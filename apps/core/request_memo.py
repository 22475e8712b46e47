"""Reads remembered for the length of one page, so that a page asking twice queries once.

A read page opens `read_scope()` around its work; inside it, a function decorated with
`memoized_in_scope` runs once per arguments and company schema, and later calls get the
same result. Outside a scope (writes, tasks, the API) the decorator does nothing. Only
for reads whose result the caller does not change, on pages that write nothing.
"""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.db import connection

P = ParamSpec("P")
R = TypeVar("R")

_memo: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar("read_scope_memo", default=None)


@contextmanager
def read_scope() -> Iterator[None]:
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def memoized_in_scope(func: Callable[P, R]) -> Callable[P, R]:
    name = f"{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        memo = _memo.get()
        if memo is None:
            return func(*args, **kwargs)
        try:
            key = (name, connection.schema_name, args, tuple(sorted(kwargs.items())))
            hash(key)
        except TypeError:  # an argument that cannot be a key: no memo for this call
            return func(*args, **kwargs)
        if key not in memo:
            memo[key] = func(*args, **kwargs)
        return memo[key]

    return wrapper
