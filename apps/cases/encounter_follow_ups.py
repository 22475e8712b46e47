"""The follow-up cases of an encounter, for the encounter page (see apps/encounters/feedback.py)."""

from typing import Any

from django.urls import reverse

from apps.cases.selectors import case_list
from apps.encounters.feedback import EncounterFollowUp


def encounter_case_entries(user: Any, encounter_id: int) -> list[EncounterFollowUp]:
    """The cases a poor answer to the encounter's survey opened, as far as `user` may see them."""
    return [
        EncounterFollowUp(
            url=reverse("cases:detail", args=[case.pk]),
            status=case.status,
            status_label=case.get_status_display(),
            assignee=str(case.assignee) if case.assignee else "",
            due_at=case.due_at,
        )
        for case in case_list(user=user, encounter_id=encounter_id)
    ]
