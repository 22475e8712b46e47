"""Writes on company users and their API tokens.

Each runs in one transaction and raises DomainError on a broken rule.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import ApiToken, Role, Team, User
from apps.accounts.token_keys import key_digest, key_new, key_prefix
from apps.audit.models import AuditEvent
from apps.audit.services import audit_changes, audit_log_record
from apps.core.exceptions import DomainError


def _validated_email(email: str, *, exclude_user_id: int | None = None) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise DomainError(
            _("Enter a valid email address."), fields={"email": [_("Enter a valid email address.")]}
        ) from error
    taken = User.objects.filter(email__iexact=email)
    if exclude_user_id is not None:
        taken = taken.exclude(pk=exclude_user_id)
    if taken.exists():
        message = _("A user with this email already exists.")
        raise DomainError(message, code="duplicate", fields={"email": [message]})
    return email


def password_validate(password: str, *, user: User) -> None:
    """Raise DomainError with the validators' messages when `password` is too weak for `user`."""
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        raise DomainError(_("The password is too weak."), fields={"password": list(error.messages)}) from error


@transaction.atomic
def user_create(
    *,
    email: str,
    full_name: str = "",
    role: str = Role.FRONTLINE,
    password: str | None = None,
    language: str = "",
    team: Team | None = None,
    validate_password_strength: bool = True,
    acting_user: User | None = None,
) -> User:
    """Create a user in the current company. Without a password the user sets one by the reset link.

    Logged as the user's invitation by `acting_user` (None: the platform, e.g. a new company's first admin).
    """
    if role not in Role.values:
        raise DomainError(_("Unknown role."), fields={"role": [_("Unknown role.")]})
    user = User(
        email=_validated_email(email),
        full_name=full_name.strip(),
        role=role,
        language=language,
        team=_validated_team(team),
    )
    if password:
        if validate_password_strength:
            password_validate(password, user=user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_log_record(
        event_type=AuditEvent.USER_INVITED,
        acting_user=acting_user,
        modified_user=user,
        target=user,
        extra={"role": user.role, "team_id": user.team_id},
    )
    return user


def _validated_team(team: Team | None) -> Team | None:
    """The team, if it exists in this company (an unsaved or another schema's team is refused)."""
    if team is None:
        return None
    if team.pk is None or not Team.objects.filter(pk=team.pk, name=team.name).exists():
        message = _("Unknown team.")
        raise DomainError(message, code="unknown_team", fields={"team": [message]})
    return team


UserChange = str | bool | Team | None


def user_changes_validate(*, user: User, changes: dict[str, UserChange]) -> dict[str, UserChange]:
    """Check `changes` to `user` against the rules; return them normalised or raise DomainError.

    A company always keeps at least one active admin: the last one cannot be
    demoted or deactivated. Forms call this to show the problem on the form
    before anything is written (the admin site does).
    """
    allowed = {"email", "full_name", "role", "language", "is_active", "team"}
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    changes = dict(changes)
    if "email" in changes:
        changes["email"] = _validated_email(str(changes["email"]), exclude_user_id=user.pk)
    if "role" in changes and changes["role"] not in Role.values:
        raise DomainError(_("Unknown role."), fields={"role": [_("Unknown role.")]})
    if "team" in changes:
        team = changes["team"]
        if team is not None and not isinstance(team, Team):
            raise DomainError(_("Unknown team."), code="unknown_team", fields={"team": [_("Unknown team.")]})
        changes["team"] = _validated_team(team)

    loses_admin = (
        user.role == Role.ADMIN
        and user.is_active
        and (changes.get("role", Role.ADMIN) != Role.ADMIN or changes.get("is_active", True) is False)
    )
    if loses_admin:
        other_admins = User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk)
        if not other_admins.exists():
            raise DomainError(_("The company must keep at least one active admin."), code="last_admin")
    return changes


# Kept in the audit log with their old and new values; email and name only by their field names.
_USER_VALUES_KEPT = ("role", "is_active", "language", "team")


@transaction.atomic
def user_update(*, user: User, acting_user: User | None = None, **changes: UserChange) -> User:
    """Update a user's email, name, role, language, team or active flag (see user_changes_validate).

    Only the fields passed change: leaving `team` out keeps the team, `team=None` clears it.
    A role change, a deactivation or reactivation and any other change are each an audit entry.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.role == Role.ADMIN:
        # Lock the admins so two concurrent demotions cannot both pass the last-admin check.
        list(User.objects.select_for_update().filter(role=Role.ADMIN, is_active=True).values_list("pk", flat=True))
    changes = user_changes_validate(user=user, changes=changes)
    before = {field: getattr(user, field) for field in changes}
    for field, value in changes.items():
        setattr(user, field, value)
    user.save()
    _user_update_log(user=user, acting_user=acting_user, before=before, after=changes)
    return user


def _user_update_log(
    *, user: User, acting_user: User | None, before: dict[str, UserChange], after: dict[str, UserChange]
) -> None:
    changed = audit_changes(before=before, after=after, values_kept=_USER_VALUES_KEPT)
    names = set(changed.get("changed", []))
    if "role" in names:
        extra = {"changed": ["role"], "old": {"role": before["role"]}, "new": {"role": after["role"]}}
        audit_log_record(
            event_type=AuditEvent.USER_ROLE_CHANGED,
            acting_user=acting_user,
            modified_user=user,
            target=user,
            extra=extra,
        )
    if "is_active" in names:
        event = AuditEvent.USER_REACTIVATED if after["is_active"] else AuditEvent.USER_DEACTIVATED
        audit_log_record(event_type=event, acting_user=acting_user, modified_user=user, target=user)
    rest = sorted(names - {"role", "is_active"})
    if rest:
        extra = audit_changes(
            before={name: before[name] for name in rest},
            after={name: after[name] for name in rest},
            values_kept=_USER_VALUES_KEPT,
        )
        audit_log_record(
            event_type=AuditEvent.USER_CHANGED, acting_user=acting_user, modified_user=user, target=user, extra=extra
        )


_NOT_GIVEN = object()


def _validated_team_lead(lead: User | None) -> User | None:
    """A team lead is an active user of this company (an unsaved, inactive or another schema's user is
    refused)."""
    if lead is None:
        return None
    if lead.pk is None or not User.objects.filter(pk=lead.pk, email=lead.email, is_active=True).exists():
        message = _("The team lead must be an active user of the company.")
        raise DomainError(message, code="invalid_team_lead", fields={"lead": [message]})
    return lead


@transaction.atomic
def team_update(
    *, team: Team, name: str | None = None, lead: User | object | None = _NOT_GIVEN, acting_user: User | None = None
) -> Team:
    """Rename a team or set its lead (None: no lead). The lead is the first step up a late case's
    escalation (apps/cases/escalation.py). Only the arguments passed change; an audit entry each time."""
    team = Team.objects.select_for_update().get(pk=team.pk)
    changes: dict[str, object] = {}
    if name is not None:
        name = name.strip()
        if not name:
            message = _("Enter a name.")
            raise DomainError(message, code="required", fields={"name": [message]})
        if Team.objects.filter(name__iexact=name).exclude(pk=team.pk).exists():
            message = _("A team with this name already exists.")
            raise DomainError(message, code="duplicate", fields={"name": [message]})
        changes["name"] = name
    if lead is not _NOT_GIVEN:
        if lead is not None and not isinstance(lead, User):
            raise DomainError(_("Unknown user."), code="invalid_team_lead", fields={"lead": [_("Unknown user.")]})
        changes["lead"] = _validated_team_lead(lead)
    before = {"name": team.name, "lead": team.lead_id}
    after = {"name": changes.get("name", team.name), "lead": getattr(changes.get("lead", team.lead), "pk", None)}
    for field, value in changes.items():
        setattr(team, field, value)
    team.save()
    if before != after:
        audit_log_record(
            event_type=AuditEvent.SETTINGS_CHANGED,
            acting_user=acting_user,
            target=team,
            extra=audit_changes(before=before, after=after, values_kept=("lead",)),
        )
    return team


@transaction.atomic
def user_set_password(*, user: User, password: str) -> User:
    password_validate(password, user=user)
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def user_set_language(*, user: User, language: str) -> User:
    user.language = language
    user.save(update_fields=["language"])
    return user


# A token's last use is written at most this often, not on every request.
API_TOKEN_USE_RESOLUTION = dt.timedelta(minutes=1)


@transaction.atomic
def api_token_issue(
    *, user: User, name: str = "", expires_in_days: int | None = None, now: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a named token for `user`; return it with its key, which is never available again.

    It expires after `expires_in_days` (default API_TOKEN_DEFAULT_DAYS, at most API_TOKEN_MAX_DAYS).
    Only users issue their own tokens, so the owner is the actor of its audit entry.
    """
    days = settings.API_TOKEN_DEFAULT_DAYS if expires_in_days is None else expires_in_days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        message = _("Choose between 1 and %(max)s days.") % {"max": settings.API_TOKEN_MAX_DAYS}
        raise DomainError(message, code="invalid_expiry", fields={"expires_in_days": [message]})
    if not user.is_active:
        raise DomainError(_("An inactive user cannot have API tokens."), code="inactive_user")
    now = now or timezone.now()
    key = key_new()
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or _("API token"),
        prefix=key_prefix(key),
        digest=key_digest(key),
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    audit_log_record(
        event_type=AuditEvent.API_TOKEN_CREATED,
        acting_user=user,
        modified_user=user,
        target=token,
        extra={"expires_in_days": days},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int, now: dt.datetime | None = None) -> bool:
    """Revoke one of `user`'s own tokens; False when `user` has no such live token."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user, revoked_at__isnull=True).first()
    if token is None:
        return False
    token.revoked_at = now or timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_log_record(event_type=AuditEvent.API_TOKEN_REVOKED, acting_user=user, modified_user=user, target=token)
    return True


@transaction.atomic
def api_token_revoke_many(*, token_ids: list[int], acting_user: User | None, now: dt.datetime | None = None) -> int:
    """Revoke the given tokens of any user (the company admin's action); return how many were still live."""
    tokens = list(
        ApiToken.objects.select_for_update(of=("self",))
        .filter(pk__in=token_ids, revoked_at__isnull=True)
        .select_related("user")
    )
    revoked_at = now or timezone.now()
    ApiToken.objects.filter(pk__in=[token.pk for token in tokens]).update(revoked_at=revoked_at)
    for token in tokens:
        audit_log_record(
            event_type=AuditEvent.API_TOKEN_REVOKED, acting_user=acting_user, modified_user=token.user, target=token
        )
    return len(tokens)


def api_token_mark_used(*, token: ApiToken, now: dt.datetime | None = None) -> None:
    """Note that `token` was used, unless that was already noted less than a minute ago.

    One conditional UPDATE at most a minute, so a busy integration does not write on every request.
    """
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < API_TOKEN_USE_RESOLUTION:
        return
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - API_TOKEN_USE_RESOLUTION)
    ApiToken.objects.filter(stale, pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
