from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.customers.models import Customer, Language
from apps.customers.selectors import segment_list
from apps.personas.selectors import persona_choices, persona_list

MAX_IMPORT_BYTES = 20 * 1024 * 1024


class CustomerFilterForm(forms.Form):
    """The customer list's search box and filters (GET)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.SearchInput(attrs={"placeholder": _("Name, email or phone"), "autocomplete": "off"}),
    )
    segment = forms.ModelChoiceField(label=_("Segment"), queryset=segment_list(), required=False, empty_label=_("All"))
    persona = forms.ModelChoiceField(
        label=_("Persona"), queryset=persona_list(include_archived=True), required=False, empty_label=_("All")
    )
    consent = forms.ChoiceField(
        label=_("Survey consent"),
        required=False,
        choices=[("", _("All")), ("yes", _("Consented")), ("no", _("No consent"))],
    )
    unsubscribed = forms.ChoiceField(
        label=_("Unsubscribed"),
        required=False,
        choices=[("", _("All")), ("no", _("Subscribed")), ("yes", _("Unsubscribed"))],
    )

    def selector_filters(self) -> dict[str, Any]:
        """The validated filters as customer_list() arguments (invalid values are ignored)."""
        data = self.cleaned_data if self.is_valid() else {}
        yes_no = {"yes": True, "no": False}
        return {
            "search": data.get("q") or "",
            "segment_id": data["segment"].pk if data.get("segment") else None,
            "persona_id": data["persona"].pk if data.get("persona") else None,
            "consent": yes_no.get(data.get("consent") or ""),
            "unsubscribed": yes_no.get(data.get("unsubscribed") or ""),
        }


class CustomerForm(forms.Form):
    """Input for a customer profile; the service normalises and checks it."""

    full_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    email = forms.CharField(
        label=_("Email"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text=_("Needed to send surveys. Give an email or a phone number."),
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=40, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    language = forms.ChoiceField(label=_("Preferred language"), choices=Language.choices)
    segment = forms.ModelChoiceField(label=_("Segment"), queryset=segment_list(), required=False)
    new_segment = forms.CharField(
        label=_("Or a new segment"), max_length=80, required=False, help_text=_("Creates the segment if it is new.")
    )
    persona = forms.ModelChoiceField(label=_("Persona"), queryset=persona_choices(), required=False)
    survey_consent = forms.BooleanField(
        label=_("The customer consents to feedback surveys"),
        required=False,
        help_text=_("When and how the consent was given is recorded."),
    )
    external_id = forms.CharField(
        label=_("External id"),
        max_length=100,
        required=False,
        help_text=_("The customer's id in another system (booking, CRM), used to match imports."),
    )

    @classmethod
    def for_customer(cls, customer: Customer, **kwargs: Any) -> "CustomerForm":
        initial = {
            "full_name": customer.full_name,
            "email": customer.email,
            "phone": customer.phone,
            "language": customer.language,
            "segment": customer.segment_id,
            "persona": customer.persona_id,
            "survey_consent": customer.survey_consent,
            "external_id": customer.external_id,
        }
        form = cls(initial=initial, **kwargs)
        if customer.persona_id and not customer.persona.is_active:
            # Keep an archived persona selectable on customers that still carry it.
            form.fields["persona"].queryset = persona_list(include_archived=True)
        return form


class CustomerImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8 or Excel's Windows-1252, separated by semicolons, commas or tabs, the first row naming the columns."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB; split it into parts."))
        return upload
