"""Reads of buyer personas."""

from django.db.models import Count, QuerySet

from apps.personas.models import BuyerPersona


def persona_list(*, include_archived: bool = False, stage: str = "", search: str = "") -> QuerySet[BuyerPersona]:
    personas = BuyerPersona.objects.all().order_by("-is_active", "name")
    if not include_archived:
        personas = personas.filter(is_active=True)
    if stage:
        personas = personas.filter(inbound_stage=stage)
    if search:
        personas = personas.filter(name__icontains=search.strip())
    return personas


def persona_list_with_customer_counts(*, include_archived: bool = False) -> QuerySet[BuyerPersona]:
    # "customers" is the reverse name of Customer.persona; counted by name so this
    # app never imports the customers app (imports flow customers -> personas).
    return persona_list(include_archived=include_archived).annotate(customer_count=Count("customers"))


def persona_choices() -> QuerySet[BuyerPersona]:
    """Active personas to pick from when linking a customer."""
    return BuyerPersona.objects.filter(is_active=True).order_by("name")


def persona_by_name_map() -> dict[str, BuyerPersona]:
    """Every persona (archived too) keyed by its lower-cased name, for matching imported rows."""
    return {persona.name.strip().lower(): persona for persona in BuyerPersona.objects.all()}
