"""Reads of regions, locations and their staff.

Locations under a region are found with a recursive CTE over `parent`, in the one query that
reads the locations. Not a materialised path: a company has tens or hundreds of regions, so the
walk costs little, and moving a branch stays a one-row update with no paths of descendants to
rewrite (and none to drift out of step).
"""

from dataclasses import dataclass, field

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from apps.accounts.models import Team, User
from apps.accounts.scope import SCOPE_LOCATION_IDS, SCOPE_REGION_IDS
from apps.locations.models import Location, LocationMembership, LocationScope, Region, TeamLocation

REGION_PATH_SEPARATOR = " > "


def _region_subtree_ids(*region_ids: int) -> RawSQL:
    """The ids of `region_ids` and every region below them, as a subquery. The table name is the model's
    own and the ids a parameter: nothing from a request is spliced in."""
    table = Region._meta.db_table
    subtree = (
        f"WITH RECURSIVE subtree(id) AS (SELECT id FROM {table} WHERE id = ANY(%s)"  # noqa: S608
        f" UNION SELECT child.id FROM {table} child JOIN subtree ON child.parent_id = subtree.id)"
        " SELECT id FROM subtree"
    )
    return RawSQL(subtree, [list(region_ids)])  # noqa: S611


def region_descendant_ids(*, region_id: int) -> set[int]:
    """`region_id` and every region below it."""
    return set(Region.objects.filter(pk__in=_region_subtree_ids(region_id)).values_list("pk", flat=True))


def location_ids_under(*, region_id: int) -> set[int]:
    """Every location (archived ones too) in `region_id` or in any region below it, in one query."""
    return set(Location.objects.filter(region_id__in=_region_subtree_ids(region_id)).values_list("pk", flat=True))


def location_region_ids() -> dict[int, int | None]:
    """Each location's own region (none when it has no region), by location id."""
    return dict(Location.objects.values_list("pk", "region_id"))


def region_get(*, region_id: int) -> Region | None:
    return Region.objects.filter(pk=region_id).first()


def region_list() -> QuerySet[Region]:
    return Region.objects.order_by("name", "pk")


@dataclass
class RegionNode:
    region: Region
    depth: int
    path: str
    locations: list[Location] = field(default_factory=list)
    children: list["RegionNode"] = field(default_factory=list)


@dataclass
class RegionTree:
    """The whole tree: regions in depth-first order (siblings by name) and locations with no region."""

    roots: list[RegionNode]
    unplaced: list[Location]

    def flat(self) -> list[RegionNode]:
        nodes: list[RegionNode] = []

        def walk(node: RegionNode) -> None:
            nodes.append(node)
            for child in node.children:
                walk(child)

        for root in self.roots:
            walk(root)
        return nodes


def region_tree(*, include_archived: bool = False) -> RegionTree:
    """Every region with its locations, in two queries (the tree is small: built in memory)."""
    regions = list(Region.objects.order_by("name", "pk"))
    locations = location_list(include_archived=include_archived).annotate(
        staff_count=Count("memberships", distinct=True), team_count=Count("team_placements", distinct=True)
    )
    nodes = {region.pk: RegionNode(region=region, depth=0, path=region.name) for region in regions}
    roots: list[RegionNode] = []
    for region in regions:
        node = nodes[region.pk]
        if region.parent_id is None:
            roots.append(node)
        else:
            nodes[region.parent_id].children.append(node)
    tree = RegionTree(roots=roots, unplaced=[])

    def place(node: RegionNode, depth: int, path: str) -> None:
        node.depth, node.path = depth, path
        for child in node.children:
            place(child, depth + 1, f"{path}{REGION_PATH_SEPARATOR}{child.region.name}")

    for root in roots:
        place(root, 0, root.region.name)
    for location in locations:
        if location.region_id is None:
            tree.unplaced.append(location)
        else:
            nodes[location.region_id].locations.append(location)
    return tree


def region_paths() -> dict[int, str]:
    """Each region's full path ("Uusimaa > Helsinki"), by id."""
    return {node.region.pk: node.path for node in region_tree().flat()}


def region_choices(
    *, excluding_subtree_of: int | None = None, holding_any_of: frozenset[int] | None = None
) -> list[tuple[int, str]]:
    """Regions to pick as a parent or a location's region, by full path; a region's own branch is
    left out when choosing its new parent. `holding_any_of`: only regions with one of these locations
    in them or below them (a scoped manager's filter)."""
    excluded = region_descendant_ids(region_id=excluding_subtree_of) if excluding_subtree_of else set()
    tree = region_tree(include_archived=True)
    if holding_any_of is not None:

        def holds(node: RegionNode) -> bool:
            here = any(location.pk in holding_any_of for location in node.locations)
            return here or any(holds(child) for child in node.children)

        excluded |= {node.region.pk for node in tree.flat() if not holds(node)}
    return [(node.region.pk, node.path) for node in tree.flat() if node.region.pk not in excluded]


def location_list(
    *, include_archived: bool = False, region_id: int | None = None, search: str = ""
) -> QuerySet[Location]:
    """Locations by name; under `region_id` means in it or in any region below it."""
    locations = Location.objects.select_related("region").order_by("name", "pk")
    if not include_archived:
        locations = locations.filter(archived_at__isnull=True)
    if region_id is not None:
        locations = locations.filter(region_id__in=_region_subtree_ids(region_id))
    if search:
        term = search.strip()
        locations = locations.filter(Q(name__icontains=term) | Q(code__icontains=term) | Q(city__icontains=term))
    return locations


def location_get(*, location_id: int) -> Location | None:
    return Location.objects.select_related("region").filter(pk=location_id).first()


def locations_of_user(*, user: User, include_archived: bool = False) -> QuerySet[Location]:
    """The locations `user` works at: their own memberships and the locations of their team. The phone
    form lists these first and preselects the only one."""
    own = LocationMembership.objects.filter(user_id=user.pk).values("location_id")
    locations = location_list(include_archived=include_archived)
    if user.team_id is None:
        return locations.filter(pk__in=own)
    of_team = TeamLocation.objects.filter(team_id=user.team_id).values("location_id")
    return locations.filter(Q(pk__in=own) | Q(pk__in=of_team))


def location_teams(*, location: Location) -> QuerySet[Team]:
    """The teams placed at `location`, by name, each with `member_count` (its active members) and its lead."""
    return (
        Team.objects.filter(placements__location=location)
        .select_related("lead")
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("name", "pk")
    )


def location_team_candidates(*, location: Location) -> QuerySet[Team]:
    """Teams not yet placed at `location`, to add."""
    placed = TeamLocation.objects.filter(location=location).values("team_id")
    return Team.objects.exclude(pk__in=placed).order_by("name", "pk")


def team_locations(*, team: Team, include_archived: bool = False) -> QuerySet[Location]:
    """The locations `team` is placed at, by name."""
    placed = TeamLocation.objects.filter(team=team).values("location_id")
    return location_list(include_archived=include_archived).filter(pk__in=placed)


def location_staff(*, location: Location) -> QuerySet[User]:
    """The people who work at `location`, by name."""
    return User.objects.filter(location_memberships__location=location).order_by("full_name", "email")


def location_staff_candidates(*, location: Location) -> QuerySet[User]:
    """Active users not yet at `location`, to add."""
    members = LocationMembership.objects.filter(location=location).values("user_id")
    return User.objects.filter(is_active=True).exclude(pk__in=members).order_by("full_name", "email")


def location_by_code_map() -> dict[str, Location]:
    """Every location (archived too) by its lower-cased code, for matching imported rows."""
    return {location.code.lower(): location for location in Location.objects.all()}


def location_scope_list(*, user: User) -> list[LocationScope]:
    """The regions and locations `user` is scoped to (none: the whole company), regions first."""
    return list(
        LocationScope.objects.filter(user=user)
        .select_related("region", "location")
        .order_by("location_id", "region__name", "location__name")
    )


def users_with_location_scope_rows(users: QuerySet[User]) -> QuerySet[User]:
    """`users`, each with their scope rows read in the same query: two arrays over the same rows in
    the same order (a row names a location or a region, the other is NULL), so that an empty array
    means no rows. Registered as apps.accounts.scope's preload."""
    rows = LocationScope.objects.filter(user=OuterRef("pk")).order_by("pk")
    return users.annotate(
        **{
            SCOPE_LOCATION_IDS: ArraySubquery(rows.values("location_id")),
            SCOPE_REGION_IDS: ArraySubquery(rows.values("region_id")),
        }
    )


def location_scope_resolve(user: User) -> frozenset[int] | None:
    """The ids of every location `user`'s scope takes in (archived ones too: their past stays theirs),
    or None when the user has no scope. A region takes in every location below it, found with the same
    recursive query as `location_list(region_id=...)`: a station added to the region later is in at
    once. Registered as apps.accounts.scope's resolver; callers ask `user_location_scope(user)`.
    A user loaded through `users_with_location_scope_rows` brings their rows along: no query then,
    unless the scope names a region."""
    preloaded = getattr(user, SCOPE_LOCATION_IDS, None), getattr(user, SCOPE_REGION_IDS, None)
    if preloaded[0] is not None and preloaded[1] is not None:
        rows = list(zip(*preloaded, strict=True))
    else:
        rows = list(LocationScope.objects.filter(user=user).values_list("location_id", "region_id"))
    if not rows:
        return None
    location_ids = {location_id for location_id, _region_id in rows if location_id is not None}
    region_ids = [region_id for _location_id, region_id in rows if region_id is not None]
    if region_ids:
        location_ids |= set(
            Location.objects.filter(region_id__in=_region_subtree_ids(*region_ids)).values_list("pk", flat=True)
        )
    return frozenset(location_ids)
