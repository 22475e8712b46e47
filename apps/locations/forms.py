from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.locations.models import Location, LocationScope, Region
from apps.locations.selectors import location_list, region_choices


class RegionForm(forms.Form):
    """Input for a region; the service checks the rules (unique among siblings, no cycles)."""

    name = forms.CharField(label=_("Name"), max_length=120)
    parent = forms.TypedChoiceField(
        label=_("Inside region"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Leave empty for a top-level region."),
    )

    def __init__(self, *args: Any, region: Region | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = region_choices(excluding_subtree_of=region.pk if region else None)
        self.fields["parent"].choices = [("", _("(top level)")), *choices]
        self.regions = {pk for pk, _path in choices}

    def clean_parent(self) -> Region | None:
        parent_id = self.cleaned_data["parent"]
        if parent_id is None:
            return None
        if parent_id not in self.regions:
            raise forms.ValidationError(_("Choose a region from the list."))
        return Region.objects.get(pk=parent_id)


class LocationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    code = forms.CharField(
        label=_("Code"), max_length=32, help_text=_("A short code of your own, e.g. HKI1. Used in imports and reports.")
    )
    region = forms.TypedChoiceField(label=_("Region"), coerce=int, empty_value=None, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = region_choices()
        self.fields["region"].choices = [("", _("(no region)")), *choices]
        self.regions = {pk for pk, _path in choices}

    def clean_region(self) -> Region | None:
        region_id = self.cleaned_data["region"]
        if region_id is None:
            return None
        if region_id not in self.regions:
            raise forms.ValidationError(_("Choose a region from the list."))
        return Region.objects.get(pk=region_id)

    @classmethod
    def for_location(cls, location: Location, **kwargs: Any) -> "LocationForm":
        initial = {
            "name": location.name,
            "code": location.code,
            "region": location.region_id,
            "address": location.address,
            "city": location.city,
        }
        return cls(initial=initial, **kwargs)


class LocationStaffAddForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Person"), coerce=int)

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {user.pk: user for user in candidates}
        self.fields["user"].choices = [("", _("Choose a person"))] + [
            (user.pk, f"{user.get_full_name()} ({user.email})") for user in self.candidates.values()
        ]

    def clean_user(self) -> Any:
        return self.candidates[self.cleaned_data["user"]]


class LocationTeamAddForm(forms.Form):
    team = forms.TypedChoiceField(label=_("Team"), coerce=int)

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {team.pk: team for team in candidates}
        self.fields["team"].choices = [("", _("Choose a team"))] + [
            (team.pk, team.name) for team in self.candidates.values()
        ]

    def clean_team(self) -> Any:
        return self.candidates[self.cleaned_data["team"]]


class LocationImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns: code, name, region, address, city. Semicolons or commas; Excel's Finnish CSV works."),
    )


class LocationScopeForm(forms.Form):
    """The regions and locations a manager sees; none of either: the whole company."""

    regions = forms.TypedMultipleChoiceField(
        label=_("Regions"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A region takes in every location in it and in its sub-regions, also ones added later."),
    )
    locations = forms.TypedMultipleChoiceField(
        label=_("Locations"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regions"].choices = region_choices()
        self.fields["locations"].choices = [
            (location.pk, f"{location.name} ({location.code})") for location in location_list(include_archived=True)
        ]

    @classmethod
    def for_scope(cls, scope: list[LocationScope], **kwargs: Any) -> "LocationScopeForm":
        initial = {
            "regions": [row.region_id for row in scope if row.region_id is not None],
            "locations": [row.location_id for row in scope if row.location_id is not None],
        }
        return cls(initial=initial, **kwargs)

    def clean_regions(self) -> list[Region]:
        return list(Region.objects.filter(pk__in=self.cleaned_data["regions"]))

    def clean_locations(self) -> list[Location]:
        return list(Location.objects.filter(pk__in=self.cleaned_data["locations"]))
