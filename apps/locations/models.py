"""Where a company serves its customers: a tree of regions, the locations in it, and the staff of each location.

Later work cuts every figure by location and region and scopes managers to a part of the tree; these
models carry what that needs (a stable region tree, a stable location code, memberships) and nothing more.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import Team
from apps.core.models import TimeStampedModel


class Region(TimeStampedModel):
    """A node of the company's region tree, of any depth (region > city > district)."""

    name = models.CharField(_("name"), max_length=120)
    # PROTECT: a region with sub-regions is emptied before it goes, so no branch is lost by accident.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="region_not_own_parent"),
            models.UniqueConstraint(Lower("name"), "parent", name="region_name_unique_among_siblings"),
            # NULLs are distinct in the constraint above, so the top level needs its own.
            models.UniqueConstraint(Lower("name"), condition=Q(parent__isnull=True), name="region_name_unique_at_top"),
        ]

    def __str__(self) -> str:
        return self.name


class Location(TimeStampedModel):
    """A place where customers are met: a station, a branch, a store."""

    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(
        _("code"), max_length=32, help_text=_("A short code of your own, e.g. HKI1. Used in imports and reports.")
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="locations",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    # Locations are archived, never deleted: encounters and later their figures point at them.
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff"),
        through="LocationMembership",
        related_name="locations",
        blank=True,
    )

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("code"), name="location_code_unique_ci")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.archived_at is None


class LocationMembership(TimeStampedModel):
    """A staff member works at a location; one person may work at several."""

    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="location_memberships",
    )

    class Meta:
        verbose_name = _("location membership")
        verbose_name_plural = _("location memberships")
        constraints = [models.UniqueConstraint(fields=["location", "user"], name="location_membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.location}"


class TeamLocation(TimeStampedModel):
    """A team works at a location; a team may work at several, and a location have several teams.

    Its members count as working there (the phone form preselects it), without a membership row each.
    CASCADE on both sides, as with memberships: removing a team removes its placements, and a location
    is archived, never deleted, in the product (a placement records no history: nothing counts on it).
    """

    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="placements")
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.CASCADE, related_name="team_placements"
    )

    class Meta:
        verbose_name = _("team's location")
        verbose_name_plural = _("teams' locations")
        constraints = [models.UniqueConstraint(fields=["team", "location"], name="team_location_unique")]

    def __str__(self) -> str:
        return f"{self.team} · {self.location}"


class LocationScope(TimeStampedModel):
    """A manager sees only part of the company: one row per region or location in their scope.

    A manager with no rows sees the whole company. A region takes in every location below it,
    resolved when read (apps.locations.selectors.location_scope_resolve), so a station added to
    the region later is in the scope at once. PROTECT on both: deleting a region or a location
    that is somebody's scope would silently widen that manager's view to the whole company.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="location_scopes"
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scopes",
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scopes",
    )

    class Meta:
        verbose_name = _("manager's scope")
        verbose_name_plural = _("managers' scopes")
        constraints = [
            models.CheckConstraint(
                condition=Q(region__isnull=True, location__isnull=False)
                | Q(region__isnull=False, location__isnull=True),
                name="location_scope_region_or_location",
            ),
            models.UniqueConstraint(fields=["user", "region"], name="location_scope_unique_region"),
            models.UniqueConstraint(fields=["user", "location"], name="location_scope_unique_location"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.region or self.location}"
