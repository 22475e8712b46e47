"""HTML input for the path pages; the services hold the rules."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.journeys.models import EMOTION_CHOICES, NPS_MAX, NPS_MIN, Channel, ServicePath, Touchpoint
from apps.journeys.selectors import assignable_users


class PathForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("From which need to which solution, and for whom."),
    )

    @classmethod
    def for_path(cls, path: ServicePath, **kwargs: Any) -> "PathForm":
        return cls(initial={"name": path.name, "description": path.description}, **kwargs)


class StageForm(forms.Form):
    name = forms.CharField(label=_("Stage name"), max_length=120)


class TouchpointQuickAddForm(forms.Form):
    name = forms.CharField(label=_("Touchpoint name"), max_length=160)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.WEB)


class TouchpointForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    customer_does = forms.CharField(
        label=_("The customer does"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    customer_thinks = forms.CharField(
        label=_("The customer thinks"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    customer_feels = forms.CharField(
        label=_("The customer feels"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    intended_experience = forms.CharField(
        label=_("What good looks like"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The intended experience, in words a new colleague understands."),
    )
    planned_emotion = forms.TypedChoiceField(
        label=_("Planned emotion"), choices=EMOTION_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    is_peak = forms.BooleanField(
        label=_("Peak moment"),
        required=False,
        help_text=_("A path may have several peaks: its most intense moments, good or bad."),
    )
    is_end = forms.BooleanField(
        label=_("End moment"), required=False, help_text=_("One per path: the last impression the customer takes home.")
    )
    target_nps = forms.IntegerField(label=_("Target NPS"), required=False, min_value=NPS_MIN, max_value=NPS_MAX)

    @classmethod
    def for_touchpoint(cls, touchpoint: Touchpoint, **kwargs: Any) -> "TouchpointForm":
        return cls(initial={name: getattr(touchpoint, name) for name in cls.base_fields}, **kwargs)


class _PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name()


class OwnerForm(forms.Form):
    owner = _PersonChoiceField(label=_("Owner"), queryset=None, required=False, empty_label=_("Nobody (unowned)"))
    backup_owner = _PersonChoiceField(label=_("Backup"), queryset=None, required=False, empty_label=_("No backup"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("owner", "backup_owner"):
            self.fields[name].queryset = assignable_users()

    @classmethod
    def for_touchpoint(cls, touchpoint: Touchpoint, **kwargs: Any) -> "OwnerForm":
        initial = {"owner": touchpoint.owner_id, "backup_owner": touchpoint.backup_owner_id}
        return cls(initial=initial, **kwargs)


class HandoverForm(forms.Form):
    to_user = _PersonChoiceField(
        label=_("Hand the touchpoints over to"),
        queryset=None,
        required=False,
        empty_label=_("Nobody"),
        help_text=_("Without a successor the backups take over; the rest become unowned."),
    )

    def __init__(self, *args: Any, leaving: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = assignable_users().exclude(pk=leaving.pk)
