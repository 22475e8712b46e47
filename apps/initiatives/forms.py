from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.accounts.scope import user_location_scope
from apps.initiatives.models import WINDOW_DAYS_DEFAULT, WINDOW_DAYS_MAX, WINDOW_DAYS_MIN, Initiative
from apps.journeys.selectors import touchpoint_list
from apps.locations.selectors import location_list


class TouchpointChoiceField(forms.ModelMultipleChoiceField):
    """Touchpoints named with their path: two paths may both have a "Checkout"."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.stage.path.name} \u203a {obj.name}"


class InitiativeForm(forms.Form):
    """Input for an initiative; the service checks the rules (scope, at least one touchpoint)."""

    title = forms.CharField(label=_("Title"), max_length=160)
    description = forms.CharField(
        label=_("What was changed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you changed, so that readers know what the figures measure."),
    )
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    touchpoints = TouchpointChoiceField(
        label=_("Touchpoints"), queryset=touchpoint_list(), widget=forms.SelectMultiple(attrs={"size": 8})
    )
    locations = forms.ModelMultipleChoiceField(
        label=_("Locations"),
        queryset=location_list(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Leave empty for all locations."),
    )
    started_on = forms.DateField(label=_("Started on"), widget=forms.DateInput(attrs={"type": "date"}))
    window_days = forms.IntegerField(
        label=_("Window (days)"),
        min_value=WINDOW_DAYS_MIN,
        max_value=WINDOW_DAYS_MAX,
        initial=WINDOW_DAYS_DEFAULT,
        help_text=_("Answers of this many days before the start are compared with as many days from it."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = User.objects.filter(is_active=True).order_by("full_name", "email")
        scope = user_location_scope(user)
        if scope is not None:
            locations_field = self.fields["locations"]
            assert isinstance(locations_field, forms.ModelMultipleChoiceField)
            locations_field.queryset = location_list().filter(pk__in=scope)
            locations_field.required = True
            locations_field.help_text = _("Choose the locations of yours where the change was made.")

    @classmethod
    def for_initiative(cls, initiative: Initiative, *, user: User) -> "InitiativeForm":
        initial = {
            "title": initiative.title,
            "description": initiative.description,
            "owner": initiative.owner_id,
            "touchpoints": [touchpoint.pk for touchpoint in initiative.touchpoints.all()],
            "locations": [location.pk for location in initiative.locations.all()],
            "started_on": initiative.started_on,
            "window_days": initiative.window_days,
        }
        return cls(initial=initial, user=user)
