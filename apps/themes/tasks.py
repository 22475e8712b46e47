"""Thin tasks: tag an answer's comments when it arrives, and retag a theme after a change."""

from apps.core.task_retry import DATABASE_AWAY_RETRY
from cxplatform.celery import app


@app.task(acks_late=True, **DATABASE_AWAY_RETRY)
def response_tag_task(*, response_id: int) -> int:
    from apps.themes.services import response_tag

    return response_tag(response_id=response_id)


@app.task(acks_late=True, **DATABASE_AWAY_RETRY)
def theme_retag_task(*, theme_id: int, run: int) -> bool:
    from apps.themes.services import theme_retag

    return theme_retag(theme_id=theme_id, run=run)
