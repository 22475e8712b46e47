"""Writes on buyer personas. Each runs in one transaction and raises DomainError on a broken rule."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.exceptions import DomainError
from apps.personas.models import BuyerPersona, InboundStage, PersonaColour, PersonaIcon

_EDITABLE = {
    "name",
    "description",
    "goals",
    "needs",
    "pains",
    "value_proposition",
    "inbound_stage",
    "icon",
    "colour",
    "is_active",
}


def _validated(changes: dict[str, Any], *, persona_id: int | None) -> dict[str, Any]:
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    errors: dict[str, list[str]] = {}
    if "name" in changes:
        changes["name"] = str(changes["name"] or "").strip()
        if not changes["name"]:
            errors["name"] = [_("This field is required.")]
        else:
            taken = BuyerPersona.objects.filter(name__iexact=changes["name"])
            if persona_id is not None:
                taken = taken.exclude(pk=persona_id)
            if taken.exists():
                errors["name"] = [_("A persona with this name already exists.")]
    for field, choices in (("inbound_stage", InboundStage), ("colour", PersonaColour), ("icon", PersonaIcon)):
        if field in changes and changes[field] not in choices.values:
            errors[field] = [_("Select a valid choice.")]
    if errors:
        raise DomainError(_("The persona cannot be saved."), fields=errors)
    return changes


@transaction.atomic
def persona_create(
    *,
    name: str,
    description: str = "",
    goals: str = "",
    needs: str = "",
    pains: str = "",
    value_proposition: str = "",
    inbound_stage: str = InboundStage.ATTRACT,
    icon: str = "",
    colour: str = PersonaColour.TEAL,
) -> BuyerPersona:
    fields = _validated(
        {
            "name": name,
            "description": description,
            "goals": goals,
            "needs": needs,
            "pains": pains,
            "value_proposition": value_proposition,
            "inbound_stage": inbound_stage,
            "icon": icon,
            "colour": colour,
        },
        persona_id=None,
    )
    return BuyerPersona.objects.create(**fields)


@transaction.atomic
def persona_update(*, persona: BuyerPersona, **changes: Any) -> BuyerPersona:
    persona = BuyerPersona.objects.select_for_update().get(pk=persona.pk)
    for field, value in _validated(dict(changes), persona_id=persona.pk).items():
        setattr(persona, field, value)
    persona.save()
    return persona


@transaction.atomic
def persona_archive(*, persona: BuyerPersona) -> BuyerPersona:
    """Hide a persona from pickers. Personas are never deleted, so customer links and
    scores cut by persona stay meaningful."""
    return persona_update(persona=persona, is_active=False)


@transaction.atomic
def persona_restore(*, persona: BuyerPersona) -> BuyerPersona:
    return persona_update(persona=persona, is_active=True)
