from typing import Any

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from apps.alerts.models import AlertRule, Destination, DestinationKind, RuleKind
from apps.journeys.models import Touchpoint
from apps.locations.models import Location


class DestinationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=DestinationKind.choices)
    emails = forms.CharField(
        label=_("Email addresses"), widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text=_("One a line.")
    )
    url = forms.URLField(
        label=_("Webhook address"),
        max_length=2000,
        required=False,
        assume_scheme="https",
        help_text=_("Slack: the incoming webhook's URL. Teams: the URL of a Workflows webhook trigger."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, destination: Destination | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if destination is not None:
            # The kind is fixed once made: a signed webhook's receivers hold its secret.
            self.fields["kind"].disabled = True
            self.fields["kind"].initial = destination.kind
        else:
            del self.fields["active"]

    def clean_emails(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["emails"].splitlines() if line.strip()]
        for line in lines:
            try:
                validate_email(line)
            except forms.ValidationError as error:
                raise forms.ValidationError(_("%(address)s is not an email address.") % {"address": line}) from error
        return "\n".join(lines)


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    kind = forms.ChoiceField(label=_("When"), choices=RuleKind.choices)
    threshold = forms.IntegerField(
        label=_("NPS at most"),
        min_value=0,
        max_value=10,
        initial=4,
        required=False,
        help_text=_("For poor answers only."),
    )
    touchpoint = forms.ModelChoiceField(
        label=_("Touchpoint"), queryset=Touchpoint.objects.none(), required=False, empty_label=_("Every touchpoint")
    )
    location = forms.ModelChoiceField(
        label=_("Location"), queryset=Location.objects.none(), required=False, empty_label=_("Every location")
    )
    destinations = forms.ModelMultipleChoiceField(
        label=_("Send to"), queryset=Destination.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, rule: AlertRule | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["touchpoint"].queryset = Touchpoint.objects.select_related("stage__path").order_by(
            "stage__path__name", "stage__position", "position"
        )
        self.fields["location"].queryset = Location.objects.filter(archived_at__isnull=True).order_by("name")
        self.fields["destinations"].queryset = Destination.objects.order_by("name")
        if rule is not None:
            self.fields["kind"].disabled = True
        else:
            del self.fields["active"]

    def clean_threshold(self) -> int:
        threshold = self.cleaned_data["threshold"]
        return 4 if threshold is None else threshold

    @classmethod
    def for_rule(cls, rule: AlertRule) -> "RuleForm":
        return cls(
            rule=rule,
            initial={
                "name": rule.name,
                "kind": rule.kind,
                "threshold": rule.threshold,
                "touchpoint": rule.touchpoint_id,
                "location": rule.location_id,
                "destinations": list(rule.destinations.all()),
                "active": rule.active,
            },
        )
