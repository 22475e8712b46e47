from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.scope import user_location_scope
from apps.core.content_languages import CONTENT_LANGUAGES
from apps.journeys.models import Touchpoint
from apps.journeys.selectors import touchpoint_get
from apps.locations.models import Location
from apps.locations.selectors import location_list
from apps.surveys.selectors import touchpoint_choices_grouped

LANGUAGE_NAMES = {"fi": _("Finnish"), "sv": _("Swedish"), "en": _("English")}


def _touchpoint_choices() -> list[tuple[Any, Any]]:
    """Touchpoints that have a follow-up survey, grouped by path and stage: only they can be answered openly."""
    groups: list[tuple[Any, Any]] = [("", "—")]
    for path in touchpoint_choices_grouped():
        for stage in path.stages:
            options = [(tp.pk, tp.name) for tp in stage.touchpoints if tp.link is not None and tp.link.survey.is_active]
            if options:
                groups.append((f"{path.name} · {stage.name}", options))
    return groups


class _PlaceForm(forms.Form):
    touchpoint = forms.TypedChoiceField(label=_("Touchpoint"), coerce=int)
    location = forms.TypedChoiceField(
        label=_("Location"), coerce=int, empty_value=None, required=False, help_text=_("Empty: any location.")
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.locations = location_list()
        location_ids = user_location_scope(user)
        anywhere: list[tuple[Any, Any]] = [("", _("(any location)"))]
        if location_ids is not None:
            # A scoped manager places links and kiosks at their own locations only.
            self.locations = self.locations.filter(pk__in=location_ids)
            anywhere = [("", "—")]
            self.fields["location"].required = True
            self.fields["location"].help_text = ""
        self.fields["touchpoint"].choices = _touchpoint_choices()
        self.fields["location"].choices = anywhere + [(location.pk, location.name) for location in self.locations]

    def clean_touchpoint(self) -> Touchpoint:
        touchpoint = touchpoint_get(touchpoint_id=self.cleaned_data["touchpoint"])
        if touchpoint is None:
            raise forms.ValidationError(_("Choose a touchpoint."))
        return touchpoint

    def clean_location(self) -> Location | None:
        location_id = self.cleaned_data["location"]
        if location_id is None:
            return None
        location = self.locations.filter(pk=location_id).first()
        if location is None:
            raise forms.ValidationError(_("Choose a location in use."))
        return location


class OpenLinkForm(_PlaceForm):
    pass


class KioskForm(_PlaceForm):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("For example “Counter tablet, Kemi”."))
    field_order = ["name", "touchpoint", "location"]


class PosterForm(forms.Form):
    size = forms.ChoiceField(label=_("Size"), choices=[("a4", "A4"), ("a5", "A5")])
    language = forms.ChoiceField(
        label=_("Language"), choices=[(code, LANGUAGE_NAMES[code]) for code in CONTENT_LANGUAGES]
    )


class ContactForm(forms.Form):
    """Optional contact details on an open survey; given only with consent."""

    contact_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Email"), required=False)
    contact_phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    contact_consent = forms.BooleanField(
        label=_("You may contact me about my answer and send me customer surveys."), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        given = any(data.get(name) for name in ("contact_name", "contact_email", "contact_phone"))
        if given and not data.get("contact_consent"):
            self.add_error("contact_consent", _("Tick this to leave your contact details, or leave them empty."))
        if data.get("contact_consent") and not (data.get("contact_email") or data.get("contact_phone")):
            self.add_error("contact_email", _("Give an email address or a phone number."))
        return data
