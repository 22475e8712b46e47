"""Answers recorded in apps.surveys reach the alert rules through its `response_recorded` signal.

The surveys app sits below alerts and may not call it; the signal is sent inside the
transaction that records the answer, so the alert's event and outbox messages commit with
the answer or not at all (nothing is lost between the two, nothing fires for a rolled-back answer).
"""

from typing import Any

from django.dispatch import receiver

from apps.alerts.services.events import alerts_answer_check
from apps.surveys.models import Response
from apps.surveys.signals import response_recorded


@receiver(response_recorded, dispatch_uid="alerts.answer_check")
def alerts_on_response(sender: Any, response: Response, **kwargs: Any) -> None:
    alerts_answer_check(response=response)
