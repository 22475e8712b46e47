"""API tokens: named, expiring, shown once, stored only as a digest, listed and revoked by their owner."""

import datetime as dt
import hashlib

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from apps.accounts.models import ApiToken
from apps.accounts.services import api_token_issue
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC)


def _obtain(client, user, **extra):
    body = {"email": user.email, "password": PASSWORD, **extra}
    return client.post("/api/v1/auth/token/", body, content_type="application/json")


def _auth(key, scheme="Token"):
    return {"HTTP_AUTHORIZATION": f"{scheme} {key}", "HTTP_ACCEPT_LANGUAGE": "en"}


def _issue(user, **kwargs):
    with schema_context(user.tenant.schema_name):
        return api_token_issue(user=user, name=kwargs.pop("name", "Integration"), **kwargs)


def test_token_is_shown_once_and_only_its_digest_is_stored(client_for, manager):
    with time_machine.travel(NOW, tick=False):
        response = _obtain(client_for(), manager, name="Power BI", expires_in_days=30)

    assert response.status_code == 200
    issued = response.json()
    key = issued["token"]
    assert key.startswith("kok_") and len(key) >= 4 + 43  # at least 256 random bits after the prefix
    assert issued["name"] == "Power BI"
    assert issued["prefix"] == key[:12]
    assert issued["expires_at"].startswith("2026-10-01T")

    listing = client_for(manager).get("/api/v1/me/tokens/")
    assert listing.status_code == 200
    assert [(row["name"], row["prefix"]) for row in listing.json()["results"]] == [("Power BI", key[:12])]
    assert key not in listing.content.decode()
    assert "digest" not in listing.json()["results"][0]

    # Nothing in the company's token table holds the key; the digest is its SHA-256.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        rows = cursor.fetchall()
    assert rows and not any(key in str(value) for row in rows for value in row)
    assert ApiToken.objects.get().digest == hashlib.sha256(key.encode()).hexdigest()


def test_token_authenticates_with_token_or_bearer_scheme(client_for, frontline):
    _token, key = _issue(frontline)
    for scheme in ("Token", "Bearer"):
        response = client_for().get("/api/v1/me/", **_auth(key, scheme))
        assert response.status_code == 200
        assert response.json()["email"] == frontline.email


def test_expiry_defaults_to_90_days_and_is_at_most_a_year(client_for, manager):
    with time_machine.travel(NOW, tick=False):
        default = _obtain(client_for(), manager)
    assert default.json()["expires_at"].startswith("2026-11-30T")

    too_long = _obtain(client_for(), manager, expires_in_days=366)
    assert too_long.status_code == 400
    assert "expires_in_days" in too_long.json()["fields"]


def test_wrong_password_gets_no_token(client_for, manager):
    response = client_for().post(
        "/api/v1/auth/token/", {"email": manager.email, "password": "wrong"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"
    assert not ApiToken.objects.exists()


def test_expired_token_is_refused_with_the_error_body(client_for, frontline):
    with time_machine.travel(NOW, tick=False):
        _token, key = _issue(frontline, expires_in_days=30)
    with time_machine.travel(NOW + dt.timedelta(days=30, seconds=1), tick=False):
        response = client_for().get("/api/v1/me/", **_auth(key))
    assert response.status_code == 401
    assert response.json() == {"message": "This token has expired.", "code": "token_expired"}
    assert response["WWW-Authenticate"] == "Token"


def test_unknown_key_is_refused(client_for, frontline):
    _issue(frontline)
    response = client_for().get("/api/v1/me/", **_auth("kok_not-a-real-key"))
    assert response.status_code == 401
    assert response.json() == {"message": "Invalid token.", "code": "authentication_failed"}


def test_owner_revokes_own_token_and_it_stops_working(client_for, frontline):
    token, key = _issue(frontline)
    keep, kept_key = _issue(frontline, name="Other")

    response = client_for().delete(f"/api/v1/me/tokens/{token.pk}/", **_auth(kept_key))
    assert response.status_code == 204

    refused = client_for().get("/api/v1/me/", **_auth(key))
    assert refused.status_code == 401
    assert refused.json()["code"] == "token_revoked"
    listing = client_for(frontline).get("/api/v1/me/tokens/").json()["results"]
    assert [row["id"] for row in listing] == [keep.pk]


def test_another_users_token_cannot_be_revoked(client_for, manager, frontline):
    token, key = _issue(frontline)
    response = client_for(manager).delete(f"/api/v1/me/tokens/{token.pk}/")
    assert response.status_code == 404
    assert client_for().get("/api/v1/me/", **_auth(key)).status_code == 200
    assert client_for(manager).get("/api/v1/me/tokens/").json()["results"] == []


def test_another_companys_token_is_refused_and_cannot_be_revoked(client_for, outsider, frontline, tenant_alpha):
    _outsider_token, outsider_key = _issue(outsider)
    token, key = _issue(frontline)
    on_alpha = client_for(tenant=tenant_alpha)
    assert on_alpha.get("/api/v1/me/tokens/", **_auth(outsider_key)).status_code == 401
    assert on_alpha.delete(f"/api/v1/me/tokens/{token.pk}/", **_auth(outsider_key)).status_code == 401
    # On beta the same id can only name a beta token.
    client_for(outsider).delete(f"/api/v1/me/tokens/{token.pk}/")
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert on_alpha.get("/api/v1/me/", **_auth(key)).status_code == 200


def test_token_of_a_deactivated_user_is_refused(client_for, frontline):
    _token, key = _issue(frontline)
    frontline.is_active = False
    frontline.save()
    assert client_for().get("/api/v1/me/", **_auth(key)).status_code == 401


def test_last_use_is_written_at_most_once_a_minute(client_for, frontline):
    token, key = _issue(frontline)
    with time_machine.travel(NOW, tick=False):
        client_for().get("/api/v1/me/", **_auth(key))
    with time_machine.travel(NOW + dt.timedelta(seconds=59), tick=False):
        client_for().get("/api/v1/me/", **_auth(key))
    token.refresh_from_db()
    assert token.last_used_at == NOW

    with time_machine.travel(NOW + dt.timedelta(seconds=61), tick=False):
        client_for().get("/api/v1/me/", **_auth(key))
    token.refresh_from_db()
    assert token.last_used_at == NOW + dt.timedelta(seconds=61)


# --- The page on the user's account -------------------------------------------------------------


def test_page_creates_a_token_and_shows_its_key_once(client_for, frontline):
    client = client_for(frontline)
    response = client.post("/accounts/tokens/", {"name": "Kassajärjestelmä", "expires_in_days": "180"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=frontline)
    body = response.content.decode()
    key = body.split('data-testid="new-token-key">', 1)[1].split("<", 1)[0]
    assert key.startswith("kok_") and token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert "no-store" in response["Cache-Control"]
    assert (token.expires_at - token.created_at).days == 180

    again = client.get("/accounts/tokens/").content.decode()
    assert "Kassajärjestelmä" in again and token.prefix in again
    assert key not in again


def test_page_refuses_a_bad_expiry_with_a_form_error(client_for, frontline):
    response = client_for(frontline).post("/accounts/tokens/", {"name": "X", "expires_in_days": "9999"})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_page_revokes_own_token_but_not_anothers(client_for, manager, frontline):
    own, _key = _issue(frontline)
    others, _other_key = _issue(manager)
    client = client_for(frontline)

    assert client.post(f"/accounts/tokens/{others.pk}/revoke/").status_code == 404
    response = client.post(f"/accounts/tokens/{own.pk}/revoke/", follow=True)
    assert response.status_code == 200
    assert "API-avain mitätöitiin." in response.content.decode()
    assert ApiToken.objects.get(pk=own.pk).revoked_at is not None
    assert ApiToken.objects.get(pk=others.pk).revoked_at is None


def test_page_needs_login(anonymous_client):
    response = anonymous_client.get("/accounts/tokens/")
    assert response.status_code == 302
    assert "login" in response["Location"]


# --- The admin ------------------------------------------------------------------------------------


def test_company_admin_sees_and_revokes_tokens_without_any_key_or_digest(client_for, company_admin, frontline):
    token, key = _issue(frontline, name="Varasto")
    client = client_for(company_admin)

    listing = client.get("/admin/accounts/apitoken/")
    detail = client.get(f"/admin/accounts/apitoken/{token.pk}/change/")
    for response in (listing, detail):
        assert response.status_code == 200
        body = response.content.decode()
        assert "Varasto" in body and token.prefix in body
        assert key not in body and token.digest not in body

    client.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert client.get("/admin/authtoken/token/").status_code == 404


def test_manager_cannot_see_tokens_in_the_admin(client_for, manager, frontline):
    _issue(frontline)
    assert client_for(manager).get("/admin/accounts/apitoken/").status_code == 403


# --- Tokens issued before, by rest_framework.authtoken ---------------------------------------------


def test_migrated_token_keeps_working_and_the_plain_table_is_dropped(client_for, frontline):
    import importlib

    from django.apps import apps as django_apps

    migration = importlib.import_module("apps.accounts.migrations.0004_api_token_from_authtoken")
    old_key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamptz NOT NULL, user_id bigint)"
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, now(), %s)", [old_key, frontline.pk])
    with connection.schema_editor() as editor:
        migration.authtoken_to_api_tokens(django_apps, editor)

    response = client_for().get("/api/v1/me/", **_auth(old_key))
    assert response.status_code == 200 and response.json()["email"] == frontline.email
    token = ApiToken.objects.get(user=frontline)
    assert (token.name, token.prefix) == ("Migrated token", old_key[:8])
    assert token.expires_at > timezone.now() + dt.timedelta(days=89)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'alpha' "
            "AND table_name = 'authtoken_token'"
        )
        assert cursor.fetchone()[0] == 0


def test_migration_does_nothing_where_there_were_no_old_tokens(frontline):
    import importlib

    from django.apps import apps as django_apps

    migration = importlib.import_module("apps.accounts.migrations.0004_api_token_from_authtoken")
    with connection.schema_editor() as editor:
        migration.authtoken_to_api_tokens(django_apps, editor)
    assert not ApiToken.objects.exists()


def test_tokens_of_one_company_live_in_its_schema(tenant_beta, frontline):
    make_user(tenant_beta, role="frontline", email=frontline.email)
    _issue(frontline)
    with schema_context(tenant_beta.schema_name):
        assert not ApiToken.objects.exists()
