"""Reads of encounters, always scoped to what the viewing user may see."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from apps.accounts.capabilities import can_view_dashboards
from apps.accounts.models import User
from apps.accounts.scope import scoped, user_location_scope
from apps.accounts.selectors import user_list
from apps.encounters.models import Encounter
from apps.journeys.models import Touchpoint
from apps.journeys.selectors import touchpoint_list, touchpoints_owned_by
from apps.locations.models import Location
from apps.locations.selectors import location_list, locations_of_user, region_descendant_ids


def encounter_list(
    *,
    user: User,
    mine: bool = False,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    path_id: int | None = None,
    touchpoint_id: int | None = None,
    logged_by_id: int | None = None,
    customer_id: int | None = None,
    outcome: str | None = None,
    raised_only: bool = False,
    location_id: int | None = None,
    region_id: int | None = None,
) -> QuerySet[Encounter]:
    """Encounters newest first. Managers and admins see every one (a scoped manager those at their
    locations); everyone else only their own. `region_id` takes the encounters at any location in the
    region or below it."""
    encounters = Encounter.objects.select_related(
        "customer", "touchpoint__stage__path", "logged_by", "location"
    ).order_by("-occurred_at", "-id")
    encounters = scoped(encounters, user=user)
    if mine or not can_view_dashboards(user):
        encounters = encounters.filter(logged_by=user)
    if since is not None:
        encounters = encounters.filter(occurred_at__gte=since)
    if until is not None:
        encounters = encounters.filter(occurred_at__lt=until)
    if path_id is not None:
        encounters = encounters.filter(touchpoint__stage__path_id=path_id)
    if touchpoint_id is not None:
        encounters = encounters.filter(touchpoint_id=touchpoint_id)
    if logged_by_id is not None:
        encounters = encounters.filter(logged_by_id=logged_by_id)
    if customer_id is not None:
        encounters = encounters.filter(customer_id=customer_id)
    if outcome:
        encounters = encounters.filter(outcome=outcome)
    if raised_only:
        encounters = encounters.filter(raised_to_management=True)
    if location_id is not None:
        encounters = encounters.filter(location_id=location_id)
    if region_id is not None:
        encounters = encounters.filter(location__region_id__in=region_descendant_ids(region_id=region_id))
    return encounters


# What the encounter list API shows of each encounter: three joins, no model instances.
_LIST_ROW_FIELDS = (
    "id",
    "customer_id",
    "customer__full_name",
    "customer__email",
    "customer__phone",
    "touchpoint_id",
    "touchpoint__name",
    "touchpoint__stage__path_id",
    "location_id",
    "location__name",
    "logged_by_id",
    "occurred_at",
    "outcome",
    "peak_feeling",
    "end_feeling",
    "note",
    "raised_to_management",
    "survey_agreed",
    "source",
    "external_id",
    "created_at",
)


def encounter_list_rows(encounters: QuerySet[Encounter]) -> list[dict[str, Any]]:
    """The list API's fields of `encounters` (a page of `encounter_list`) as plain rows."""
    return list(encounters.values(*_LIST_ROW_FIELDS))


def encounter_get(*, user: User, encounter_id: int) -> Encounter | None:
    return encounter_list(user=user).filter(pk=encounter_id).first()


def encounters_of_customer(*, customer_id: int, user: User, limit: int = 100) -> QuerySet[Encounter]:
    """A customer's encounters for their profile timeline (shown to those who may see the profile), those
    at `user`'s locations when they are scoped."""
    return (
        scoped(Encounter.objects.filter(customer_id=customer_id), user=user)
        .select_related("touchpoint", "logged_by")
        .order_by("-occurred_at", "-id")[:limit]
    )


def encounter_staff_list() -> QuerySet[User]:
    """People who have logged encounters, for the managers' filter."""
    return user_list().filter(pk__in=Encounter.objects.filter(logged_by__isnull=False).values("logged_by"))


def touchpoints_recent_for(*, user: User, limit: int = 5) -> list[Touchpoint]:
    """The touchpoints `user` logged most recently, newest first (archived paths left out).

    One probe of the encounter_by_staff_touchpoint index per touchpoint, rather than a
    GROUP BY over everything the user ever logged (which grows with their history).
    """
    last_logged = (
        Encounter.objects.filter(logged_by=user, touchpoint=OuterRef("pk"))
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )
    return list(
        touchpoint_list()
        .annotate(last_logged=Subquery(last_logged))
        .filter(last_logged__isnull=False)
        .order_by("-last_logged", "pk")[:limit]
    )


@dataclass
class TouchpointChoices:
    """The log form's touchpoint picker: the user's own and recent touchpoints first, then all by path and stage."""

    own: list[Touchpoint] = field(default_factory=list)
    recent: list[Touchpoint] = field(default_factory=list)
    groups: list[tuple[str, list[Touchpoint]]] = field(default_factory=list)

    @property
    def ids(self) -> set[int]:
        return {touchpoint.pk for _label, touchpoints in self.groups for touchpoint in touchpoints}

    def get(self, touchpoint_id: int) -> Touchpoint | None:
        return next(
            (touchpoint for _label, group in self.groups for touchpoint in group if touchpoint.pk == touchpoint_id),
            None,
        )


def touchpoint_choices_for(*, user: User, shortcuts: bool = True) -> TouchpointChoices:
    """Every touchpoint one may log at; with `shortcuts`, also the user's own and recent ones (for showing
    the form: checking a choice needs only the full list)."""
    choices = TouchpointChoices()
    if shortcuts:
        choices.own = list(touchpoints_owned_by(user=user))
        own_ids = {touchpoint.pk for touchpoint in choices.own}
        choices.recent = [
            touchpoint for touchpoint in touchpoints_recent_for(user=user) if touchpoint.pk not in own_ids
        ]
    for touchpoint in touchpoint_list():
        label = f"{touchpoint.stage.path.name} · {touchpoint.stage.name}"
        if not choices.groups or choices.groups[-1][0] != label:
            choices.groups.append((label, []))
        choices.groups[-1][1].append(touchpoint)
    return choices


@dataclass
class LocationChoices:
    """The log form's location picker: the user's own locations first, then every location in use
    (for a manager scoped to locations, only those). `required`: a location must be named."""

    own: list[Location] = field(default_factory=list)
    every: list[Location] = field(default_factory=list)
    required: bool = False

    @property
    def ids(self) -> set[int]:
        return {location.pk for location in self.every}

    def get(self, location_id: int | None) -> Location | None:
        return next((location for location in self.every if location.pk == location_id), None)


def location_choices_for(*, user: User) -> LocationChoices:
    """Locations in use; empty when the company has none (then the form asks for no location).

    A scoped manager is offered only the locations in their scope, and must name one of them: an
    encounter elsewhere, or at no location, would be out of their sight once logged."""
    scope = user_location_scope(user)
    own = locations_of_user(user=user)
    every = location_list()
    if scope is not None:
        own = own.filter(pk__in=scope)
        every = every.filter(pk__in=scope)
    every_list = list(every)
    return LocationChoices(own=list(own), every=every_list, required=bool(every_list) or scope is not None)


def location_remembered_for(*, user: User, choices: LocationChoices) -> int | None:
    """The location to preselect: where the user last logged an encounter, else their only location (their
    own memberships and their team's locations together, `locations_of_user`)."""
    last = (
        Encounter.objects.filter(logged_by=user, location__isnull=False)
        .order_by("-occurred_at", "-id")
        .values_list("location_id", flat=True)
        .first()
    )
    if last in choices.ids:
        return last
    if len(choices.own) == 1:
        return choices.own[0].pk
    return None
