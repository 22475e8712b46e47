import datetime as dt

from django.db.models import Q

from apps.outbox.models import OutboundStatus


def outbound_claimable_q(now: dt.datetime) -> Q:
    """Messages a worker may claim: queued and due, or stuck in sending past their lease (a dead worker)."""
    return Q(status=OutboundStatus.QUEUED, due_at__lte=now) | Q(status=OutboundStatus.SENDING, lease_until__lt=now)
