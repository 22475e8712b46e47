from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, QuerySet

from apps.accounts.models import Team, User


def user_language(user: User | None) -> str:
    """The language to write to a user in: their own choice, else their company's, else the app's."""
    company = getattr(connection, "tenant", None)
    return (user.language if user else "") or getattr(company, "language", "") or settings.LANGUAGE_CODE


def user_list(*, include_inactive: bool = True) -> QuerySet[User]:
    users = User.objects.select_related("team").order_by("full_name", "email")
    return users if include_inactive else users.filter(is_active=True)


def user_get(*, user_id: int) -> User | None:
    return User.objects.filter(pk=user_id).first()


def team_list() -> QuerySet[Team]:
    """The company's teams by name, each with `member_count` (active members)."""
    return Team.objects.annotate(member_count=Count("members", filter=Q(members__is_active=True))).order_by("name")


def team_get(*, team_id: int) -> Team | None:
    return Team.objects.filter(pk=team_id).first()


def team_by_user_ids(*, user_ids: list[int] | set[int]) -> dict[int, Team | None]:
    """Each given user's team (None for a user without one); ids of unknown users are left out."""
    users = User.objects.filter(pk__in=list(user_ids)).select_related("team").only("pk", "team")
    return {user.pk: user.team for user in users}
