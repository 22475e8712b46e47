"""Answers recorded in apps.surveys make the cached key drivers out of date (`response_recorded`: the surveys
app sits below metrics and may not call it). Forgotten once the answer commits, so a reader in between
cannot cache the figures without it again."""

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from apps.metrics.key_drivers import key_drivers_forget
from apps.surveys.models import Response, ResponseSource
from apps.surveys.signals import response_recorded


@receiver(response_recorded, dispatch_uid="metrics.key_drivers_forget")
def key_drivers_on_response(sender: Any, response: Response, **kwargs: Any) -> None:
    # Only invited answers are read by the key drivers (an answer at a poster or kiosk is not).
    if response.source == ResponseSource.INVITED:
        transaction.on_commit(key_drivers_forget)
