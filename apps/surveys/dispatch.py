import datetime as dt
import logging

from django.conf import settings

from apps.cases.selectors import cases_unnotified_ids
from apps.cases.tasks import case_assignment_notify_task
from apps.surveys.sending import (
    campaigns_run_due,
    invitation_batch_size,
    invitation_emails_hand_out,
    invitation_senders_active,
    invitations_schedule_from_encounters,
)

logger = logging.getLogger(__name__)


def survey_dispatch_run(*, now: dt.datetime) -> list[list[int]]:
    """One company's minute: create what is due, and return the batches of emails to send now.

    The emails go out in batches (one send task, one SMTP connection each), EMAIL_SEND_PARALLEL
    side by side; each send task hands out the next batch before it delivers its own, so a send-out goes
    on at the provider's rate instead of a batch a minute. While such tasks are at work this
    run hands out nothing. Everything here is driven by rows, so a lost task message (a Redis
    restart) costs a minute or two: a run after HAND_OUT_AGAIN_AFTER finds the same rows again.
    """
    scheduled = invitations_schedule_from_encounters(now=now)
    invited = campaigns_run_due(now=now)
    for case_id in cases_unnotified_ids(older_than=now - dt.timedelta(minutes=2)):
        case_assignment_notify_task.delay(case_id=case_id)
    size = invitation_batch_size()
    due = (
        []
        if invitation_senders_active(now=now)
        else invitation_emails_hand_out(now=now, limit=size * settings.EMAIL_SEND_PARALLEL)
    )
    if scheduled or invited or due:
        logger.info(
            "survey dispatch: %s from encounters, %s from send-outs, %s emails due", scheduled, invited, len(due)
        )
    return [due[start : start + size] for start in range(0, len(due), size)]
