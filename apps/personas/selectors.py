"""Reads of buyer personas."""

from typing import Any

from django.db.models import Count, Q, QuerySet

from apps.accounts.scope import scoped, user_location_scope
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


def persona_list_with_customer_counts(*, user: Any, include_archived: bool = False) -> QuerySet[BuyerPersona]:
    """Personas with the number of customers linked to each that `user` may see: a manager scoped to
    locations counts only the customers met there. One query, the scope a subquery inside the count."""
    # "customers" is the reverse name of Customer.persona; reached by name and through the relation's
    # model so this app never imports the customers app (imports flow customers -> personas).
    personas = persona_list(include_archived=include_archived)
    if user_location_scope(user) is None:
        return personas.annotate(customer_count=Count("customers"))
    customer_model = BuyerPersona._meta.get_field("customers").related_model
    visible = scoped(customer_model._default_manager.all(), user=user).values("pk")
    return personas.annotate(customer_count=Count("customers", filter=Q(customers__pk__in=visible)))


def persona_choices() -> QuerySet[BuyerPersona]:
    """Active personas to pick from when linking a customer."""
    return BuyerPersona.objects.filter(is_active=True).order_by("name")


def persona_by_name_map() -> dict[str, BuyerPersona]:
    """Every persona (archived too) keyed by its lower-cased name, for matching imported rows."""
    return {persona.name.strip().lower(): persona for persona in BuyerPersona.objects.all()}
