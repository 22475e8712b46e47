"""What the outbox knows about each kind of message: its name, and the app's hooks.

An app registers its kinds in its AppConfig.ready(). The hooks let the app keep its
own rows in step with the message, in the outbox's own transactions:
- `before_send(message, now)` is asked before every try and may cancel the message
  (the customer unsubscribed meanwhile) or defer it (quiet hours);
- `on_sent(message)` runs in the transaction that marks the message sent;
- `on_failed(message)` when it is given up (dead letter), `on_cancelled(message)`
  when `before_send` or an admin cancelled it.
A kind whose body carries a credential sets `redact_after_send`.
A kind that sends webhooks answers `webhook_target(message)` at every try: where the
message goes and with which secret (None: nowhere any more, the message fails).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from apps.outbox.models import OutboundEmail
    from apps.outbox.webhook_sending import WebhookTarget


@dataclass(frozen=True)
class SendDecision:
    """Send now (the default), cancel for a reason, or wait until a later time."""

    cancel_reason: str = ""
    defer_until: dt.datetime | None = None


SEND = SendDecision()

Hook = Callable[["OutboundEmail"], None]


@dataclass(frozen=True)
class OutboxKind:
    name: str
    label: Any  # a lazy translation
    before_send: Callable[["OutboundEmail", dt.datetime], SendDecision] | None = None
    on_sent: Hook | None = None
    on_failed: Hook | None = None
    on_cancelled: Hook | None = None
    # The body holds a sign-in link (invitation, password reset): emptied once the message is sent.
    redact_after_send: bool = False
    webhook_target: Callable[["OutboundEmail"], "WebhookTarget | None"] | None = None


_KINDS: dict[str, OutboxKind] = {}


def outbox_kind_register(kind: OutboxKind) -> None:
    _KINDS[kind.name] = kind


def outbox_kind(name: str) -> OutboxKind:
    """The registered kind, or a plain one (no hooks) for a name no app registers any more."""
    return _KINDS.get(name) or OutboxKind(name=name, label=name)


def outbox_kind_choices() -> list[tuple[str, Any]]:
    return sorted(((kind.name, kind.label) for kind in _KINDS.values()), key=lambda choice: str(choice[1]))
