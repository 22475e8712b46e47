"""Answers recorded in apps.surveys are tagged with the themes in the worker, after they commit
(`response_recorded`: the surveys app sits below themes and may not call it)."""

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from apps.surveys.models import Response
from apps.surveys.signals import response_recorded


@receiver(response_recorded, dispatch_uid="themes.response_tag")
def themes_on_response(sender: Any, response: Response, **kwargs: Any) -> None:
    from apps.themes.tasks import response_tag_task

    response_id = response.pk
    transaction.on_commit(lambda: response_tag_task.delay(response_id=response_id))
