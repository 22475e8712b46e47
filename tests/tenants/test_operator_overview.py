"""The operators' admin: companies only (never the platform's own schema), its labels in Finnish,
and the companies-at-a-glance page."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from django_tenants.utils import get_public_schema_name, schema_context

from apps.accounts.models import User
from apps.customers.services import customer_create
from apps.encounters.models import Encounter, Outcome
from apps.encounters.services import encounter_log
from apps.surveys.selectors import survey_settings_get
from apps.surveys.sending import invitation_create
from apps.tenants.models import Tenant
from apps.tenants.selectors import company_overview_list
from tests.conftest import PASSWORD
from tests.factories import ResponseFactory
from tests.journeys.factories import map_build, touchpoint_named
from tests.surveys.conftest import survey_build

pytestmark = pytest.mark.django_db

OVERVIEW_URL = "/admin/overview/"


@pytest.fixture
def operator_client(public_client):
    with schema_context("public"):
        operator = User.objects.create_superuser("operator@kokemus.example", PASSWORD)
        public_client.force_login(operator)
    return public_client


def _speaking(client, language: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _public_tenant() -> Tenant:
    return Tenant.objects.get(schema_name=get_public_schema_name())


def test_the_public_tenant_is_not_listed_nor_editable(operator_client):
    public = _public_tenant()
    body = operator_client.get("/admin/tenants/tenant/").content.decode()
    assert "Alpha Katsastus Oy" in body
    assert f"/admin/tenants/tenant/{public.pk}/change/" not in body

    change = operator_client.get(f"/admin/tenants/tenant/{public.pk}/change/")
    assert change.status_code == 302  # the admin's "no such company", back to its index
    posted = operator_client.post(f"/admin/tenants/tenant/{public.pk}/change/", {"name": "Renamed"})
    assert posted.status_code == 302
    assert operator_client.get(f"/admin/tenants/tenant/{public.pk}/delete/").status_code in (302, 403)
    assert _public_tenant().name == public.name


def test_operator_admin_labels_come_in_finnish(operator_client):
    _speaking(operator_client, "fi")
    index = operator_client.get("/admin/").content.decode()
    assert "Ajastetut tehtävät" in index and "Periodic Tasks" not in index
    assert "Yritykset yhdellä silmäyksellä" in index
    companies = operator_client.get("/admin/tenants/tenant/").content.decode()
    assert "Skeeman nimi" in companies and "Luotu" in companies
    assert "Schema name" not in companies and "Created at" not in companies
    # The count reads as Finnish says it after a number ("2 riviä"), not "2 yritykset".
    assert re.search(r"\b\d+ rivi(ä)?\b", companies) and not re.search(r"\b\d+ yritykset\b", companies)
    with schema_context("public"):
        # One task, so that the list has its columns.
        every_minute = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
        PeriodicTask.objects.create(name="probe", task="celery.backend_cleanup", interval=every_minute)
    tasks = operator_client.get("/admin/django_celery_beat/periodictask/").content.decode()
    assert "Käytössä" in tasks and "Enabled" not in tasks
    assert "Aikataulu" in tasks and "Scheduler" not in tasks


def test_domain_help_text_names_the_base_domain_readably(operator_client):
    body = _speaking(operator_client, "en").get("/admin/tenants/tenant/add/").content.decode()
    assert "Leave empty for the identifier followed by .localhost, e.g. acme.localhost." in body
    assert "&lt;identifier&gt;" not in body and "<identifier>" not in body


def _activity_in_alpha(*, now: dt.datetime) -> None:
    path = map_build(stages={"Katsastus": ["Tarkastus"]})
    touchpoint = touchpoint_named(path, "Tarkastus")
    aino = customer_create(full_name="Aino", email="aino@example.fi", survey_consent=True)
    logged = [
        encounter_log(
            logged_by=None,
            customer=aino,
            touchpoint=touchpoint,
            outcome=Outcome.RESOLVED,
            occurred_at=now - dt.timedelta(days=days_ago),
            now=now,
        )
        for days_ago in (1, 2, 3)
    ]
    # One from before the window (the service takes only recent times).
    Encounter.objects.filter(pk=logged[-1].pk).update(occurred_at=now - dt.timedelta(days=40))
    survey = survey_build()
    invitation = invitation_create(survey=survey, customer=aino, send_at=now, now=now, rules=survey_settings_get())
    ResponseFactory(invitation=invitation, submitted_at=now - dt.timedelta(hours=3))


def test_overview_counts_each_company_in_one_query(tenant_alpha, tenant_beta, company_admin, frontline):
    now = timezone.now()
    _activity_in_alpha(now=now)
    User.objects.filter(pk=frontline.pk).update(is_active=False)
    active_users = User.objects.filter(is_active=True).count()
    with schema_context("beta"):
        beta_users = User.objects.filter(is_active=True).count()
    connection.set_schema_to_public()

    with CaptureQueriesContext(connection) as queries:
        rows = {row.tenant.schema_name: row for row in company_overview_list(days=30, now=now)}

    selects = [query["sql"] for query in queries if not query["sql"].startswith("SET search_path")]
    assert len(selects) == 3  # the companies, their sizes, and one batch of counts (20 companies a batch)
    assert get_public_schema_name() not in rows
    alpha, beta = rows["alpha"], rows["beta"]
    assert (alpha.users, alpha.encounters, alpha.answers) == (active_users, 2, 1)
    assert alpha.last_activity == now - dt.timedelta(hours=3)  # the answer, after the last encounter
    assert (beta.users, beta.encounters, beta.answers) == (beta_users, 0, 0)
    assert alpha.size_bytes > 0 and beta.size_bytes > 0


def test_overview_page_for_operators_only(operator_client, public_client, tenant_alpha):
    body = _speaking(operator_client, "en").get(OVERVIEW_URL).content.decode()
    assert "Companies at a glance" in body and "Alpha Katsastus Oy" in body and "Size on disk" in body
    assert f"/admin/tenants/tenant/{_public_tenant().pk}/change/" not in body
    assert 'href="/admin/overview/"' in operator_client.get("/admin/").content.decode()

    public_client.logout()
    anonymous = public_client.get(OVERVIEW_URL)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
