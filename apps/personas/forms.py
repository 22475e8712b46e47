from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.personas.models import BuyerPersona, InboundStage, PersonaColour, PersonaIcon


class PersonaForm(forms.Form):
    """Input for a persona; the service validates the rules (e.g. unique names)."""

    name = forms.CharField(label=_("Name"), max_length=120)
    inbound_stage = forms.ChoiceField(
        label=_("Inbound stage"),
        choices=InboundStage.choices,
        help_text=_("Which stage of the customer's journey the content for this persona serves."),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    goals = forms.CharField(label=_("Goals"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    needs = forms.CharField(label=_("Needs"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    pains = forms.CharField(label=_("Pains"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    value_proposition = forms.CharField(
        label=_("Value proposition"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What we promise this persona, in their words."),
    )
    icon = forms.ChoiceField(label=_("Icon"), choices=PersonaIcon.choices, required=False)
    colour = forms.ChoiceField(label=_("Colour"), choices=PersonaColour.choices)

    @classmethod
    def for_persona(cls, persona: BuyerPersona, **kwargs: Any) -> "PersonaForm":
        initial = {field: getattr(persona, field) for field in cls.base_fields}
        return cls(initial=initial, **kwargs)
