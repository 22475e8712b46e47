import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.scope import user_location_scope
from apps.customers.models import Language
from apps.encounters.models import Feeling, Outcome
from apps.encounters.selectors import LocationChoices, TouchpointChoices, encounter_staff_list
from apps.encounters.services import CustomerRef
from apps.journeys.selectors import path_list, touchpoint_list
from apps.locations.selectors import location_list, region_choices


def _touchpoint_label(touchpoint: Any) -> str:
    return f"{touchpoint.name} ({touchpoint.stage.path.name})"


class EncounterLogForm(forms.Form):
    """The frontline quick log. The template lays it out by hand; the service checks the rules."""

    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    q = forms.CharField(label=_("Find a customer"), required=False, max_length=100)
    customer_name = forms.CharField(
        label=_("Name"), required=False, max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    customer_email = forms.CharField(
        label=_("Email"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "inputmode": "email"}),
    )
    customer_phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    customer_language = forms.ChoiceField(
        label=_("Language"), choices=Language.choices, initial=Language.FI, required=False
    )
    location = forms.TypedChoiceField(label=_("Location"), coerce=int, empty_value=None, required=False)
    touchpoint = forms.TypedChoiceField(label=_("Touchpoint"), coerce=int)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect, initial=Outcome.RESOLVED
    )
    peak_feeling = forms.TypedChoiceField(
        label=_("How did the customer seem at the peak?"), choices=Feeling.choices, coerce=int, widget=forms.RadioSelect
    )
    end_feeling = forms.TypedChoiceField(
        label=_("How did the customer seem at the end?"), choices=Feeling.choices, coerce=int, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    raised_to_management = forms.BooleanField(label=_("Raise this note to management"), required=False)
    survey_agreed = forms.BooleanField(label=_("The customer agreed to a follow-up survey"), required=False)

    def __init__(
        self, *args: Any, touchpoints: TouchpointChoices, locations: LocationChoices | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.touchpoints_set(touchpoints)
        self.locations_set(locations or LocationChoices())

    def locations_set(self, locations: LocationChoices) -> None:
        """The locations to choose from, the user's own first. A company with locations must name one."""
        self.locations = locations
        field = self.fields["location"]
        field.required = locations.required
        own_ids = {location.pk for location in locations.own}
        choices: list[Any] = [("", _("Choose a location"))]
        if locations.own:
            choices.append((_("Your locations"), [(location.pk, location.name) for location in locations.own]))
        others = [(location.pk, location.name) for location in locations.every if location.pk not in own_ids]
        if others:
            choices.append((_("Other locations") if locations.own else _("Locations"), others))
        field.choices = choices

    def clean_location(self) -> int | None:
        location_id = self.cleaned_data["location"]
        if location_id is not None and location_id not in self.locations.ids:
            raise forms.ValidationError(_("Choose a location from the list."))
        return location_id

    def touchpoints_set(self, touchpoints: TouchpointChoices) -> None:
        """The touchpoints to choose from; the user's own and recent ones are shown first when given."""
        self.touchpoints = touchpoints
        own = [(touchpoint.pk, _touchpoint_label(touchpoint)) for touchpoint in touchpoints.own]
        recent = [(touchpoint.pk, _touchpoint_label(touchpoint)) for touchpoint in touchpoints.recent]
        choices: list[Any] = [("", _("Choose a touchpoint"))]
        if own:
            choices.append((_("Your touchpoints"), own))
        if recent:
            choices.append((_("Recently used"), recent))
        choices += [
            (label, [(touchpoint.pk, touchpoint.name) for touchpoint in group]) for label, group in touchpoints.groups
        ]
        self.fields["touchpoint"].choices = choices

    def clean_touchpoint(self) -> int:
        touchpoint_id = self.cleaned_data["touchpoint"]
        if touchpoint_id not in self.touchpoints.ids:
            raise forms.ValidationError(_("Choose a touchpoint from the list."))
        return touchpoint_id

    def customer_ref(self) -> CustomerRef:
        data = self.cleaned_data
        return CustomerRef(
            customer_id=data.get("customer"),
            full_name=data.get("customer_name", ""),
            email=data.get("customer_email", ""),
            phone=data.get("customer_phone", ""),
            language=data.get("customer_language") or Language.FI,
        )

    def encounter_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "location": self.locations.get(data.get("location")),
            "outcome": data["outcome"],
            "peak_feeling": data["peak_feeling"],
            "end_feeling": data["end_feeling"],
            "note": data["note"],
            "raised_to_management": data["raised_to_management"],
            "survey_agreed": data["survey_agreed"],
        }


PERIODS = {"7": 7, "30": 30, "90": 90}


class EncounterFilterForm(forms.Form):
    """The managers' encounter list filters (GET); invalid values are ignored."""

    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            ("", _("Any time")),
            ("7", _("Last 7 days")),
            ("30", _("Last 30 days")),
            ("90", _("Last 90 days")),
        ],
    )
    path = forms.ModelChoiceField(label=_("Service path"), queryset=path_list(), required=False, empty_label=_("All"))
    touchpoint = forms.ModelChoiceField(
        label=_("Touchpoint"), queryset=touchpoint_list(), required=False, empty_label=_("All")
    )
    location = forms.ModelChoiceField(
        label=_("Location"), queryset=location_list(include_archived=True), required=False, empty_label=_("All")
    )
    region = forms.TypedChoiceField(label=_("Region"), coerce=int, empty_value=None, required=False)
    staff = forms.ModelChoiceField(
        label=_("Logged by"), queryset=encounter_staff_list(), required=False, empty_label=_("Anyone")
    )
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", _("All")), *Outcome.choices])
    raised = forms.BooleanField(label=_("Raised notes only"), required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["touchpoint"].label_from_instance = _touchpoint_label
        # A scoped manager picks among their own places only (the list shows nothing of the others).
        scope = user_location_scope(user)
        if scope is not None:
            self.fields["location"].queryset = self.fields["location"].queryset.filter(pk__in=scope)
        regions = region_choices(holding_any_of=scope)
        if regions:
            self.fields["region"].choices = [("", _("All")), *regions]
        else:
            del self.fields["region"]
        if not self.fields["location"].queryset.exists():
            del self.fields["location"]

    def selector_filters(self, *, now: dt.datetime | None = None) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        days = PERIODS.get(data.get("period") or "")
        now = now or timezone.now()
        return {
            "since": now - dt.timedelta(days=days) if days else None,
            "path_id": data["path"].pk if data.get("path") else None,
            "touchpoint_id": data["touchpoint"].pk if data.get("touchpoint") else None,
            "logged_by_id": data["staff"].pk if data.get("staff") else None,
            "outcome": data.get("outcome") or None,
            "raised_only": bool(data.get("raised")),
            "location_id": data["location"].pk if data.get("location") else None,
            "region_id": data.get("region"),
        }
