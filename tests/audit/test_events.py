"""Each event is written by its real path (page, API, admin, command), with its actor, target and
details, in the action's transaction, and without personal data."""

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tenants.utils import schema_context

from apps.accounts.models import ApiToken, Role, User
from apps.accounts.services import api_token_issue, user_update
from apps.audit.models import AuditEvent, AuditSource
from apps.customers.models import CustomerImport
from apps.maturity.selectors import maturity_settings_get
from apps.surveys.selectors import survey_settings_get
from tests.audit.conftest import assert_no_personal_data, people_words, pick
from tests.conftest import PASSWORD, make_user
from tests.customers.conftest import FILES, inline_jobs  # noqa: F401 - a fixture
from tests.journeys.factories import map_build, touchpoint_named
from tests.surveys.conftest import survey_build

pytestmark = pytest.mark.django_db


def _login(client, email, password):
    return client.post("/accounts/login/", {"username": email, "password": password})


# --- sign-ins ---------------------------------------------------------------------


def test_sign_in_and_sign_out_on_the_login_page(anonymous_client, frontline, new_entries):
    assert _login(anonymous_client, frontline.email, PASSWORD).status_code == 302
    assert anonymous_client.post("/accounts/logout/").status_code == 302

    login, logout = new_entries()
    assert (login.event_type, login.acting_user_id, login.modified_user_id, login.source) == (
        AuditEvent.LOGIN,
        frontline.pk,
        frontline.pk,
        AuditSource.WEB,
    )
    assert (login.target_type, login.target_id) == ("accounts.user", str(frontline.pk))
    assert (logout.event_type, logout.acting_user_id) == (AuditEvent.LOGOUT, frontline.pk)


def test_failed_sign_in_keeps_the_users_id_never_what_was_typed(anonymous_client, frontline, new_entries):
    _login(anonymous_client, frontline.email.upper(), "wrong-password")
    _login(anonymous_client, "nobody.here@nowhere.example", "wrong-password")

    known, unknown = new_entries()
    assert (known.event_type, known.acting_user_id, known.modified_user_id) == (
        AuditEvent.LOGIN_FAILED,
        None,
        frontline.pk,
    )
    assert known.extra_data == {"known_user": True}
    assert (unknown.event_type, unknown.modified_user_id, unknown.target_id) == (AuditEvent.LOGIN_FAILED, None, "")
    assert unknown.extra_data == {"known_user": False}
    assert_no_personal_data(
        new_entries(), ["nobody.here", "nowhere.example", "wrong-password", *people_words(frontline)]
    )


def test_attempts_while_locked_out_are_logged_too(anonymous_client, frontline, new_entries):
    responses = [_login(anonymous_client, frontline.email, "wrong-password") for _ in range(6)]
    assert responses[-1].status_code == 429
    failed = new_entries(event_type=AuditEvent.LOGIN_FAILED)
    assert len(failed) == 6
    assert all(entry.modified_user_id == frontline.pk for entry in failed)


def test_token_endpoint_logs_a_sign_in_and_the_new_token(client_for, manager, new_entries):
    body = {"email": manager.email, "password": PASSWORD, "name": "Power BI", "expires_in_days": 30}
    response = client_for().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 200

    entries = new_entries()
    login, created = pick(entries, AuditEvent.LOGIN), pick(entries, AuditEvent.API_TOKEN_CREATED)
    assert (login.source, login.acting_user_id) == (AuditSource.API, manager.pk)
    token = ApiToken.objects.get()
    assert (created.acting_user_id, created.target_type, created.target_id) == (
        manager.pk,
        "accounts.apitoken",
        str(token.pk),
    )
    assert created.extra_data == {"expires_in_days": 30}
    assert_no_personal_data(entries, ["Power BI", token.prefix, response.json()["token"], *people_words(manager)])


def test_operators_sign_ins_are_logged_in_the_public_schema(public_client, new_entries):
    with schema_context("public"):
        operator = User.objects.create_superuser(email="operator@platform.example", password=PASSWORD)
    response = public_client.post("/admin/login/?next=/admin/", {"username": operator.email, "password": PASSWORD})
    assert response.status_code == 302
    public_client.post("/admin/login/", {"username": operator.email, "password": "wrong"})
    with schema_context("public"):
        from apps.audit.models import AuditLogEntry

        entries = list(AuditLogEntry.objects.filter(modified_user_id=operator.pk).order_by("id"))
        assert [(entry.event_type, entry.source) for entry in entries] == [
            (AuditEvent.LOGIN, AuditSource.ADMIN),
            (AuditEvent.LOGIN_FAILED, AuditSource.ADMIN),
        ]
        listing = public_client.get("/admin/audit/auditlogentry/")
        assert listing.status_code == 200
        assert public_client.get(f"/admin/audit/auditlogentry/{entries[0].pk}/change/").status_code == 200
        assert public_client.post(f"/admin/audit/auditlogentry/{entries[0].pk}/delete/").status_code == 403


# --- users and tokens -----------------------------------------------------------------


def test_users_page_logs_invitation_role_change_deactivation_and_reactivation(
    client_for, company_admin, new_entries, django_capture_on_commit_callbacks
):
    client = client_for(company_admin)
    data = {"email": "uusi.kayttaja@alpha.example", "full_name": "Uuno Uusikäyttäjä", "role": Role.FRONTLINE}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/accounts/users/new/", data).status_code == 302
    invited = User.objects.get(email="uusi.kayttaja@alpha.example")
    edit = {**data, "role": Role.MANAGER, "language": "", "team": "", "is_active": "on"}
    assert client.post(f"/accounts/users/{invited.pk}/", edit).status_code == 302
    assert client.post(f"/accounts/users/{invited.pk}/", {**edit, "is_active": ""}).status_code == 302
    assert client.post(f"/accounts/users/{invited.pk}/", edit).status_code == 302
    assert client.post(f"/accounts/users/{invited.pk}/", {**edit, "full_name": "Uuno Toinen"}).status_code == 302

    entries = new_entries()
    assert [entry.event_type for entry in entries] == [
        AuditEvent.USER_INVITED,
        AuditEvent.USER_ROLE_CHANGED,
        AuditEvent.USER_DEACTIVATED,
        AuditEvent.USER_REACTIVATED,
        AuditEvent.USER_CHANGED,
    ]
    assert all(entry.acting_user_id == company_admin.pk for entry in entries)
    assert all(entry.modified_user_id == invited.pk for entry in entries)
    assert all(entry.source == AuditSource.WEB for entry in entries)
    assert entries[0].extra_data == {"role": Role.FRONTLINE, "team_id": None}
    assert entries[1].extra_data == {
        "changed": ["role"],
        "old": {"role": Role.FRONTLINE},
        "new": {"role": Role.MANAGER},
    }
    assert entries[4].extra_data == {"changed": ["full_name"]}
    assert_no_personal_data(entries, ["Uuno", "Uusikäyttäjä", "Toinen", "uusi.kayttaja", *people_words(company_admin)])


def test_users_api_logs_with_the_api_as_source(client_for, company_admin, frontline, new_entries):
    client = client_for(company_admin)
    created = client.post(
        "/api/v1/users/",
        {"email": "api.user@alpha.example", "role": Role.FRONTLINE, "invite": False},
        content_type="application/json",
    )
    assert created.status_code == 201
    patched = client.patch(
        f"/api/v1/users/{frontline.pk}/", {"role": Role.ADMIN, "email": "new.mail@alpha.example"}, "application/json"
    )
    assert patched.status_code == 200

    entries = new_entries()
    assert [(entry.event_type, entry.source, entry.acting_user_id) for entry in entries] == [
        (AuditEvent.USER_INVITED, AuditSource.API, company_admin.pk),
        (AuditEvent.USER_ROLE_CHANGED, AuditSource.API, company_admin.pk),
        (AuditEvent.USER_CHANGED, AuditSource.API, company_admin.pk),
    ]
    assert entries[2].extra_data == {"changed": ["email"]}
    assert_no_personal_data(entries, ["api.user", "new.mail", *people_words(frontline, company_admin)])


def test_admin_site_changes_of_users_and_tokens_are_logged_from_the_admin(
    client_for, company_admin, frontline, new_entries
):
    token, _key = api_token_issue(user=frontline, name="Laptop")
    client = client_for(company_admin)
    data = {
        "email": frontline.email,
        "full_name": frontline.full_name,
        "role": Role.MANAGER,
        "language": "",
        "team": "",
        "is_active": "on",
    }
    assert client.post(f"/admin/accounts/user/{frontline.pk}/change/", data).status_code == 302
    revoke = {"action": "revoke", "_selected_action": [token.pk]}
    assert client.post("/admin/accounts/apitoken/", revoke).status_code == 302

    entries = new_entries()
    created, role, revoked = entries
    assert (created.event_type, created.acting_user_id, created.source) == (
        AuditEvent.API_TOKEN_CREATED,
        frontline.pk,
        AuditSource.COMMAND,  # issued here by the test itself, outside any request
    )
    assert (role.event_type, role.acting_user_id, role.source) == (
        AuditEvent.USER_ROLE_CHANGED,
        company_admin.pk,
        AuditSource.ADMIN,
    )
    assert (revoked.event_type, revoked.acting_user_id, revoked.modified_user_id, revoked.source) == (
        AuditEvent.API_TOKEN_REVOKED,
        company_admin.pk,
        frontline.pk,
        AuditSource.ADMIN,
    )
    assert revoked.target_id == str(token.pk)


def test_tokens_page_and_api_log_creation_and_revocation(client_for, manager, new_entries):
    client = client_for(manager)
    assert client.post("/accounts/tokens/", {"name": "Raportit", "expires_in_days": "90"}).status_code == 200
    token = ApiToken.objects.get(user=manager)
    assert client.delete(f"/api/v1/me/tokens/{token.pk}/").status_code == 204
    assert client.delete(f"/api/v1/me/tokens/{token.pk}/").status_code == 404  # already revoked: no second entry

    created, revoked = new_entries()
    assert (created.event_type, created.source, created.extra_data) == (
        AuditEvent.API_TOKEN_CREATED,
        AuditSource.WEB,
        {"expires_in_days": 90},
    )
    assert (revoked.event_type, revoked.source, revoked.acting_user_id, revoked.target_id) == (
        AuditEvent.API_TOKEN_REVOKED,
        AuditSource.API,
        manager.pk,
        str(token.pk),
    )


# --- imports, settings, owners --------------------------------------------------------------


def test_customer_import_by_command_logs_the_counts(new_entries):
    call_command("customers_import", "alpha", str(FILES / "bad_rows.csv"), "--commit-valid")
    entry = pick(new_entries(), AuditEvent.CUSTOMERS_IMPORTED)
    customer_import = CustomerImport.objects.get()
    assert (entry.source, entry.acting_user_id) == (AuditSource.COMMAND, None)
    assert (entry.target_type, entry.target_id) == ("customers.customerimport", str(customer_import.pk))
    assert entry.extra_data == {
        "mode": "valid_rows",
        "created": customer_import.created_count,
        "updated": customer_import.updated_count,
        "skipped": customer_import.skipped_count,
    }
    assert customer_import.created_count > 0
    lines = (FILES / "bad_rows.csv").read_text(encoding="utf-8").splitlines()[1:]
    values = {value.strip() for line in lines for value in line.split(";")[:3]}
    assert_no_personal_data(new_entries(), [value for value in values if len(value) > 3])


def test_customer_import_from_the_page_logs_who_confirmed_it(client_for, manager, new_entries, inline_jobs):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(manager)
    upload = SimpleUploadedFile("valid_en_comma.csv", (FILES / "valid_en_comma.csv").read_bytes(), "text/csv")
    with inline_jobs():
        client.post("/customers/import/", {"file": upload})
    customer_import = CustomerImport.objects.get()
    with inline_jobs():
        client.post(f"/customers/import/{customer_import.pk}/commit/")
    entry = pick(new_entries(), AuditEvent.CUSTOMERS_IMPORTED)
    customer_import.refresh_from_db()
    # Written by the background job the page started, in the name of who confirmed it.
    assert (entry.acting_user_id, entry.source) == (manager.pk, AuditSource.TASK)
    assert entry.extra_data["created"] == customer_import.created_count > 0


def test_settings_pages_log_changed_fields_with_their_values(client_for, company_admin, new_entries):
    client = client_for(company_admin)
    survey_rules = {
        "default_delay_minutes": "90",
        "quiet_hours_start": "21:30",
        "quiet_hours_end": "08:00",
        "frequency_cap_days": "30",
        "reminder_after_days": "3",
        "link_valid_days": "14",
        "nps_poor_max": "6",
        "csat_poor_max": "2",
        "ces_poor_max": "3",
        "case_due_working_days": "2",
        "case_escalate_after_working_days": "2",
        "invitation_channel": "email",
    }
    before = survey_settings_get()
    assert client.post("/surveys/settings/", survey_rules).status_code == 302
    thresholds = {"window_days": 60, "min_answers": 20, "max_overdue_cases": 2, "rollup_share_percent": 60}
    assert client.post("/dashboard/maturity-settings/", thresholds).status_code == 302
    company = {"name": "Alpha Katsastus Oy", "language": "en", "time_zone": "Europe/Helsinki"}
    assert client.post("/company/settings/", company).status_code == 302
    assert client.post("/company/settings/", company).status_code == 302  # nothing changed: no entry

    rules, maturity, company_entry = new_entries()
    assert (rules.event_type, rules.target_type, rules.acting_user_id) == (
        AuditEvent.SETTINGS_CHANGED,
        "surveys.surveysettings",
        company_admin.pk,
    )
    assert "default_delay_minutes" in rules.extra_data["changed"]
    assert rules.extra_data["old"]["default_delay_minutes"] == before.default_delay_minutes
    assert rules.extra_data["new"]["default_delay_minutes"] == 90
    assert (maturity.target_type, maturity.target_id) == ("maturity.maturitysettings", str(maturity_settings_get().pk))
    assert maturity.extra_data["new"] == {
        "min_answers": 20,
        "max_overdue_cases": 2,
        "rollup_share_percent": 60,
        "window_days": 60,
    }
    assert (company_entry.target_type, company_entry.extra_data) == (
        "tenants.tenant",
        {"changed": ["language"], "old": {"language": "fi"}, "new": {"language": "en"}},
    )


def test_company_name_change_is_logged_by_field_name_only(client_for, company_admin, new_entries):
    company = {"name": "Uusi Nimi Oy", "language": "fi", "time_zone": "Europe/Helsinki"}
    assert client_for(company_admin).post("/company/settings/", company).status_code == 302
    (entry,) = new_entries()
    assert entry.extra_data == {"changed": ["name"]}


def test_maturity_thresholds_in_the_admin_site(client_for, company_admin, new_entries):
    settings = maturity_settings_get()
    data = {"window_days": 30, "min_answers": 10, "max_overdue_cases": 0, "rollup_share_percent": 50}
    response = client_for(company_admin).post(f"/admin/maturity/maturitysettings/{settings.pk}/change/", data)
    assert response.status_code == 302
    (entry,) = new_entries()
    assert (entry.source, entry.acting_user_id, entry.event_type) == (
        AuditSource.ADMIN,
        company_admin.pk,
        AuditEvent.SETTINGS_CHANGED,
    )


def test_touchpoint_survey_rules_are_logged_by_touchpoint_id(client_for, manager, new_entries):
    survey = survey_build()
    path = map_build(stages={"Katsastus": ["Tarkastus", "Maksu"]})
    inspection, payment = touchpoint_named(path, "Tarkastus"), touchpoint_named(path, "Maksu")
    client = client_for(manager)
    data = {"touchpoint": [inspection.pk, payment.pk], f"delay_{inspection.pk}": "45", f"delay_{payment.pk}": ""}
    assert client.post(f"/surveys/{survey.pk}/touchpoints/", data).status_code == 302
    data = {"touchpoint": [inspection.pk], f"delay_{inspection.pk}": "60"}
    assert client.post(f"/surveys/{survey.pk}/touchpoints/", data).status_code == 302

    first, second = new_entries()
    assert (first.target_type, first.target_id, first.acting_user_id) == ("surveys.survey", str(survey.pk), manager.pk)
    assert first.extra_data["touchpoints_added"] == sorted([inspection.pk, payment.pk])
    assert second.extra_data["touchpoints_removed"] == [payment.pk]
    assert second.extra_data["delays_changed"] == [inspection.pk]
    assert second.extra_data["delay_minutes"] == {str(inspection.pk): 60}


def test_owner_changes_by_api_keep_the_user_ids(client_for, manager, frontline, company_admin, new_entries):
    path = map_build(stages={"Katsastus": ["Tarkastus"]})
    touchpoint = touchpoint_named(path, "Tarkastus")
    client = client_for(manager)
    url = f"/api/v1/touchpoints/{touchpoint.pk}/owner/"
    assert client.put(url, {"owner": frontline.pk}, "application/json").status_code == 200
    body = {"owner": company_admin.pk, "backup_owner": frontline.pk}
    assert client.put(url, body, "application/json").status_code == 200

    first, second = new_entries()
    assert (first.event_type, first.acting_user_id, first.modified_user_id, first.source) == (
        AuditEvent.OWNER_CHANGED,
        manager.pk,
        frontline.pk,
        AuditSource.API,
    )
    assert first.extra_data == {"changed": ["owner"], "old": {"owner": None}, "new": {"owner": frontline.pk}}
    assert second.extra_data["changed"] == ["backup_owner", "owner"]
    assert second.extra_data["new"] == {"owner": company_admin.pk, "backup_owner": frontline.pk}
    assert_no_personal_data(new_entries(), people_words(manager, frontline, company_admin))


def test_deactivation_with_handover_logs_the_handover_and_the_deactivation(client_for, manager, frontline, new_entries):
    path = map_build(stages={"Katsastus": ["Tarkastus"]})
    touchpoint = touchpoint_named(path, "Tarkastus")
    touchpoint.owner = frontline
    touchpoint.save(update_fields=["owner"])
    from apps.journeys.services.ownership import user_deactivate_with_handover

    user_deactivate_with_handover(user=frontline, to_user=manager, acting_user=manager)
    owner, deactivated = new_entries()
    assert (owner.event_type, owner.modified_user_id) == (AuditEvent.OWNER_CHANGED, manager.pk)
    assert (deactivated.event_type, deactivated.acting_user_id, deactivated.modified_user_id) == (
        AuditEvent.USER_DEACTIVATED,
        manager.pk,
        frontline.pk,
    )


# --- one transaction -------------------------------------------------------------------------


def test_a_rolled_back_action_leaves_no_entry(company_admin, frontline, new_entries):
    with pytest.raises(RuntimeError), transaction.atomic():
        user_update(user=frontline, role=Role.MANAGER, acting_user=company_admin)
        assert new_entries()  # written inside the action's transaction ...
        raise RuntimeError("the action fails later")
    assert new_entries() == []  # ... and gone with it
    frontline.refresh_from_db()
    assert frontline.role == Role.FRONTLINE


def test_a_refused_action_writes_nothing(client_for, company_admin, new_entries):
    # The last admin cannot be demoted: a form error, no change, no entry.
    for user in User.objects.filter(role=Role.ADMIN).exclude(pk=company_admin.pk):
        user_update(user=user, role=Role.MANAGER)
    before = len(new_entries())
    data = {"email": company_admin.email, "role": Role.MANAGER, "is_active": "on"}
    assert client_for(company_admin).post(f"/accounts/users/{company_admin.pk}/", data).status_code == 400
    assert len(new_entries()) == before


def test_a_user_of_another_company_is_logged_there_only(client_for, outsider, tenant_beta, new_entries):
    other = make_user(tenant_beta, role=Role.FRONTLINE, email="someone@beta.example")
    client = client_for(outsider)
    data = {"email": other.email, "full_name": other.full_name, "role": Role.MANAGER, "is_active": "on"}
    assert client.post(f"/accounts/users/{other.pk}/", data).status_code == 302
    assert new_entries() == []  # alpha's log
    with schema_context("beta"):
        from apps.audit.models import AuditLogEntry

        assert AuditLogEntry.objects.filter(event_type=AuditEvent.USER_ROLE_CHANGED, modified_user_id=other.pk).exists()


def test_an_operators_change_of_a_company_is_in_the_operators_log(public_client):
    with schema_context("public"):
        operator = User.objects.create_superuser(email="operator@platform.example", password=PASSWORD)
        public_client.force_login(operator)
        from apps.audit.models import AuditLogEntry
        from apps.tenants.models import Tenant

        beta = Tenant.objects.get(schema_name="beta")
        url = f"/admin/tenants/tenant/{beta.pk}/change/"
        page = public_client.get(url)
        data = {name: value for name, value in page.context["adminform"].form.initial.items() if value is not None}
        for formset in page.context["inline_admin_formsets"]:
            management = formset.formset.management_form
            data.update({f"{management.prefix}-{key}": value for key, value in management.initial.items()})
            for index, form in enumerate(formset.formset.forms):
                for name, value in form.initial.items():
                    data[f"{formset.formset.prefix}-{index}-{name}"] = "" if value is None else value
                data[f"{formset.formset.prefix}-{index}-id"] = form.instance.pk
        data.update({"language": "en", "name": "Beta Palvelu Oy (uusi)"})
        data = {key: value for key, value in data.items() if not isinstance(value, bool) or value}
        response = public_client.post(url, data)
        assert response.status_code == 302
        entry = AuditLogEntry.objects.filter(target_type="tenants.tenant", target_id=str(beta.pk)).latest("id")
    assert (entry.event_type, entry.acting_user_id, entry.source) == (
        AuditEvent.SETTINGS_CHANGED,
        operator.pk,
        AuditSource.ADMIN,
    )
    assert entry.extra_data == {"changed": ["language", "name"], "old": {"language": "fi"}, "new": {"language": "en"}}


def test_the_audit_log_page_reads_touchpoint_survey_rules(client_for, manager, company_admin, new_entries):
    """Their extra holds lists of ids and names the survey's reverse relation: both read, no error."""
    survey = survey_build()
    path = map_build(stages={"Katsastus": ["Tarkastus"]})
    inspection = touchpoint_named(path, "Tarkastus")
    data = {"touchpoint": [inspection.pk], f"delay_{inspection.pk}": "45"}
    assert client_for(manager).post(f"/surveys/{survey.pk}/touchpoints/", data).status_code == 302
    client = client_for(company_admin)
    client.cookies["django_language"] = "en"
    page = client.get("/company/audit-log/")
    assert page.status_code == 200
    assert f"Touchpoints added: {inspection.pk}" in page.content.decode()
