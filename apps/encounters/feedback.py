"""What came back from the customer after an encounter, contributed by the apps built on encounters.

The follow-up survey lives in apps.surveys and the follow-up case in apps.cases, which
build on this app, so the encounter pages cannot import them. Like the customer
timeline, they register a provider here (in their AppConfig.ready); the pages ask for
the feedback of a whole page of encounters at once, so a provider answers with one or
two queries.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Score:
    label: str
    value: int
    poor: bool = False


@dataclass
class EncounterFeedback:
    """The follow-up survey's state and the customer's answers, ready to show."""

    status: str
    status_label: str
    scores: list[Score] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    answered_at: object = None


FeedbackProvider = Callable[[list[int]], dict[int, EncounterFeedback]]
_providers: list[FeedbackProvider] = []


def encounter_feedback_provider_register(provider: FeedbackProvider) -> FeedbackProvider:
    """Add a source of feedback; usable as a decorator. Registering twice is harmless."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def encounter_feedback(*, encounter_ids: Iterable[int]) -> dict[int, EncounterFeedback]:
    """{encounter id: feedback} for the encounters that have any."""
    ids = list(encounter_ids)
    feedback: dict[int, EncounterFeedback] = {}
    if not ids:
        return feedback
    for provider in _providers:
        feedback.update(provider(ids))
    return feedback


@dataclass(frozen=True)
class EncounterFollowUp:
    """A follow-up case a poor answer after the encounter opened, ready to show."""

    url: str
    status: str
    status_label: str
    assignee: str
    due_at: dt.datetime | None


# (viewing user, encounter id) -> the follow-ups that user may see.
FollowUpProvider = Callable[[Any, int], list[EncounterFollowUp]]
_follow_up_providers: list[FollowUpProvider] = []


def encounter_follow_up_provider_register(provider: FollowUpProvider) -> FollowUpProvider:
    """Add a source of follow-ups; usable as a decorator. Registering twice is harmless."""
    if provider not in _follow_up_providers:
        _follow_up_providers.append(provider)
    return provider


def encounter_follow_ups(*, user: Any, encounter_id: int) -> list[EncounterFollowUp]:
    """The follow-ups of one encounter that `user` may see."""
    return [follow_up for provider in _follow_up_providers for follow_up in provider(user, encounter_id)]
