"""Writes on customers. Each runs in one transaction and raises DomainError on a broken rule."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.exceptions import DomainError
from apps.customers.models import ConsentSource, Customer, Language, Segment
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
        errors["language"] = [_("Choose Finnish or English.")]
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


def _apply_consent(customer: Customer, *, consent: bool, source: str, at: datetime | None) -> None:
    if consent and not customer.survey_consent:
        if source not in ConsentSource.values:
            raise DomainError(_("Unknown consent source."), fields={"consent_source": [_("Select a valid choice.")]})
        customer.survey_consent = True
        customer.consent_given_at = at or timezone.now()
        customer.consent_source = source
    elif not consent and customer.survey_consent:
        customer.survey_consent = False
        customer.consent_given_at = None
        customer.consent_source = ""


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
) -> Customer:
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
    customer = Customer(**fields, created_by=created_by)
    _apply_consent(customer, consent=survey_consent, source=consent_source, at=consent_given_at)
    customer.save()
    return customer


@transaction.atomic
def customer_update(
    *,
    customer: Customer,
    survey_consent: bool | None = None,
    consent_source: str = ConsentSource.STAFF,
    **changes: Any,
) -> Customer:
    """Change profile fields; `survey_consent` switches consent on (recording when and how) or off."""
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.is_erased:
        raise DomainError(_("This customer's personal data was erased; the customer cannot be edited."), code="erased")
    for field, value in _validated(dict(changes), customer=customer).items():
        setattr(customer, field, value)
    if survey_consent is not None:
        _apply_consent(customer, consent=survey_consent, source=consent_source, at=None)
    customer.save()
    return customer


@transaction.atomic
def customer_consent_give(*, customer: Customer, source: str, at: datetime | None = None) -> Customer:
    """Record that the customer agreed to be surveyed, when and through which channel."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    _apply_consent(customer, consent=True, source=source, at=at)
    customer.save(update_fields=["survey_consent", "consent_given_at", "consent_source", "updated_at"])
    return customer


@transaction.atomic
def customer_consent_withdraw(*, customer: Customer) -> Customer:
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    _apply_consent(customer, consent=False, source="", at=None)
    customer.save(update_fields=["survey_consent", "consent_given_at", "consent_source", "updated_at"])
    return customer


@transaction.atomic
def customer_unsubscribe(*, customer: Customer, at: datetime | None = None) -> Customer:
    """The customer asked for no more surveys. Idempotent: the first time is kept."""
    Customer.objects.filter(pk=customer.pk, unsubscribed=False).update(
        unsubscribed=True, unsubscribed_at=at or timezone.now(), updated_at=timezone.now()
    )
    customer.refresh_from_db()
    return customer


@transaction.atomic
def customer_resubscribe(*, customer: Customer) -> Customer:
    Customer.objects.filter(pk=customer.pk).update(unsubscribed=False, unsubscribed_at=None, updated_at=timezone.now())
    customer.refresh_from_db()
    return customer


@transaction.atomic
def segment_get_or_create(*, name: str) -> Segment:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("A segment needs a name."), fields={"name": [_("This field is required.")]})
    segment = Segment.objects.filter(name__iexact=name).first()
    return segment or Segment.objects.create(name=name)
