from django.db.models import QuerySet

from apps.accounts.models import User


def user_list(*, include_inactive: bool = True) -> QuerySet[User]:
    users = User.objects.all().order_by("full_name", "email")
    return users if include_inactive else users.filter(is_active=True)


def user_get(*, user_id: int) -> User | None:
    return User.objects.filter(pk=user_id).first()
