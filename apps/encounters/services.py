"""Logging encounters. The follow-up survey is scheduled by apps.surveys from the encounter row itself."""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.scope import user_location_scope
from apps.core.exceptions import DomainError
from apps.customers.models import ConsentSource, Customer, Language
from apps.customers.selectors import customer_find, customer_get
from apps.customers.services import customer_consent_give, customer_create
from apps.encounters.models import FEELING_MAX, FEELING_MIN, Encounter, EncounterSource, Outcome
from apps.journeys.models import Touchpoint
from apps.locations.models import Location

# An encounter is logged when it happens; a little clock skew is fine, the future is not.
_FUTURE_TOLERANCE = dt.timedelta(minutes=5)
_OLDEST_ALLOWED = dt.timedelta(days=30)


def _validate(
    *,
    outcome: str,
    peak_feeling: int | None,
    end_feeling: int | None,
    occurred_at: dt.datetime,
    now: dt.datetime,
    location: Location | None,
    scope: frozenset[int] | None,
) -> None:
    errors: dict[str, list[str]] = {}
    if location is not None and not location.is_active:
        errors["location"] = [_("This location is archived: choose one in use.")]
    elif scope is not None and (location is None or location.pk not in scope):
        # A manager scoped to locations logs only there: anywhere else the encounter would leave their sight.
        errors["location"] = [_("Choose one of the locations you are responsible for.")]
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Choose resolved, unresolved or escalated.")]
    for field, value in (("peak_feeling", peak_feeling), ("end_feeling", end_feeling)):
        if value is not None and not FEELING_MIN <= value <= FEELING_MAX:
            errors[field] = [_("Choose a feeling from -2 to +2.")]
    if occurred_at > now + _FUTURE_TOLERANCE:
        errors["occurred_at"] = [_("An encounter cannot be in the future.")]
    elif occurred_at < now - _OLDEST_ALLOWED:
        errors["occurred_at"] = [_("Log encounters within 30 days.")]
    if errors:
        raise DomainError(_("The encounter has invalid fields."), fields=errors)


def encounter_log(
    *,
    logged_by: User | None,
    customer: Customer,
    touchpoint: Touchpoint,
    outcome: str,
    location: Location | None = None,
    peak_feeling: int | None = None,
    end_feeling: int | None = None,
    note: str = "",
    raised_to_management: bool = False,
    survey_agreed: bool = False,
    occurred_at: dt.datetime | None = None,
    source: str = EncounterSource.FRONTLINE,
    external_id: str = "",
    now: dt.datetime | None = None,
) -> Encounter:
    """Record an encounter. When the customer agreed to a follow-up survey, their consent is recorded too.

    With an `external_id` (integrations) a resend returns the encounter already logged.
    `now` is the clock the time checks use (injected by tests and the demo seed).
    """
    now = now or timezone.now()
    occurred_at = occurred_at or now
    _validate(
        outcome=outcome,
        peak_feeling=peak_feeling,
        end_feeling=end_feeling,
        occurred_at=occurred_at,
        now=now,
        location=location,
        scope=user_location_scope(logged_by),
    )
    if external_id:
        existing = Encounter.objects.filter(external_id=external_id).first()
        if existing is not None:
            return existing
    try:
        # The savepoint is for a resend racing this one with the same external id (caught below).
        with transaction.atomic(savepoint=bool(external_id)):
            encounter = Encounter.objects.create(
                customer=customer,
                touchpoint=touchpoint,
                location=location,
                logged_by=logged_by,
                occurred_at=occurred_at,
                outcome=outcome,
                peak_feeling=peak_feeling,
                end_feeling=end_feeling,
                note=note.strip(),
                raised_to_management=raised_to_management,
                survey_agreed=survey_agreed,
                source=source,
                external_id=external_id,
            )
            if survey_agreed and not customer.survey_consent:
                consent_source = ConsentSource.API if source == EncounterSource.API else ConsentSource.FRONTLINE
                customer_consent_give(
                    customer=customer,
                    source=consent_source,
                    actor=logged_by,
                    at=occurred_at,
                    encounter_ref=encounter.pk,
                )
    except IntegrityError:
        if external_id:
            return Encounter.objects.get(external_id=external_id)
        raise
    return encounter


@dataclass(frozen=True)
class CustomerRef:
    """Who the encounter was with: an existing customer's id, or what identifies (or creates) one."""

    customer_id: int | None = None
    external_id: str = ""
    email: str = ""
    phone: str = ""
    full_name: str = ""
    language: str = Language.FI


# The customer service's field names, as the encounter forms and the API call them.
_CUSTOMER_FIELDS = {"full_name": "customer_name", "email": "customer_email", "phone": "customer_phone"}


def encounter_customer_resolve(*, ref: CustomerRef, created_by: User | None) -> Customer:
    """The customer `ref` names: by id, else by external id or email, else a new one from its fields."""
    if ref.customer_id is not None:
        customer = customer_get(user=created_by, customer_id=ref.customer_id)
        if customer is None:
            message = _("No such customer.")
            raise DomainError(message, fields={"customer": [message]})
        if customer.is_erased:
            # Nothing new is written about a person whose data was erased; if they come back, they are a new customer.
            message = _("This customer's personal data was erased. Log the visit for a new customer.")
            raise DomainError(message, code="erased", fields={"customer": [message]})
        return customer
    existing = customer_find(external_id=ref.external_id, email=ref.email)
    if existing is not None:
        return existing
    if not (ref.full_name.strip() or ref.email.strip() or ref.phone.strip()):
        message = _("Choose a customer or enter a new one.")
        raise DomainError(message, fields={"customer": [message]})
    try:
        return customer_create(
            full_name=ref.full_name,
            email=ref.email,
            phone=ref.phone,
            language=ref.language,
            external_id=ref.external_id,
            created_by=created_by,
        )
    except DomainError as error:
        fields = {
            _CUSTOMER_FIELDS.get(field, f"customer_{field}"): messages for field, messages in error.fields.items()
        }
        raise DomainError(error.message, code=error.code, fields=fields) from error


@transaction.atomic
def encounter_log_for(
    *,
    logged_by: User | None,
    customer_ref: CustomerRef,
    touchpoint: Touchpoint,
    external_id: str = "",
    **fields: object,
) -> tuple[Encounter, bool]:
    """Find or create the customer and log the encounter, all or nothing. Returns (encounter, created).

    A resend with a known `external_id` returns the first encounter and changes nothing.
    """
    if external_id:
        existing = Encounter.objects.filter(external_id=external_id).first()
        if existing is not None:
            return existing, False
    customer = encounter_customer_resolve(ref=customer_ref, created_by=logged_by)
    encounter = encounter_log(
        logged_by=logged_by, customer=customer, touchpoint=touchpoint, external_id=external_id, **fields
    )
    return encounter, True
