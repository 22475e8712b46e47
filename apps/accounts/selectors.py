from collections.abc import Iterable

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, QuerySet

from apps.accounts.models import ApiToken, Role, Team, User
from apps.accounts.token_keys import key_digest


def user_language(user: User | None) -> str:
    """The language to write to a user in: their own choice, else their company's, else the app's."""
    company = getattr(connection, "tenant", None)
    return (user.language if user else "") or getattr(company, "language", "") or settings.LANGUAGE_CODE


def user_list(*, include_inactive: bool = True) -> QuerySet[User]:
    users = User.objects.select_related("team").order_by("full_name", "email")
    return users if include_inactive else users.filter(is_active=True)


def user_get(*, user_id: int) -> User | None:
    return User.objects.filter(pk=user_id).first()


def user_is_active(*, user_id: int) -> bool:
    """Whether the user exists in this company and may sign in (read now, not from a stale object)."""
    return User.objects.filter(pk=user_id, is_active=True).exists()


def user_by_email(*, email: str, include_inactive: bool = True) -> User | None:
    """The user with this email, in any letter case."""
    users = User.objects.filter(email__iexact=email.strip())
    return (users if include_inactive else users.filter(is_active=True)).first()


def user_admin_first() -> User | None:
    """The longest-standing active company admin: who takes the work nobody else owns."""
    return User.objects.filter(role=Role.ADMIN, is_active=True).order_by("date_joined", "id").first()


def user_names_by_ids(*, user_ids: Iterable[int | None]) -> dict[int, str]:
    """{id: display name} of these users (None and the ids of unknown users are left out)."""
    ids = {user_id for user_id in user_ids if user_id is not None}
    if not ids:
        return {}
    return {user.pk: str(user) for user in User.objects.filter(pk__in=ids)}


def team_list() -> QuerySet[Team]:
    """The company's teams by name, each with `member_count` (active members) and its lead."""
    return (
        Team.objects.select_related("lead")
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("name")
    )


def team_get(*, team_id: int) -> Team | None:
    return Team.objects.select_related("lead").filter(pk=team_id).first()


def team_by_user_ids(*, user_ids: list[int] | set[int]) -> dict[int, Team | None]:
    """Each given user's team (None for a user without one); ids of unknown users are left out."""
    users = User.objects.filter(pk__in=list(user_ids)).select_related("team").only("pk", "team")
    return {user.pk: user.team for user in users}


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """`user`'s own tokens that are not revoked, newest first (expired ones too, marked by their date)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at")


def api_token_for_key(*, key: str) -> ApiToken | None:
    """The token whose key is `key`, with its user, whatever its state; None for an unknown key.

    The lookup is by the key's digest, so a timing difference in the index can at
    most tell an attacker about digests, which do not lead back to a key.
    """
    return ApiToken.objects.select_related("user").filter(digest=key_digest(key)).first()
