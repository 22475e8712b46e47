"""Destinations: email addresses, Slack, Teams and signed webhooks; a signed webhook's secret."""

import base64
import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.alerts.models import Destination, DestinationKind
from apps.audit.models import AuditEvent
from apps.audit.services import audit_changes, audit_log_record
from apps.core.exceptions import DomainError
from apps.outbox.webhook_sending import webhook_url_problem


def webhook_secret_new() -> str:
    """A Standard Webhooks secret: "whsec_" and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _destination_check(*, kind: str, emails: str, url: str) -> None:
    if kind == DestinationKind.EMAIL:
        if not [line for line in emails.splitlines() if line.strip()]:
            raise DomainError(_("Enter at least one email address."), fields={"emails": [_("Required.")]})
        return
    if not url:
        raise DomainError(_("Enter the webhook's address."), fields={"url": [_("Required.")]})
    problem = webhook_url_problem(url)
    if problem:
        raise DomainError(problem, fields={"url": [problem]})


@transaction.atomic
def destination_create(*, name: str, kind: str, emails: str = "", url: str = "", actor: User) -> Destination:
    """A new destination; a signed webhook gets its secret, shown to the creator once."""
    _destination_check(kind=kind, emails=emails, url=url)
    destination = Destination.objects.create(
        name=name,
        kind=kind,
        emails=emails if kind == DestinationKind.EMAIL else "",
        url=url if kind != DestinationKind.EMAIL else "",
        secret=webhook_secret_new() if kind == DestinationKind.WEBHOOK else "",
    )
    audit_log_record(
        event_type=AuditEvent.SETTINGS_CHANGED,
        acting_user=actor,
        target=destination,
        extra={"alert_destination": "created", "kind": kind},
    )
    return destination


@transaction.atomic
def destination_update(
    *, destination: Destination, name: str, emails: str = "", url: str = "", active: bool, actor: User
) -> Destination:
    _destination_check(kind=destination.kind, emails=emails, url=url)
    before = {
        "name": destination.name,
        "emails": destination.emails,
        "url": destination.url,
        "active": destination.active,
    }
    destination.name, destination.active = name, active
    if destination.kind == DestinationKind.EMAIL:
        destination.emails = emails
    else:
        destination.url = url
    destination.save()
    after = {"name": name, "emails": destination.emails, "url": destination.url, "active": active}
    changes = audit_changes(before=before, after=after, values_kept=["active"])
    if changes:
        audit_log_record(event_type=AuditEvent.SETTINGS_CHANGED, acting_user=actor, target=destination, extra=changes)
    return destination


@transaction.atomic
def destination_secret_regenerate(*, destination: Destination, actor: User) -> str:
    """A new signing secret for a signed webhook; the old one stops working at once (retries included)."""
    if destination.kind != DestinationKind.WEBHOOK:
        raise DomainError(_("Only a signed webhook has a secret."), code="no_secret")
    destination.secret = webhook_secret_new()
    destination.save(update_fields=["secret", "updated_at"])
    audit_log_record(
        event_type=AuditEvent.SETTINGS_CHANGED,
        acting_user=actor,
        target=destination,
        extra={"changed": ["secret"]},
    )
    return destination.secret
