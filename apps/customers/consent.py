"""The consent ledger: every change of a customer's consent is a ConsentEvent, and the
Customer's consent columns (survey_consent, consent_given_at, consent_source, unsubscribed,
unsubscribed_at) are its projection, written in the same transaction as the event.

The columns stay because lists, filters and the survey senders read them; nothing but
this module writes them (the customer import and the demo seed build events here too,
in bulk). tests/customers/test_consent_ledger.py replays every customer's ledger and
compares it with the columns.

The transitions. A change to the state the customer already has is a no-op, not an
error: it records nothing and returns None. The import, the forms and mail programs'
one-click unsubscribes all repeat states, and a repeat is no change of consent.

- given: switches consent on (consent_given_at = its time, consent_source = its source).
- withdrawn: switches consent off.
- unsubscribed: no more surveys; the first unsubscribe's time is kept.
- resubscribed: the customer wants surveys again.
- sms_stopped / sms_resumed: no more text messages (a STOP reply), or text messages again;
  the text message channel alone, so an email survey may still go out.

Consent and unsubscribing are independent, as before the ledger: an unsubscribed customer
who gives consent stays unsubscribed until resubscribed. An unknown kind or source, a
wording version that does not exist or a time in the future is a DomainError.

Every event carries the wording version in force when it was recorded (the newest
ConsentWording) unless the caller names the version the customer saw.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.exceptions import DomainError
from apps.customers.models import ConsentEvent, ConsentKind, ConsentSource, ConsentWording, Customer

# A time a little ahead of the server's clock is skew, not the future.
_FUTURE_TOLERANCE = dt.timedelta(minutes=5)
CONSENT_COLUMNS = [
    "survey_consent",
    "consent_given_at",
    "consent_source",
    "unsubscribed",
    "unsubscribed_at",
    "sms_stopped",
    "sms_stopped_at",
]


class ConsentColumns(Protocol):
    survey_consent: bool
    consent_given_at: dt.datetime | None
    consent_source: str
    unsubscribed: bool
    unsubscribed_at: dt.datetime | None
    sms_stopped: bool
    sms_stopped_at: dt.datetime | None


@dataclass
class ConsentState:
    """The consent columns as a replay of the ledger computes them."""

    survey_consent: bool = False
    consent_given_at: dt.datetime | None = None
    consent_source: str = ""
    unsubscribed: bool = False
    unsubscribed_at: dt.datetime | None = None
    sms_stopped: bool = False
    sms_stopped_at: dt.datetime | None = None

    @classmethod
    def of(cls, customer: Customer) -> "ConsentState":
        return cls(**{name: getattr(customer, name) for name in CONSENT_COLUMNS})


def consent_state_apply(state: ConsentColumns, *, kind: str, source: str, at: dt.datetime) -> bool:
    """Apply one change to `state` (a Customer or a ConsentState); False when it changes nothing."""
    if kind == ConsentKind.GIVEN:
        if state.survey_consent:
            return False
        state.survey_consent, state.consent_given_at, state.consent_source = True, at, source
    elif kind == ConsentKind.WITHDRAWN:
        if not state.survey_consent:
            return False
        state.survey_consent, state.consent_given_at, state.consent_source = False, None, ""
    elif kind == ConsentKind.UNSUBSCRIBED:
        if state.unsubscribed:
            return False
        state.unsubscribed, state.unsubscribed_at = True, at
    elif kind == ConsentKind.RESUBSCRIBED:
        if not state.unsubscribed:
            return False
        state.unsubscribed, state.unsubscribed_at = False, None
    elif kind == ConsentKind.SMS_STOPPED:
        if state.sms_stopped:
            return False
        state.sms_stopped, state.sms_stopped_at = True, at
    elif kind == ConsentKind.SMS_RESUMED:
        if not state.sms_stopped:
            return False
        state.sms_stopped, state.sms_stopped_at = False, None
    else:
        raise DomainError(_("Unknown consent change."), fields={"kind": [_("Select a valid choice.")]})
    return True


def consent_replay(events: Iterable[ConsentEvent]) -> ConsentState:
    """The consent columns that `events` (one customer's, in the order recorded) make."""
    state = ConsentState()
    for event in events:
        consent_state_apply(state, kind=event.kind, source=event.source, at=event.at)
    return state


def consent_wording_current() -> ConsentWording:
    """The wording in force: the newest version (version 1 exists in every company from its migrations)."""
    return ConsentWording.objects.order_by("-version").first()


def _wording(version: int | None) -> ConsentWording:
    if version is None:
        return consent_wording_current()
    wording = ConsentWording.objects.filter(version=version).first()
    if wording is None:
        message = _("There is no consent wording version %(version)s.") % {"version": version}
        raise DomainError(message, fields={"wording_version": [message]})
    return wording


def _check(*, kind: str, source: str, at: dt.datetime) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in ConsentKind.values:
        errors["kind"] = [_("Select a valid choice.")]
    if source not in ConsentSource.values:
        errors["source"] = [_("Select a valid choice.")]
    if at > timezone.now() + _FUTURE_TOLERANCE:
        errors["at"] = [_("A change of consent cannot be in the future.")]
    if errors:
        raise DomainError(_("The change of consent cannot be recorded."), fields=errors)


def consent_event_build(
    *,
    customer: Customer,
    kind: str,
    source: str,
    actor: User | None,
    wording: ConsentWording,
    at: dt.datetime,
    encounter_ref: int | None = None,
    import_ref: int | None = None,
    invitation_ref: int | None = None,
) -> ConsentEvent | None:
    """Apply a change to `customer`'s columns in memory and return its unsaved event (None: no change).

    For writers of many customers at once (the import, the demo seed), which save the columns
    and bulk-create the events in one transaction; everyone else calls customer_consent_record.
    """
    _check(kind=kind, source=source, at=at)
    if not consent_state_apply(customer, kind=kind, source=source, at=at):
        return None
    return ConsentEvent(
        customer=customer,
        kind=kind,
        at=at,
        source=source,
        actor=actor,
        wording=wording,
        encounter_ref=encounter_ref,
        import_ref=import_ref,
        invitation_ref=invitation_ref,
    )


@transaction.atomic
def customer_consent_record(
    *,
    customer: Customer,
    kind: str,
    source: str,
    actor: User | None,
    wording_version: int | None = None,
    at: dt.datetime | None = None,
    encounter_ref: int | None = None,
    import_ref: int | None = None,
    invitation_ref: int | None = None,
) -> ConsentEvent | None:
    """Record one change of consent and update the customer's consent columns; None when it changes nothing.

    `customer` is updated in memory too, so the caller sees the new state.
    """
    at = at or timezone.now()
    wording = _wording(wording_version)
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    event = consent_event_build(
        customer=locked,
        kind=kind,
        source=source,
        actor=actor,
        wording=wording,
        at=at,
        encounter_ref=encounter_ref,
        import_ref=import_ref,
        invitation_ref=invitation_ref,
    )
    for name in CONSENT_COLUMNS:
        setattr(customer, name, getattr(locked, name))
    if event is None:
        return None
    locked.save(update_fields=[*CONSENT_COLUMNS, "updated_at"])
    customer.updated_at = locked.updated_at
    event.save()
    return event


@transaction.atomic
def consent_wording_create(*, text_fi: str, text_en: str, created_by: User | None, text_sv: str = "") -> ConsentWording:
    """A new version of the consent text, in force from now on; the earlier versions stay as they were.
    Finnish and English are required; Swedish is optional (a Swedish reader falls back without it)."""
    text_fi, text_en, text_sv = text_fi.strip(), text_en.strip(), text_sv.strip()
    texts = {"text_fi": text_fi, "text_en": text_en}
    errors = {field: [_("This field is required.")] for field, text in texts.items() if not text}
    if errors:
        raise DomainError(_("The consent wording cannot be saved."), fields=errors)
    latest = ConsentWording.objects.aggregate(latest=Max("version"))["latest"] or 0
    try:
        with transaction.atomic():
            return ConsentWording.objects.create(
                version=latest + 1,
                text_fi=text_fi,
                text_sv=text_sv,
                text_en=text_en,
                created_at=timezone.now(),
                created_by=created_by,
            )
    except IntegrityError as error:
        raise DomainError(_("Someone saved a new wording at the same time; try again."), code="conflict") from error
