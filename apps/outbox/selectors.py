import datetime as dt

from django.db.models import Count, Q

from apps.outbox.models import OutboundEmail, OutboundStatus


def outbound_claimable_q(now: dt.datetime) -> Q:
    """Messages a worker may claim: queued and due, or stuck in sending past their lease (a dead worker)."""
    return Q(status=OutboundStatus.QUEUED, due_at__lte=now) | Q(status=OutboundStatus.SENDING, lease_until__lt=now)


def outbound_status_counts() -> dict[str, int]:
    """How many messages are in each state, for the admins' overview."""
    rows = OutboundEmail.objects.values("status").annotate(count=Count("id"))
    counts = {status: 0 for status in OutboundStatus.values}
    counts.update({row["status"]: row["count"] for row in rows})
    return counts
