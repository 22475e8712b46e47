"""Invitation on user creation and password reset, end to end through the emails' links."""

import re

import pytest
from django.core import mail

from apps.accounts.models import Role, User
from tests.conftest import PASSWORD, outbox_deliver_due
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Uusi-salasana-2026!"


def _link_path(body: str) -> str:
    match = re.search(r"https?://alpha\.testserver(/accounts/reset/[^/\s]+/[^/\s]+/)", body)
    assert match, body
    return match.group(1)


def _set_password_through(client, path: str, password: str):
    response = client.get(path)
    # Django swaps the token for a session marker and redirects to the form.
    assert response.status_code == 302
    form_url = response["Location"]
    assert client.get(form_url).status_code == 200
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_creating_a_user_on_the_page_sends_an_invitation_with_a_working_link(
    client_for, company_admin, anonymous_client
):
    response = client_for(company_admin).post(
        "/accounts/users/new/",
        {"email": "Newbie@Alpha.example", "full_name": "Noora Uusi", "role": Role.FRONTLINE, "language": "fi"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="newbie@alpha.example")
    assert not user.has_usable_password()

    outbox_deliver_due()
    assert len(mail.outbox) == 1
    invitation = mail.outbox[0]
    assert invitation.to == ["newbie@alpha.example"]
    assert "Alpha Katsastus Oy" in invitation.subject

    done = _set_password_through(anonymous_client, _link_path(invitation.body), NEW_PASSWORD)
    assert done.status_code == 302
    assert done["Location"] == "/accounts/reset/done/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    logged_in = anonymous_client.post("/accounts/login/", {"username": user.email, "password": NEW_PASSWORD})
    assert logged_in.status_code == 302


def test_a_failed_creation_sends_no_email(client_for, company_admin, frontline):
    client_for(company_admin).post(
        "/accounts/users/new/", {"email": frontline.email, "full_name": "", "role": Role.MANAGER, "language": ""}
    )
    outbox_deliver_due()
    assert mail.outbox == []


def test_password_reset_end_to_end(anonymous_client):
    user = UserFactory(email="forgetful@alpha.example")

    assert anonymous_client.get("/accounts/password-reset/").status_code == 200
    sent = anonymous_client.post("/accounts/password-reset/", {"email": "Forgetful@alpha.example"})
    assert sent.status_code == 302
    assert sent["Location"] == "/accounts/password-reset/sent/"
    outbox_deliver_due()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]

    weak = _set_password_through(anonymous_client, _link_path(mail.outbox[0].body), "123")
    assert weak.status_code == 200  # the form again with the validators' messages
    assert weak.context["form"].errors

    path = _link_path(mail.outbox[0].body)
    done = _set_password_through(anonymous_client, path, NEW_PASSWORD)
    assert done["Location"] == "/accounts/reset/done/"
    assert anonymous_client.get("/accounts/reset/done/").status_code == 200

    login = anonymous_client.post("/accounts/login/", {"username": user.email, "password": NEW_PASSWORD})
    assert login.status_code == 302
    assert anonymous_client.get("/").status_code == 200

    # the link works once
    reused = anonymous_client.get(path, follow=True)
    assert "validlink" in reused.context and not reused.context["validlink"]


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(anonymous_client):
    response = anonymous_client.post("/accounts/password-reset/", {"email": "nobody@alpha.example"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    outbox_deliver_due()
    assert mail.outbox == []


def test_password_reset_on_another_company_does_not_reach_the_user(client_for, tenant_beta, frontline):
    client_for(tenant=tenant_beta).post("/accounts/password-reset/", {"email": frontline.email})
    outbox_deliver_due()
    assert mail.outbox == []


def test_wrong_password_keeps_the_user_out(anonymous_client, frontline):
    response = anonymous_client.post("/accounts/login/", {"username": frontline.email, "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors
    login = anonymous_client.post("/accounts/login/", {"username": frontline.email, "password": PASSWORD})
    assert login.status_code == 302


def test_an_invitee_who_lost_the_invitation_can_ask_for_a_new_link(anonymous_client):
    from apps.accounts.services import user_create

    invitee = user_create(email="invitee@alpha.example")
    anonymous_client.post("/accounts/password-reset/", {"email": invitee.email})
    outbox_deliver_due()
    assert len(mail.outbox) == 1
    done = _set_password_through(anonymous_client, _link_path(mail.outbox[0].body), NEW_PASSWORD)
    assert done["Location"] == "/accounts/reset/done/"


def test_a_deactivated_user_gets_no_reset_link(anonymous_client):
    UserFactory(email="gone@alpha.example", is_active=False)
    anonymous_client.post("/accounts/password-reset/", {"email": "gone@alpha.example"})
    outbox_deliver_due()
    assert mail.outbox == []


def test_any_user_changes_their_own_password(client_for, frontline):
    client = client_for(frontline)
    assert client.get("/accounts/password/").status_code == 200
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    frontline.refresh_from_db()
    assert frontline.check_password(NEW_PASSWORD)
    assert client.get("/").status_code == 200  # still signed in


def test_password_change_needs_the_old_password(client_for, frontline):
    response = client_for(frontline).post(
        "/accounts/password/", {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]


def test_password_change_needs_login(anonymous_client):
    response = anonymous_client.get("/accounts/password/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_login_and_token_ignore_the_case_of_the_email(anonymous_client, frontline):
    shouted = frontline.email.upper()
    assert anonymous_client.post("/accounts/login/", {"username": shouted, "password": PASSWORD}).status_code == 302
    token = anonymous_client.post(
        "/api/v1/auth/token/", {"email": shouted, "password": PASSWORD}, content_type="application/json"
    )
    assert token.status_code == 200


def test_a_user_added_in_the_admin_gets_the_same_invitation(
    client_for, company_admin, anonymous_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(company_admin).post(
            "/admin/accounts/user/add/",
            {"email": "Admin.Added@Alpha.example", "full_name": "Aada", "role": Role.MANAGER, "language": "fi"},
        )
    assert response.status_code == 302
    outbox_deliver_due()
    assert [message.to for message in mail.outbox] == [["admin.added@alpha.example"]]
    done = _set_password_through(anonymous_client, _link_path(mail.outbox[0].body), NEW_PASSWORD)
    assert done["Location"] == "/accounts/reset/done/"


def test_a_user_created_through_the_api_is_invited_unless_told_not_to(client_for, company_admin):
    client = client_for(company_admin)
    response = client.post(
        "/api/v1/users/", {"email": "api.user@alpha.example", "role": Role.FRONTLINE}, content_type="application/json"
    )
    assert response.status_code == 201
    outbox_deliver_due()
    assert [message.to for message in mail.outbox] == [["api.user@alpha.example"]]
    response = client.post(
        "/api/v1/users/",
        {"email": "quiet.user@alpha.example", "role": Role.FRONTLINE, "invite": False},
        content_type="application/json",
    )
    assert response.status_code == 201
    outbox_deliver_due()
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(("full_name", "greeting"), [("Noora Uusi", "Hello Noora Uusi,"), ("", "Welcome to Kokemus!")])
def test_the_invitation_greets_by_name_or_welcomes_without_one(client_for, company_admin, full_name, greeting):
    client_for(company_admin).post(
        "/accounts/users/new/",
        {"email": "newbie@alpha.example", "full_name": full_name, "role": Role.FRONTLINE, "language": "en"},
    )
    outbox_deliver_due()
    body = mail.outbox[0].body
    assert body.startswith(greeting + "\n")
    assert "Hello," not in body
