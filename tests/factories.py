"""factory_boy factories. They write to the schema the ORM currently points at (alpha in tests)."""

from typing import Any

import factory

from apps.accounts.models import Role, User
from tests.conftest import PASSWORD


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person-{n}@example.test")
    full_name = factory.Faker("name", locale="fi_FI")
    role = Role.FRONTLINE
    is_active = True

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: Any) -> None:
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class AdminFactory(UserFactory):
    role = Role.ADMIN


class ManagerFactory(UserFactory):
    role = Role.MANAGER
