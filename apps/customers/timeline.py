"""A customer's timeline: typed entries that later domains contribute.

Encounters, survey invitations, answers and follow-up cases live in apps that
build on customers, so this app cannot import them. Each of those apps registers a
provider here (in its AppConfig.ready); the profile page shows what they return.
Until they exist the timeline is empty. A provider gets the viewing user too: a manager scoped to
some locations sees only the entries of those (apps/accounts/scope.py).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.customers.models import Customer


class TimelineKind(models.TextChoices):
    ENCOUNTER = "encounter", _("Encounter")
    INVITATION = "invitation", _("Survey invitation")
    ANSWER = "answer", _("Survey answer")
    CASE = "case", _("Follow-up case")
    CONSENT = "consent", _("Consent")


@dataclass(frozen=True)
class TimelineEntry:
    kind: TimelineKind
    at: datetime
    title: str
    detail: str = ""
    url: str = ""


TimelineProvider = Callable[[Customer, User], Iterable[TimelineEntry]]
_providers: list[TimelineProvider] = []


def timeline_provider_register(provider: TimelineProvider) -> TimelineProvider:
    """Add a source of timeline entries; usable as a decorator. Registering twice is harmless."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def customer_timeline(*, customer: Customer, user: User, limit: int = 100) -> list[TimelineEntry]:
    """The customer's newest entries first that `user` may see, from every registered provider."""
    entries = [entry for provider in _providers for entry in provider(customer, user)]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]
