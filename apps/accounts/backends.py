"""The sign-in backend: Django's ModelBackend, loading the signed-in user with their location scope.

Every page reads its user once (AuthenticationMiddleware); what the menu, the capabilities and the
figures show a manager depends on their location scope (apps/accounts/scope.py). Read in the same
query as the user, the scope costs a page no query of its own.
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend

from apps.accounts.models import User
from apps.accounts.scope import users_with_location_scope


class UserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            user = users_with_location_scope(User._default_manager.all()).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
