import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.audit.models import AuditEvent
from apps.audit.selectors import audit_target_types
from apps.audit_log.presentation import audit_target_type_label
from apps.core.tenancy import company_time_zone


class AuditLogFilterForm(forms.Form):
    """The audit log page's filters (GET); the dates are whole days in the company's time zone."""

    event = forms.ChoiceField(label=_("Event"), required=False)
    user = forms.ModelChoiceField(
        label=_("User"),
        queryset=get_user_model().objects.order_by("full_name", "email"),
        required=False,
        empty_label=_("All"),
        help_text=_("Who acted, or whom it concerned"),
    )
    date_from = forms.DateField(
        label=pgettext_lazy("date range", "From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    target_type = forms.ChoiceField(label=_("Object type"), required=False)
    target_id = forms.CharField(label=_("Object id"), required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [("", _("All")), *AuditEvent.choices]
        types = audit_target_types()
        self.fields["target_type"].choices = [
            ("", _("All")),
            *((name, audit_target_type_label(name)) for name in types),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return data

    def selector_filters(self) -> dict[str, Any]:
        """The valid filters as audit_log_list() arguments; call after is_valid()."""
        data = self.cleaned_data
        return {
            "event_type": data.get("event") or None,
            "user_id": data["user"].pk if data.get("user") else None,
            "since": _day_start(data["date_from"]) if data.get("date_from") else None,
            "until": _day_start(data["date_to"] + dt.timedelta(days=1)) if data.get("date_to") else None,
            "target_type": data.get("target_type") or None,
            "target_id": (data.get("target_id") or "").strip() or None,
        }


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), company_time_zone())
