"""Rules of the user services, through the service and through the pages that call it."""

import pytest

from apps.accounts.models import Role, User
from apps.accounts.services import user_create, user_set_password, user_update
from apps.core.exceptions import DomainError
from tests.factories import AdminFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def only_admin():
    # alpha's founder is also an admin; set it aside so this one is the last.
    User.objects.filter(role=Role.ADMIN).update(is_active=False)
    return AdminFactory()


def test_last_admin_cannot_be_demoted(only_admin):
    with pytest.raises(DomainError) as raised:
        user_update(user=only_admin, role=Role.MANAGER)
    assert raised.value.code == "last_admin"
    only_admin.refresh_from_db()
    assert only_admin.role == Role.ADMIN


def test_last_admin_cannot_be_deactivated(only_admin):
    with pytest.raises(DomainError):
        user_update(user=only_admin, is_active=False)
    only_admin.refresh_from_db()
    assert only_admin.is_active


def test_an_admin_can_be_demoted_while_another_remains(only_admin):
    AdminFactory()
    assert user_update(user=only_admin, role=Role.MANAGER).role == Role.MANAGER


def test_last_admin_rule_holds_on_the_page(client_for, only_admin):
    only_admin.tenant = None
    client = client_for(only_admin)
    client.cookies["django_language"] = "en"
    response = client.post(
        f"/accounts/users/{only_admin.pk}/",
        {"email": only_admin.email, "full_name": "", "role": Role.FRONTLINE, "language": "", "is_active": "on"},
    )
    assert response.status_code == 400
    assert "at least one active admin" in response.content.decode()


def test_duplicate_email_is_refused_whatever_its_case():
    UserFactory(email="taken@alpha.example")
    with pytest.raises(DomainError) as raised:
        user_create(email="  Taken@Alpha.example ", role=Role.MANAGER)
    assert raised.value.code == "duplicate"
    assert set(raised.value.fields) == {"email"}


def test_changing_email_to_a_taken_one_is_refused():
    UserFactory(email="taken@alpha.example")
    other = UserFactory()
    with pytest.raises(DomainError) as raised:
        user_update(user=other, email="taken@alpha.example")
    assert set(raised.value.fields) == {"email"}


def test_the_same_email_may_exist_in_another_company(outsider):
    created = user_create(email=outsider.email, role=Role.FRONTLINE)
    assert created.email == "outsider@beta.example"


def test_duplicate_email_on_the_page_shows_a_field_error(client_for, company_admin, frontline):
    response = client_for(company_admin).post(
        "/accounts/users/new/", {"email": frontline.email, "full_name": "", "role": Role.MANAGER, "language": ""}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["email"]


def test_duplicate_email_in_the_api_is_a_400_with_the_field(client_for, company_admin, frontline):
    response = client_for(company_admin).post(
        "/api/v1/users/", {"email": frontline.email, "role": "manager"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"email"}


def test_unknown_role_and_unknown_field_are_refused():
    user = UserFactory()
    with pytest.raises(DomainError):
        user_create(email="new@alpha.example", role="pilot")
    with pytest.raises(DomainError):
        user_update(user=user, is_superuser=True)


def test_user_without_password_must_set_one_by_link():
    assert not user_create(email="fresh@alpha.example").has_usable_password()


def test_weak_password_is_refused():
    user = UserFactory()
    with pytest.raises(DomainError) as raised:
        user_set_password(user=user, password="12345678")
    assert raised.value.fields["password"]
