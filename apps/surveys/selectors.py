import datetime as dt

from django.db.models import Q, QuerySet

from apps.surveys.models import EmailStatus, Invitation, InvitationEmail, Survey, SurveySettings
from apps.surveys.tokens import token_hash, token_looks_valid


def survey_settings_get() -> SurveySettings:
    """The company's survey rules, created with the defaults on first use."""
    settings, _created = SurveySettings.objects.get_or_create(singleton=True)
    return settings


def survey_list(*, active_only: bool = False) -> QuerySet[Survey]:
    surveys = Survey.objects.prefetch_related("questions").order_by("name")
    return surveys.filter(is_active=True) if active_only else surveys


def invitation_by_token(*, token: str) -> Invitation | None:
    """The invitation a link points to, or None for a malformed or unknown token."""
    if not token_looks_valid(token):
        return None
    return (
        Invitation.objects.select_related("survey", "customer", "touchpoint")
        .filter(token_hash=token_hash(token))
        .first()
    )


def claimable_emails_q(now: dt.datetime) -> Q:
    """Emails a worker may claim: due and scheduled, or stuck in sending past their lease."""
    return Q(status=EmailStatus.SCHEDULED, due_at__lte=now) | Q(status=EmailStatus.SENDING, lease_until__lt=now)


def invitation_emails_due_ids(*, now: dt.datetime, limit: int = 200) -> list[int]:
    """Emails whose time has come, and those whose sender died mid-send (lease expired)."""
    return list(
        InvitationEmail.objects.filter(claimable_emails_q(now))
        .order_by("due_at", "id")
        .values_list("id", flat=True)[:limit]
    )
