import datetime as dt
import logging

from apps.cases.selectors import cases_unnotified_ids
from apps.cases.tasks import case_assignment_notify_task
from apps.surveys.sending import campaigns_run_due, invitation_emails_hand_out, invitations_schedule_from_encounters

logger = logging.getLogger(__name__)


def survey_dispatch_run(*, now: dt.datetime) -> list[int]:
    """One company's minute: create what is due, and return the ids of the emails to send now.

    Everything here is driven by rows, so a lost task message (a Redis restart)
    costs a minute or two: a run after HAND_OUT_AGAIN_AFTER finds the same rows again.
    """
    scheduled = invitations_schedule_from_encounters(now=now)
    invited = campaigns_run_due(now=now)
    for case_id in cases_unnotified_ids(older_than=now - dt.timedelta(minutes=2)):
        case_assignment_notify_task.delay(case_id=case_id)
    due = invitation_emails_hand_out(now=now)
    if scheduled or invited or due:
        logger.info(
            "survey dispatch: %s from encounters, %s from send-outs, %s emails due", scheduled, invited, len(due)
        )
    return due
