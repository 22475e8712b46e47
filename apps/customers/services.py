"""Writes on customers. Each runs in one transaction and raises DomainError on a broken rule.

Every change of consent goes through the ledger (apps.customers.consent.customer_consent_record);
the consent helpers here name the change for their callers."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.exceptions import DomainError
from apps.customers.consent import customer_consent_record
from apps.customers.models import ConsentKind, ConsentSource, Customer, Language, Segment
from apps.customers.phones import phone_normalize
from apps.personas.models import BuyerPersona

_EDITABLE = {"full_name", "email", "phone", "language", "segment", "persona", "external_id"}


def email_normalize(email: str) -> str:
    return (email or "").strip().lower()


def _validated(changes: dict[str, Any], *, customer: Customer | None) -> dict[str, Any]:
    """Normalise and check `changes`; every problem is reported at once."""
    errors: dict[str, list[str]] = {}
    exclude_pk = customer.pk if customer is not None else None

    if "full_name" in changes:
        changes["full_name"] = " ".join(str(changes["full_name"] or "").split())
    if "email" in changes:
        changes["email"] = email_normalize(changes["email"])
        if changes["email"]:
            try:
                validate_email(changes["email"])
            except ValidationError:
                errors["email"] = [_("Enter a valid email address.")]
            else:
                if Customer.objects.filter(email=changes["email"]).exclude(pk=exclude_pk).exists():
                    errors["email"] = [_("Another customer already has this email.")]
    if "phone" in changes:
        changes["phone"] = str(changes["phone"] or "").strip()
        normalized = phone_normalize(changes["phone"])
        if normalized is None:
            errors["phone"] = [_("Enter a phone number, e.g. 040 123 4567 or +358 40 123 4567.")]
        else:
            changes["phone_normalized"] = normalized
    if "language" in changes and changes["language"] not in Language.values:
        errors["language"] = [_("Choose Finnish, Swedish or English.")]
    if "external_id" in changes:
        changes["external_id"] = str(changes["external_id"] or "").strip()
        if (
            changes["external_id"]
            and Customer.objects.filter(external_id=changes["external_id"]).exclude(pk=exclude_pk).exists()
        ):
            errors["external_id"] = [_("Another customer already has this external id.")]
    if "segment" in changes and changes["segment"] is not None and not isinstance(changes["segment"], Segment):
        errors["segment"] = [_("Select a valid choice.")]
    if "persona" in changes and changes["persona"] is not None and not isinstance(changes["persona"], BuyerPersona):
        errors["persona"] = [_("Select a valid choice.")]

    email = changes.get("email", customer.email if customer else "")
    phone = changes.get("phone_normalized", customer.phone_normalized if customer else "")
    if not email and not phone and "email" not in errors and "phone" not in errors:
        errors["email"] = [_("Give an email address or a phone number (an email is needed to send surveys).")]
    if errors:
        raise DomainError(_("The customer cannot be saved."), fields=errors)
    return changes


@transaction.atomic
def customer_create(
    *,
    full_name: str = "",
    email: str = "",
    phone: str = "",
    language: str = Language.FI,
    segment: Segment | None = None,
    persona: BuyerPersona | None = None,
    external_id: str = "",
    survey_consent: bool = False,
    consent_source: str = ConsentSource.STAFF,
    consent_given_at: datetime | None = None,
    created_by: User | None = None,
    consent_actor: User | None = None,
) -> Customer:
    """Add a customer; with `survey_consent` their consent is recorded in the ledger
    (by `consent_actor`, else by `created_by`)."""
    fields = _validated(
        {
            "full_name": full_name,
            "email": email,
            "phone": phone,
            "language": language,
            "segment": segment,
            "persona": persona,
            "external_id": external_id,
        },
        customer=None,
    )
    customer = Customer.objects.create(**fields, created_by=created_by)
    if survey_consent:
        customer_consent_record(
            customer=customer,
            kind=ConsentKind.GIVEN,
            source=consent_source,
            actor=consent_actor or created_by,
            at=consent_given_at,
        )
    return customer


@transaction.atomic
def customer_update(
    *,
    customer: Customer,
    survey_consent: bool | None = None,
    consent_source: str = ConsentSource.STAFF,
    consent_actor: User | None = None,
    **changes: Any,
) -> Customer:
    """Change profile fields; `survey_consent` gives or withdraws consent (a ledger event by `consent_actor`)."""
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.is_erased:
        raise DomainError(_("This customer's personal data was erased; the customer cannot be edited."), code="erased")
    for field, value in _validated(dict(changes), customer=customer).items():
        setattr(customer, field, value)
    customer.save()
    if survey_consent is not None:
        customer_consent_record(
            customer=customer,
            kind=ConsentKind.GIVEN if survey_consent else ConsentKind.WITHDRAWN,
            source=consent_source,
            actor=consent_actor,
        )
    return customer


def customer_consent_give(
    *,
    customer: Customer,
    source: str,
    actor: User | None = None,
    at: datetime | None = None,
    encounter_ref: int | None = None,
) -> Customer:
    """Record that the customer agreed to be surveyed, when, through which channel and by whom."""
    customer_consent_record(
        customer=customer, kind=ConsentKind.GIVEN, source=source, actor=actor, at=at, encounter_ref=encounter_ref
    )
    return customer


def customer_consent_withdraw(
    *, customer: Customer, source: str = ConsentSource.STAFF, actor: User | None = None
) -> Customer:
    customer_consent_record(customer=customer, kind=ConsentKind.WITHDRAWN, source=source, actor=actor)
    return customer


def customer_unsubscribe(
    *,
    customer: Customer,
    source: str = ConsentSource.STAFF,
    actor: User | None = None,
    at: datetime | None = None,
    invitation_ref: int | None = None,
) -> Customer:
    """The customer asked for no more surveys. Idempotent: the first time is kept."""
    customer_consent_record(
        customer=customer,
        kind=ConsentKind.UNSUBSCRIBED,
        source=source,
        actor=actor,
        at=at,
        invitation_ref=invitation_ref,
    )
    return customer


@transaction.atomic
def segment_get_or_create(*, name: str) -> Segment:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("A segment needs a name."), fields={"name": [_("This field is required.")]})
    segment = Segment.objects.filter(name__iexact=name).first()
    return segment or Segment.objects.create(name=name)
