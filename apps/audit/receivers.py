"""Sign-ins, failed sign-ins and sign-outs, from Django's auth signals; the source of Celery tasks.

Django's auth sends these signals wherever a sign-in happens (the login page, the
admin's login, the token endpoint), so listening to them logs every door at once.
"""

from typing import Any

from celery.signals import task_postrun, task_prerun
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from apps.audit.context import audit_source_enter, audit_source_exit
from apps.audit.models import AuditEvent, AuditSource
from apps.audit.services import audit_log_record


@receiver(user_logged_in, dispatch_uid="audit_login")
def audit_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit_log_record(event_type=AuditEvent.LOGIN, acting_user=user, modified_user=user, target=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def audit_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        return
    audit_log_record(event_type=AuditEvent.LOGOUT, acting_user=user, modified_user=user, target=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """The typed email is never kept: only the id of the user it belongs to, when it is one's."""
    typed = credentials.get("username") or credentials.get("email") or ""
    user = None
    if isinstance(typed, str) and typed.strip():
        user = get_user_model().objects.filter(email__iexact=typed.strip()).first()
    audit_log_record(
        event_type=AuditEvent.LOGIN_FAILED, modified_user=user, target=user, extra={"known_user": user is not None}
    )


_task_tokens: dict[str, Any] = {}


@task_prerun.connect(dispatch_uid="audit_task_source")
def audit_task_source_set(task_id: str, **kwargs: Any) -> None:
    _task_tokens[task_id] = audit_source_enter(AuditSource.TASK)


@task_postrun.connect(dispatch_uid="audit_task_source_reset")
def audit_task_source_reset(task_id: str, **kwargs: Any) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        audit_source_exit(token)
