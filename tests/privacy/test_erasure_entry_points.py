"""Erasure from the customer page (typed confirmation), the API (admins only, idempotent) and the command."""

import io
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent, AuditLogEntry, AuditSource
from apps.customers.models import Customer
from apps.customers.services import customer_create
from apps.privacy.erasure import customer_erase
from tests.accounts.test_access import _token_for
from tests.privacy.conftest import EMAIL, NAME, PHONE, Everywhere

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db: None) -> Customer:
    return customer_create(full_name="Pirjo Poistettava", email="pirjo@example.fi", phone="040 555 1234")


@pytest.fixture(autouse=True)
def _english(monkeypatch: pytest.MonkeyPatch) -> None:
    """Clients read the pages in English unless a test asks for Finnish (the company's default)."""
    from tests.conftest import TenantClient

    original = TenantClient.__init__

    def english(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    monkeypatch.setattr(TenantClient, "__init__", english)


def _url(customer: Customer) -> str:
    return f"/api/v1/customers/{customer.pk}/erase/"


# --- The page ---------------------------------------------------------------------------------------


def test_admin_sees_the_erase_action_others_do_not(
    client_for: Any, company_admin: Any, manager: Any, person: Customer
) -> None:
    page = client_for(company_admin).get(reverse("customers:detail", args=[person.pk])).content.decode()
    assert reverse("privacy:customer_erase", args=[person.pk]) in page
    page = client_for(manager).get(reverse("customers:detail", args=[person.pk])).content.decode()
    assert reverse("privacy:customer_erase", args=[person.pk]) not in page
    assert client_for(manager).get(reverse("privacy:customer_erase", args=[person.pk])).status_code == 403
    assert (
        client_for(manager)
        .post(reverse("privacy:customer_erase", args=[person.pk]), {"confirmation": str(person.pk)})
        .status_code
        == 403
    )
    assert Customer.objects.get(pk=person.pk).erased_at is None


def test_the_page_explains_and_asks_for_the_typed_number(client_for: Any, company_admin: Any, person: Customer) -> None:
    client = client_for(company_admin)
    url = reverse("privacy:customer_erase", args=[person.pk])
    page = client.get(url).content.decode()
    assert "What is erased" in page and "What stays" in page

    for typed in ["", "erase", str(person.pk + 1)]:
        response = client.post(url, {"confirmation": typed})
        assert response.status_code == 400
        assert "confirmation" in response.context["form"].errors
    assert Customer.objects.get(pk=person.pk).erased_at is None
    assert not AuditLogEntry.objects.filter(event_type=AuditEvent.CUSTOMER_ERASED).exists()

    response = client.post(url, {"confirmation": f"#{person.pk}"}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Erased customer #{person.pk}" in page and "Pirjo" not in page and "pirjo@example.fi" not in page
    assert reverse("customers:update", args=[person.pk]) not in page
    entry = AuditLogEntry.objects.get(event_type=AuditEvent.CUSTOMER_ERASED)
    assert (entry.source, entry.acting_user_id, entry.target_id) == (AuditSource.WEB, company_admin.pk, str(person.pk))


def test_the_page_in_finnish(client_for: Any, company_admin: Any, person: Customer) -> None:
    client = client_for(company_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    url = reverse("privacy:customer_erase", args=[person.pk])
    page = client.get(url).content.decode()
    assert "Poista henkilötiedot" in page and "Mitä säilyy" in page
    response = client.post(url, {"confirmation": "x"})
    assert f"Kirjoita asiakasnumero {person.pk}" in response.content.decode()
    client.post(url, {"confirmation": str(person.pk)})
    detail = client.get(reverse("customers:detail", args=[person.pk])).content.decode()
    assert f"Poistettu asiakas #{person.pk}" in detail and "henkilötiedot on poistettu" in detail


def test_an_erased_customer_cannot_be_edited_back(client_for: Any, company_admin: Any, person: Customer) -> None:
    customer_erase(customer=person, acting_user=company_admin, source=AuditSource.WEB)
    client = client_for(company_admin)
    edit = reverse("customers:update", args=[person.pk])
    assert client.get(edit).status_code == 302
    response = client.post(
        edit, {"full_name": "Pirjo", "email": "pirjo@example.fi", "language": "fi", "new_segment": "Uusi"}
    )
    assert response.status_code == 302
    token = _token_for(company_admin)
    response = client_for().patch(
        f"/api/v1/customers/{person.pk}/",
        {"full_name": "Pirjo", "segment": "Toinen"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 400 and response.json()["code"] == "erased"
    person.refresh_from_db()
    assert (person.full_name, person.email, person.segment_id) == ("", "", None)
    from apps.customers.models import Segment

    assert not Segment.objects.filter(name__in=["Uusi", "Toinen"]).exists()


def test_lists_and_the_api_render_an_erased_customer(client_for: Any, company_admin: Any, person: Customer) -> None:
    customer_erase(customer=person, acting_user=company_admin, source=AuditSource.WEB)
    client = client_for(company_admin)
    page = client.get(reverse("customers:list")).content.decode()
    assert f"Erased customer #{person.pk}" in page
    token = _token_for(company_admin)
    listed = client_for().get("/api/v1/customers/", HTTP_AUTHORIZATION=f"Token {token}").json()
    row = next(row for row in listed["results"] if row["id"] == person.pk)
    assert row["full_name"] == "" and row["email"] == "" and row["erased_at"] is not None
    detail = client_for().get(f"/api/v1/customers/{person.pk}/", HTTP_AUTHORIZATION=f"Token {token}").json()
    assert detail["erased_at"] == row["erased_at"]


def test_the_timeline_and_cases_of_an_erased_customer(
    customer_everywhere: Everywhere, client_for: Any, company_admin: Any, manager: Any
) -> None:
    customer = customer_everywhere.customer
    customer_erase(customer=customer, acting_user=company_admin, source=AuditSource.WEB)
    for url in [
        reverse("customers:detail", args=[customer.pk]),
        reverse("cases:detail", args=[customer_everywhere.case.pk]),
        reverse("cases:list"),
    ]:
        response = client_for(manager).get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert NAME not in page and EMAIL not in page, url
    assert (
        f"Erased customer #{customer.pk}"
        in client_for(manager).get(reverse("cases:detail", args=[customer_everywhere.case.pk])).content.decode()
    )
    # The reason the system recorded stays; the one staff wrote about them is gone.
    cases = client_for(manager).get(reverse("cases:list") + "?status=all").content.decode()
    assert "Poor answer: NPS 2" in cases and "Opened by staff" in cases and PHONE not in cases


# --- The API ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["manager", "frontline"])
def test_only_an_admin_may_erase(request: Any, client_for: Any, role: str, person: Customer) -> None:
    user = request.getfixturevalue(role)
    assert client_for(user).post(_url(person)).status_code == 403
    token = _token_for(user)
    assert client_for().post(_url(person), HTTP_AUTHORIZATION=f"Token {token}").status_code == 403
    assert Customer.objects.get(pk=person.pk).erased_at is None


def test_admin_erases_through_the_api_once(client_for: Any, company_admin: Any, person: Customer) -> None:
    token = _token_for(company_admin)
    client = client_for()
    response = client.post(_url(person), HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["customer_id"] == person.pk and body["already_erased"] is False
    assert body["counts"] == {"customers.customer": 1}
    again = client.post(_url(person), HTTP_AUTHORIZATION=f"Token {token}").json()
    assert again["already_erased"] is True and again["counts"] == {} and again["erased_at"] == body["erased_at"]
    assert AuditLogEntry.objects.filter(event_type=AuditEvent.CUSTOMER_ERASED, source=AuditSource.API).count() == 1
    assert client.post("/api/v1/customers/999999/erase/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 404


def test_another_companys_admin_cannot_reach_this_companys_customer(
    client_for: Any, outsider: Any, tenant_alpha: Any, person: Customer
) -> None:
    token = _token_for(outsider)
    # Beta's admin's token on alpha's host counts for nothing.
    assert client_for(tenant=tenant_alpha).post(_url(person), HTTP_AUTHORIZATION=f"Token {token}").status_code in (
        401,
        403,
    )
    # On beta's host the id names a beta customer or none; alpha's customer is untouched either way.
    with schema_context("beta"):
        Customer.objects.filter(pk=person.pk).delete()
    assert client_for(outsider).post(_url(person), HTTP_AUTHORIZATION=f"Token {token}").status_code == 404
    assert Customer.objects.get(pk=person.pk).erased_at is None


# --- The command ---------------------------------------------------------------------------------------


def test_the_command_erases_by_id_and_email_with_a_dry_run_first(company_admin: Any) -> None:
    first = customer_create(full_name="Eka Poistettava", email="eka@example.fi")
    second = customer_create(full_name="Toka Poistettava", email="toka@example.fi")
    out = io.StringIO()
    call_command(
        "customer_erase", str(first.pk), "--schema", "alpha", "--by-email", "TOKA@example.fi", "--dry-run", stdout=out
    )
    assert "Would erase 2 customers" in out.getvalue() and "Dry run" in out.getvalue()
    assert Customer.objects.filter(pk__in=[first.pk, second.pk], erased_at__isnull=True).count() == 2
    assert not AuditLogEntry.objects.filter(event_type=AuditEvent.CUSTOMER_ERASED).exists()

    out = io.StringIO()
    call_command("customer_erase", str(first.pk), "--schema", "alpha", "--by-email", "toka@example.fi", stdout=out)
    assert "Erased 2 customers; 0 were erased before." in out.getvalue()
    assert "customers.customer: 2 rows" in out.getvalue()
    assert Customer.objects.filter(pk__in=[first.pk, second.pk], erased_at__isnull=False).count() == 2
    assert AuditLogEntry.objects.filter(event_type=AuditEvent.CUSTOMER_ERASED, source=AuditSource.COMMAND).count() == 2

    out = io.StringIO()
    call_command("customer_erase", str(first.pk), "--schema", "alpha", stdout=out)
    assert "Erased 0 customers; 1 were erased before." in out.getvalue()


def test_the_command_refuses_unknown_customers_and_companies() -> None:
    known = customer_create(full_name="Jää", email="jaa@example.fi")
    with pytest.raises(CommandError, match="No such customer: 999999"):
        call_command("customer_erase", str(known.pk), "999999", "--schema", "alpha")
    assert Customer.objects.get(pk=known.pk).erased_at is None
    with pytest.raises(CommandError, match="No company"):
        call_command("customer_erase", "1", "--schema", "nosuch")
    with pytest.raises(CommandError, match="at least one"):
        call_command("customer_erase", "--schema", "alpha")


# --- Copies elsewhere ----------------------------------------------------------------------------------


def test_history_copies_of_a_registered_model_are_erased_too(db: None) -> None:
    """Erasure reaches django-simple-history copies of any registered model that keeps history
    (here a touchpoint, registered for this test only)."""
    from apps.core.personal_data import DataKind, PersonalData, PersonalField
    from apps.privacy.erasure import _history_erase
    from tests.journeys.factories import map_build, touchpoint_named

    touchpoint = touchpoint_named(map_build(stages={"Käynti": ["Pirjon tiski"]}), "Pirjon tiski")
    touchpoint.name = "Pirjo Poistettavan tiski"
    touchpoint.save()
    history = touchpoint.history.model
    assert history.objects.filter(id=touchpoint.pk, name__startswith="Pirjo").count() == 2
    entry = PersonalData(
        model=type(touchpoint), customer=None, fields=(PersonalField("name", DataKind.IDENTITY, erased="(erased)"),)
    )
    assert entry.history_model() is history
    counts: dict[str, int] = {}
    _history_erase(entry, [touchpoint.pk], counts)
    assert counts == {history._meta.label_lower: 2}
    assert set(history.objects.filter(id=touchpoint.pk).values_list("name", flat=True)) == {"(erased)"}


def test_the_admin_shows_an_erased_customer_read_only(client_for: Any, company_admin: Any, person: Customer) -> None:
    customer_erase(customer=person, acting_user=company_admin, source=AuditSource.WEB)
    client = client_for(company_admin)
    url = f"/admin/customers/customer/{person.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="full_name"' not in page.content.decode()
    response = client.post(url, {"full_name": "Pirjo", "email": "pirjo@example.fi", "language": "fi"})
    assert response.status_code == 403
    person.refresh_from_db()
    assert (person.full_name, person.email) == ("", "")


def test_survey_and_case_emails_are_linked_to_their_customer(
    customer_everywhere: Everywhere, company_admin: Any, manager: Any
) -> None:
    """Senders link the emails (OutboundEmail.customer); the migrations link those queued before."""
    import importlib

    from django.apps import apps

    from apps.outbox.models import OutboundEmail

    customer = customer_everywhere.customer
    linked = OutboundEmail.objects.filter(customer=customer)
    assert set(linked.values_list("kind", flat=True)) == {"survey_invitation", "case_assigned"}
    assert linked.filter(kind="case_assigned").get().recipient == manager.email
    count = linked.count()

    OutboundEmail.objects.update(customer=None)
    for module in [
        "apps.surveys.migrations.0004_outbound_email_customer_fill",
        "apps.cases.migrations.0003_outbound_email_customer_fill",
    ]:
        importlib.import_module(module).outbound_customer_fill(apps, None)
    assert OutboundEmail.objects.filter(customer=customer).count() == count

    customer_erase(customer=customer, acting_user=company_admin, source=AuditSource.WEB)
    case_email = OutboundEmail.objects.get(kind="case_assigned", customer=customer)
    assert (case_email.recipient, case_email.subject, case_email.body_text) == (manager.email, "", "")
    assert set(linked.exclude(kind="case_assigned").values_list("recipient", flat=True)) == {""}


def test_import_files_lose_the_persons_rows_only(company_admin: Any) -> None:
    """The person's row is found by email (any case), phone (any format) or external id and becomes an
    empty row, so the other rows keep their numbers; a namesake with other details keeps theirs."""
    from apps.customers.importing import customer_import_create
    from apps.customers.models import CustomerImport

    person = customer_create(full_name="Åsa Öberg-Lind", email="asa.oberg@example.fi", phone="+358 40 700 8000")
    content = (
        "nimi;sähköposti;puhelin\n"
        "Åsa Öberg-Lind;ASA.OBERG@example.fi;\n"
        "Toinen Åsa;;040 700 8000\n"
        "Åsa;asa.muu@example.fi;050 111 2222\n"
        "Muu Henkilö;muu@example.fi;\n"
    ).encode()
    customer_import = customer_import_create(file_name="a.csv", content=content, created_by=company_admin)
    unrelated = customer_import_create(
        file_name="b.csv", content=b"name;email\nJoku;joku@example.fi\n", created_by=company_admin
    )
    result = customer_erase(customer=person, acting_user=company_admin, source=AuditSource.WEB)
    assert result.counts["customers.customerimport"] == 1
    text = bytes(CustomerImport.objects.get(pk=customer_import.pk).content).decode()
    assert text.splitlines() == [
        "nimi;sähköposti;puhelin",
        ";;",
        ";;",
        "Åsa;asa.muu@example.fi;050 111 2222",
        "Muu Henkilö;muu@example.fi;",
    ]
    assert bytes(CustomerImport.objects.get(pk=unrelated.pk).content) == b"name;email\nJoku;joku@example.fi\n"


def test_an_excel_file_in_windows_1252_is_found_read_and_kept_in_its_encoding(company_admin: Any) -> None:
    """A Finnish Excel file (Windows-1252) names the person by a name with å and ö: the person's
    export finds the line, and erasure empties it and leaves the rest of the file as Excel wrote it."""
    from apps.customers.importing import customer_import_create
    from apps.customers.models import CustomerImport
    from apps.privacy.person_mentions import customer_import_files

    person = customer_create(full_name="Åsa Öberg-Lind", email="asa.oberg@example.fi")
    lines = ["nimi;sähköposti;segmentti", "Åsa Öberg-Lind;;Ostot yli 100 €", "Märta Ek;marta@example.fi;"]
    content = "\r\n".join([*lines, ""]).encode("cp1252")
    customer_import = customer_import_create(file_name="excel.csv", content=content, created_by=company_admin)
    assert customer_import.report["encoding"] == "cp1252"
    assert [found["lines"] for found in customer_import_files(person)] == [[lines[1]]]

    result = customer_erase(customer=person, acting_user=company_admin, source=AuditSource.WEB)

    assert result.counts["customers.customerimport"] == 1
    kept = bytes(CustomerImport.objects.get(pk=customer_import.pk).content)
    assert kept.decode("cp1252").splitlines() == [lines[0], ";;", lines[2]]


def test_nothing_new_is_logged_for_an_erased_customer(client_for: Any, company_admin: Any, frontline: Any) -> None:
    from apps.encounters.models import Encounter
    from tests.journeys.factories import map_build, touchpoint_named

    touchpoint = touchpoint_named(map_build(stages={"Käynti": ["Tiski"]}), "Tiski")
    person = customer_create(full_name="Paluu Asiakas", email="paluu@example.fi")
    customer_erase(customer=person, acting_user=company_admin, source=AuditSource.WEB)
    response = client_for(frontline).post(
        "/api/v1/encounters/",
        {"customer": person.pk, "touchpoint": touchpoint.pk, "outcome": "resolved", "note": "Paluu Asiakas kävi."},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "erased" and "customer" in response.json()["fields"]
    assert not Encounter.objects.filter(customer=person).exists()
