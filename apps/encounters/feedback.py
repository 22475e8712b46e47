"""What came back from the customer after an encounter, contributed by the apps built on encounters.

The follow-up survey lives in apps.surveys, which builds on this app, so the
encounter pages cannot import it. Like the customer timeline, surveys register a
provider here (in its AppConfig.ready); the pages ask for the feedback of a whole
page of encounters at once, so a provider answers with one or two queries.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


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
