"""Scoped managers: the scope's resolution, who sees what, and how admins set it (page, API, audit)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.backends import UserBackend
from apps.accounts.models import User
from apps.accounts.scope import scoped, user_location_scope
from apps.audit.models import AuditEvent, AuditLogEntry
from apps.cases.reasons import CaseReason
from apps.cases.selectors import case_list
from apps.cases.services import case_open
from apps.core.exceptions import DomainError
from apps.customers.models import Customer
from apps.customers.selectors import customer_list
from apps.customers.services import customer_create
from apps.encounters.selectors import encounter_list
from apps.encounters.services import encounter_log
from apps.journeys.models import Touchpoint
from apps.locations.models import Location, LocationScope
from apps.locations.services import location_scope_set, region_delete
from apps.personas.models import BuyerPersona
from tests.factories import InvitationFactory, ResponseFactory
from tests.journeys.factories import map_build
from tests.locations.factories import location_build, region_path_build
from tests.metrics.factories import scored_survey_build

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def chain(frontline: User) -> dict[str, Any]:
    """Uusimaa > Helsinki (Konala), Uusimaa (Espoo), Pirkanmaa (Tampere); a customer met at each, one met
    nowhere, and an encounter with no location."""
    map_build(name="Katsastus", stages={"Asemalla": ["Tiski"]})
    touchpoint = Touchpoint.objects.get(name="Tiski")
    helsinki = region_path_build("Uusimaa", "Helsinki")
    places = {
        "konala": location_build(name="Konala", region=helsinki),
        "espoo": location_build(name="Espoo", region=helsinki.parent),
        "tampere": location_build(name="Tampere", region=region_path_build("Pirkanmaa")),
    }
    customers, encounters = {}, {}
    for key, place in places.items():
        customers[key] = customer_create(full_name=f"Asiakas {key}", email=f"{key}@example.fi")
        encounters[key] = encounter_log(
            logged_by=frontline, customer=customers[key], touchpoint=touchpoint, outcome="resolved", location=place
        )
    customers["nowhere"] = customer_create(full_name="Asiakas nowhere", email="nowhere@example.fi")
    encounters["nowhere"] = encounter_log(
        logged_by=frontline, customer=customers["nowhere"], touchpoint=touchpoint, outcome="resolved"
    )
    return {
        "touchpoint": touchpoint,
        "helsinki": helsinki,
        "places": places,
        "customers": customers,
        "encounters": encounters,
    }


def _names(queryset: Any) -> set[str]:
    return {str(row) for row in queryset}


def test_a_manager_without_a_scope_sees_the_whole_company(chain, manager) -> None:
    assert user_location_scope(manager) is None
    assert encounter_list(user=manager).count() == 4
    assert customer_list(user=manager).count() == 4


def test_a_region_takes_in_every_location_below_it_also_ones_added_later(chain, manager) -> None:
    uusimaa = chain["helsinki"].parent
    location_scope_set(user=manager, regions=[uusimaa], locations=[], acting_user=None)
    places = chain["places"]
    assert user_location_scope(manager) == {places["konala"].pk, places["espoo"].pk}
    later = location_build(name="Vantaa", region=uusimaa)
    manager = User.objects.get(pk=manager.pk)  # the next request's user
    assert later.pk in user_location_scope(manager)


def _signed_in(user: User) -> User:
    """`user` as a page's request loads them (AuthenticationMiddleware through the backend)."""
    loaded = UserBackend().get_user(user.pk)
    assert loaded is not None
    return loaded


def _reads(queries: CaptureQueriesContext) -> int:
    """The statements that read rows (the connection may first set its search path)."""
    return sum(1 for query in queries.captured_queries if not query["sql"].startswith("SET "))


def test_the_signed_in_user_brings_their_scope_along_without_a_query_of_its_own(chain, manager) -> None:
    places = chain["places"]
    with CaptureQueriesContext(connection) as queries:
        assert user_location_scope(_signed_in(manager)) is None
    assert _reads(queries) == 1  # the user's own row
    location_scope_set(user=manager, regions=[], locations=[places["tampere"], places["espoo"]], acting_user=None)
    with CaptureQueriesContext(connection) as queries:
        assert user_location_scope(_signed_in(manager)) == {places["tampere"].pk, places["espoo"].pk}
    assert _reads(queries) == 1
    # A region is resolved when read: one query for the locations below it.
    location_scope_set(user=manager, regions=[chain["helsinki"]], locations=[places["tampere"]], acting_user=None)
    with CaptureQueriesContext(connection) as queries:
        assert user_location_scope(_signed_in(manager)) == {places["konala"].pk, places["tampere"].pk}
    assert _reads(queries) == 2


def test_a_scope_changed_during_the_request_is_read_again_not_taken_from_the_sign_in(chain, manager) -> None:
    places = chain["places"]
    signed_in = _signed_in(manager)
    assert user_location_scope(signed_in) is None
    location_scope_set(user=signed_in, regions=[], locations=[places["konala"]], acting_user=None)
    assert user_location_scope(signed_in) == {places["konala"].pk}
    location_scope_set(user=signed_in, regions=[], locations=[], acting_user=None)
    assert user_location_scope(signed_in) is None


def test_regions_and_locations_add_up(chain, manager) -> None:
    places = chain["places"]
    location_scope_set(user=manager, regions=[chain["helsinki"]], locations=[places["tampere"]], acting_user=None)
    assert user_location_scope(manager) == {places["konala"].pk, places["tampere"].pk}


def test_a_scoped_manager_sees_the_encounters_customers_cases_and_answers_there_only(chain, manager) -> None:
    places, customers, encounters = chain["places"], chain["customers"], chain["encounters"]
    case_open(
        customer=customers["tampere"],
        touchpoint=chain["touchpoint"],
        encounter=encounters["tampere"],
        reason=CaseReason.written("Jono"),
        due_working_days=2,
    )
    konala_case = case_open(
        customer=customers["konala"],
        touchpoint=chain["touchpoint"],
        encounter=encounters["konala"],
        reason=CaseReason.written("Jono"),
        due_working_days=2,
    )
    location_scope_set(user=manager, regions=[], locations=[places["konala"]], acting_user=None)

    assert list(encounter_list(user=manager)) == [encounters["konala"]]
    assert list(customer_list(user=manager)) == [customers["konala"]]
    assert [case.pk for case in case_list(user=manager)] == [konala_case.pk]
    # The encounter with no location is no scoped manager's; an unscoped one still sees it.
    assert encounters["nowhere"] not in encounter_list(user=manager)


def test_a_customer_answering_after_an_encounter_there_is_met_there(chain, manager) -> None:
    places = chain["places"]
    walk_in = customer_create(full_name="Vastaaja", email="vastaaja@example.fi")
    invitation = InvitationFactory(
        survey=scored_survey_build(), customer=walk_in, encounter=chain["encounters"]["espoo"], sent_at=timezone.now()
    )
    ResponseFactory(invitation=invitation, language="fi", submitted_at=timezone.now())
    location_scope_set(user=manager, regions=[], locations=[places["espoo"]], acting_user=None)
    assert _names(customer_list(user=manager)) == {"Asiakas espoo", "Vastaaja"}


def test_a_case_assigned_to_the_scoped_manager_is_theirs_wherever_it_happened(chain, manager) -> None:
    case = case_open(
        customer=chain["customers"]["tampere"],
        touchpoint=chain["touchpoint"],
        encounter=chain["encounters"]["tampere"],
        reason=CaseReason.written("Jono"),
        due_working_days=2,
    )
    case.assignee = manager
    case.save(update_fields=["assignee"])
    location_scope_set(user=manager, regions=[], locations=[chain["places"]["konala"]], acting_user=None)
    assert [row.pk for row in case_list(user=manager)] == [case.pk]


def test_an_empty_region_scope_sees_nothing_not_everything(manager) -> None:
    empty = region_path_build("Lappi")
    location_scope_set(user=manager, regions=[empty], locations=[], acting_user=None)
    assert user_location_scope(manager) == frozenset()
    assert encounter_list(user=manager).count() == 0


def test_admins_and_frontline_staff_are_not_scoped(chain, company_admin, frontline) -> None:
    assert user_location_scope(company_admin) is None
    assert user_location_scope(frontline) is None
    # Frontline staff see their own encounters, as before.
    assert encounter_list(user=frontline).count() == 4


def test_only_a_manager_is_scoped(chain, frontline, company_admin) -> None:
    for person in (frontline, company_admin):
        with pytest.raises(DomainError) as refused:
            location_scope_set(user=person, regions=[], locations=[chain["places"]["konala"]], acting_user=None)
        assert refused.value.code == "not_a_manager"
    assert not LocationScope.objects.exists()


def test_a_model_that_names_no_scope_is_refused_not_shown_whole(chain, manager) -> None:
    location_scope_set(user=manager, regions=[], locations=[chain["places"]["konala"]], acting_user=None)
    with pytest.raises(ImproperlyConfigured):
        scoped(BuyerPersona.objects.all(), user=manager)


def test_every_model_read_by_location_names_its_scope() -> None:
    from apps.cases.models import FollowUpCase
    from apps.encounters.models import Encounter
    from apps.pos.models import KioskDevice, OpenLink, PointAnswer
    from apps.surveys.models import Invitation, Response

    for model in (Encounter, Customer, FollowUpCase, Invitation, Response, OpenLink, KioskDevice, PointAnswer):
        assert callable(getattr(model, "location_scope_q", None)), model


def test_a_region_in_somebodys_scope_is_not_removed(manager) -> None:
    lappi = region_path_build("Lappi")
    location_scope_set(user=manager, regions=[lappi], locations=[], acting_user=None)
    with pytest.raises(DomainError) as refused:
        region_delete(region=lappi)
    assert refused.value.code == "region_in_scope"


def test_a_scoped_manager_does_not_manage_locations_nor_use_the_admin(
    chain, client_for: Callable[..., Any], manager
) -> None:
    location_scope_set(user=manager, regions=[], locations=[chain["places"]["konala"]], acting_user=None)
    client = client_for(manager)
    assert client.get("/company/locations/").status_code == 403
    tampere = chain["places"]["tampere"]
    moved = client.patch(
        f"{API}/locations/{tampere.pk}/", {"region": chain["helsinki"].pk}, content_type="application/json"
    )
    assert moved.status_code == 403
    assert Location.objects.get(pk=tampere.pk).region_id != chain["helsinki"].pk
    assert not User.objects.get(pk=manager.pk).is_staff


def test_the_admin_sets_the_scope_on_the_users_page_and_it_is_audited(
    chain, client_for: Callable[..., Any], company_admin, manager
) -> None:
    client = client_for(company_admin)
    user_page = client.get(f"/accounts/users/{manager.pk}/").content.decode()
    assert f"/company/locations/scope/{manager.pk}/" in user_page
    page = client.get(f"/company/locations/scope/{manager.pk}/")
    assert page.status_code == 200 and "Konala" in page.content.decode()
    uusimaa = chain["helsinki"].parent
    tampere = chain["places"]["tampere"]
    saved = client.post(f"/company/locations/scope/{manager.pk}/", {"regions": [uusimaa.pk], "locations": [tampere.pk]})
    assert saved.status_code == 302
    assert {(row.region_id, row.location_id) for row in LocationScope.objects.filter(user=manager)} == {
        (uusimaa.pk, None),
        (None, tampere.pk),
    }
    entry = AuditLogEntry.objects.get(event_type=AuditEvent.LOCATION_SCOPE_CHANGED)
    assert entry.acting_user == company_admin and entry.modified_user == manager
    assert entry.extra_data == {
        "old": {"region_ids": [], "location_ids": []},
        "new": {"region_ids": [uusimaa.pk], "location_ids": [tampere.pk]},
    }
    assert "Uusimaa" in client.get(f"/accounts/users/{manager.pk}/").content.decode()
    cleared = client.post(f"/company/locations/scope/{manager.pk}/", {})
    assert cleared.status_code == 302 and not LocationScope.objects.filter(user=manager).exists()


def test_a_manager_cannot_set_scopes(chain, client_for: Callable[..., Any], manager) -> None:
    client = client_for(manager)
    assert client.get(f"/company/locations/scope/{manager.pk}/").status_code == 403
    put = client.put(
        f"{API}/users/{manager.pk}/location-scope/", {"regions": [], "locations": []}, content_type="application/json"
    )
    assert put.status_code == 403


def test_the_api_reads_and_replaces_the_scope(chain, client_for: Callable[..., Any], company_admin, manager) -> None:
    client = client_for(company_admin)
    url = f"{API}/users/{manager.pk}/location-scope/"
    assert client.get(url).json() == {"regions": [], "locations": []}
    konala = chain["places"]["konala"]
    put = client.put(url, {"regions": [], "locations": [konala.pk]}, content_type="application/json")
    assert put.status_code == 200 and put.json() == {"regions": [], "locations": [konala.pk]}
    unknown = client.put(url, {"regions": [999999], "locations": []}, content_type="application/json")
    assert unknown.status_code == 400 and "regions" in unknown.json()["fields"]
    not_a_manager = client.put(
        f"{API}/users/{company_admin.pk}/location-scope/",
        {"regions": [], "locations": [konala.pk]},
        content_type="application/json",
    )
    assert not_a_manager.status_code == 400
    manager_client = client_for(manager)
    rows = manager_client.get(f"{API}/encounters/").json()["results"]
    assert [row["location"] for row in rows] == [konala.pk]


def test_the_scoped_encounter_list_and_customer_pages(chain, client_for: Callable[..., Any], manager) -> None:
    location_scope_set(user=manager, regions=[chain["helsinki"]], locations=[], acting_user=None)
    client = client_for(manager)
    encounters = client.get("/encounters/").content.decode()
    assert "Asiakas konala" in encounters and "Asiakas tampere" not in encounters
    assert client.get(f"/customers/{chain['customers']['tampere'].pk}/").status_code == 404
    assert client.get(f"/customers/{chain['customers']['konala'].pk}/").status_code == 200
    export = b"".join(client.get("/customers/export.csv").streaming_content).decode("utf-8-sig")
    assert "konala@example.fi" in export and "tampere@example.fi" not in export


def test_a_scoped_managers_encounter_filters_offer_their_own_places_only(
    chain, client_for: Callable[..., Any], manager
) -> None:
    location_scope_set(user=manager, regions=[chain["helsinki"]], locations=[], acting_user=None)
    page = client_for(manager).get("/encounters/").content.decode()
    form = page[page.index('name="location"') : page.index("</select>", page.index('name="location"'))]
    assert "Konala" in form and "Tampere" not in form and "Espoo" not in form
    regions = page[page.index('name="region"') : page.index("</select>", page.index('name="region"'))]
    assert "Uusimaa &gt; Helsinki" in regions and "Pirkanmaa" not in regions
