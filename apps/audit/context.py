"""Through which door an action came in (page, API, admin, command, task), for the audit log.

The services that write audit entries are the same for every door, so they do not
know it; the request (or the task) says it once, here, and `audit_log_record` reads
it. Outside any request or task (a management command, the shell) it is a command.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

from django.http import HttpRequest, HttpResponseBase

from apps.audit.models import AuditSource

_source: ContextVar[str] = ContextVar("audit_source", default=AuditSource.COMMAND)


def audit_source_current() -> str:
    return _source.get()


@contextmanager
def audit_source(source: str) -> Iterator[None]:
    """Actions inside the block are logged as coming from `source`."""
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)


def audit_source_enter(source: str) -> Token[str]:
    """For a start and an end in two callbacks (Celery's task signals); else use `audit_source`."""
    return _source.set(source)


def audit_source_exit(token: Token[str]) -> None:
    _source.reset(token)


def audit_source_of_request(request: HttpRequest) -> str:
    path = request.path_info
    if path.startswith("/api/"):
        return AuditSource.API
    if path.startswith("/admin/"):
        return AuditSource.ADMIN
    return AuditSource.WEB


class AuditSourceMiddleware:
    """Marks the request's actions with their door; placed before anything that may sign in or write."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with audit_source(audit_source_of_request(request)):
            return self.get_response(request)
