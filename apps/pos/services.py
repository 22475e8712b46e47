"""Writes of the point of service: open links, kiosks, and the answers through them."""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.scope import user_location_scope
from apps.audit.models import AuditEvent
from apps.audit.services import audit_changes, audit_log_record
from apps.core.exceptions import DomainError
from apps.customers.consent import customer_consent_record
from apps.customers.models import ConsentKind, ConsentSource, Customer
from apps.customers.selectors import customer_find
from apps.customers.services import customer_create
from apps.journeys.models import Touchpoint
from apps.locations.models import Location
from apps.pos.keys import address_hash, device_hash, open_code_new, secret_hash, secret_new
from apps.pos.limits import (
    ADDRESS_LIMIT,
    ADDRESS_WINDOW,
    DEVICE_LIMIT,
    DEVICE_WINDOW,
    KIOSK_LIMIT,
    KIOSK_WINDOW,
)
from apps.pos.models import KioskDevice, OpenLink, PointAnswer
from apps.pos.selectors import pos_in_use_forget, touchpoint_open_survey
from apps.surveys.models import Response, ResponseSource
from apps.surveys.responses import RawAnswers, response_record_open

PAIRING_VALID = dt.timedelta(hours=24)


def _limited() -> DomainError:
    return DomainError(
        _("Thank you, we have already received your answers. You can answer again another day."), code="limited"
    )


def _scope_check(*, location: Location | None, acting_user: User | None) -> None:
    """A manager scoped to some locations places links and kiosks only at one of those (an "any
    location" one would be beyond their scope), and is not handed another location's existing link."""
    location_ids = user_location_scope(acting_user)
    if location_ids is not None and (location is None or location.pk not in location_ids):
        message = _("Choose one of your own locations.")
        raise DomainError(message, fields={"location": [message]})


def _in_use_check(location: Location | None) -> None:
    if location is not None and location.archived_at is not None:
        raise DomainError(_("This location is archived."), fields={"location": [_("This location is archived.")]})


def _in_use_changed() -> None:
    """Forget the company's "has open links or kiosks" flag now and again at commit, so that a request
    reading it in between cannot keep a stale answer."""
    pos_in_use_forget()
    transaction.on_commit(pos_in_use_forget)


@transaction.atomic
def open_link_get_or_create(*, touchpoint: Touchpoint, location: Location | None, created_by: User) -> OpenLink:
    """The open link of a touchpoint at a location (or anywhere); the same one every time, so reprinted
    posters keep their code."""
    _scope_check(location=location, acting_user=created_by)
    existing = OpenLink.objects.filter(touchpoint=touchpoint, location=location).first()
    if existing is not None:
        return existing
    _in_use_check(location)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                link = OpenLink.objects.create(
                    code=open_code_new(), touchpoint=touchpoint, location=location, created_by=created_by
                )
        except IntegrityError:
            # A code taken already, or a concurrent create of the same link.
            existing = OpenLink.objects.filter(touchpoint=touchpoint, location=location).first()
            if existing is not None:
                return existing
        else:
            audit_log_record(
                event_type=AuditEvent.SETTINGS_CHANGED, acting_user=created_by, target=link, extra={"created": True}
            )
            _in_use_changed()
            return link
    raise DomainError(_("The link could not be created; please try again."))


@transaction.atomic
def open_link_update(*, link: OpenLink, is_active: bool, acting_user: User | None) -> OpenLink:
    """Open or close a link: a closed link's poster answers "not available"; its answers stay."""
    if link.is_active != is_active:
        before = {"is_active": link.is_active}
        link.is_active = is_active
        link.save(update_fields=["is_active", "updated_at"])
        audit_log_record(
            event_type=AuditEvent.SETTINGS_CHANGED,
            acting_user=acting_user,
            target=link,
            extra=audit_changes(before=before, after={"is_active": is_active}, values_kept=["is_active"]),
        )
    return link


@dataclass(frozen=True)
class ContactDetails:
    """What a customer left on an open survey to be contacted about their answer."""

    name: str
    email: str
    phone: str


def _customer_for_contact(*, contact: ContactDetails, language: str, now: dt.datetime) -> Customer:
    """The customer behind the contact details, matched by email, else new; their consent (ticked on
    the form) goes into the ledger."""
    customer = customer_find(email=contact.email) if contact.email else None
    if customer is None or customer.is_erased:
        customer = customer_create(full_name=contact.name, email=contact.email, phone=contact.phone, language=language)
    customer_consent_record(
        customer=customer, kind=ConsentKind.GIVEN, source=ConsentSource.WEB_FORM, actor=None, at=now
    )
    return customer


def open_answer_submit(
    *,
    link: OpenLink,
    raw_answers: RawAnswers,
    language: str,
    address: str,
    device_id: str,
    contact: ContactDetails | None = None,
    now: dt.datetime | None = None,
) -> Response:
    """Record an answer through an open link (QR code or short link), within the device and address limits.

    The link's row is locked for the check and the write, so parallel answers from one phone
    cannot all slip under a limit.
    """
    now = now or timezone.now()
    survey = touchpoint_open_survey(touchpoint=link.touchpoint)
    if survey is None or not link.is_active:
        raise DomainError(_("This survey is not available."), code="unavailable")
    hashed_address = address_hash(address=address, day=now.date())
    hashed_device = device_hash(device_id=device_id)
    with transaction.atomic():
        list(OpenLink.objects.select_for_update().filter(pk=link.pk).order_by().values_list("pk", flat=True))
        answers = PointAnswer.objects.filter(open_link=link)
        if hashed_device and (
            answers.filter(device_hash=hashed_device, submitted_at__gt=now - DEVICE_WINDOW).count() >= DEVICE_LIMIT
        ):
            raise _limited()
        if hashed_address and (
            answers.filter(address_hash=hashed_address, submitted_at__gt=now - ADDRESS_WINDOW).count() >= ADDRESS_LIMIT
        ):
            raise _limited()
        customer = _customer_for_contact(contact=contact, language=language, now=now) if contact else None
        response = response_record_open(
            survey=survey,
            touchpoint=link.touchpoint,
            source=ResponseSource.QR,
            raw_answers=raw_answers,
            language=language,
            customer=customer,
            now=now,
        )
        PointAnswer.objects.create(
            response=response,
            open_link=link,
            touchpoint=link.touchpoint,
            location=link.location,
            address_hash=hashed_address,
            device_hash=hashed_device,
            submitted_at=now,
        )
    return response


@transaction.atomic
def kiosk_create(
    *, name: str, touchpoint: Touchpoint, location: Location | None, created_by: User, now: dt.datetime | None = None
) -> tuple[KioskDevice, str]:
    """A new kiosk and its one-time pairing token (shown once, stored hashed)."""
    name = " ".join(name.split())
    if not name:
        message = _("Give the kiosk a name.")
        raise DomainError(message, fields={"name": [message]})
    _scope_check(location=location, acting_user=created_by)
    _in_use_check(location)
    kiosk = KioskDevice.objects.create(name=name, touchpoint=touchpoint, location=location, created_by=created_by)
    audit_log_record(
        event_type=AuditEvent.SETTINGS_CHANGED, acting_user=created_by, target=kiosk, extra={"created": True}
    )
    _in_use_changed()
    return kiosk, _pairing_token_set(kiosk=kiosk, now=now)


def _pairing_token_set(*, kiosk: KioskDevice, now: dt.datetime | None) -> str:
    now = now or timezone.now()
    token = secret_new()
    KioskDevice.objects.filter(pk=kiosk.pk).update(
        pairing_hash=secret_hash(token), pairing_expires_at=now + PAIRING_VALID
    )
    return token


@transaction.atomic
def kiosk_pairing_renew(*, kiosk: KioskDevice, acting_user: User | None = None, now: dt.datetime | None = None) -> str:
    """A new one-time pairing token for the kiosk; a tablet paired before stops working when the new one pairs."""
    if kiosk.revoked_at is not None:
        raise DomainError(_("This kiosk has been revoked."), code="revoked")
    token = _pairing_token_set(kiosk=kiosk, now=now)
    audit_log_record(
        event_type=AuditEvent.SETTINGS_CHANGED, acting_user=acting_user, target=kiosk, extra={"changed": ["pairing"]}
    )
    return token


def kiosk_pair(*, pairing_token: str, now: dt.datetime | None = None) -> tuple[KioskDevice, str]:
    """Exchange a pairing token for the device key, once: the claim is one conditional UPDATE."""
    now = now or timezone.now()
    key = secret_new()
    claimed = KioskDevice.objects.filter(
        pairing_hash=secret_hash(pairing_token), pairing_expires_at__gt=now, revoked_at__isnull=True
    ).update(pairing_hash=None, pairing_expires_at=None, key_hash=secret_hash(key), paired_at=now)
    if not claimed:
        raise DomainError(_("This pairing link has been used or has expired."), code="pairing_used")
    return KioskDevice.objects.get(key_hash=secret_hash(key)), key


@transaction.atomic
def kiosk_revoke(*, kiosk: KioskDevice, acting_user: User | None = None, now: dt.datetime | None = None) -> KioskDevice:
    """The kiosk's key and pairing link stop working at once; its answers stay. Revoking twice is a no-op."""
    now = now or timezone.now()
    revoked = KioskDevice.objects.filter(pk=kiosk.pk, revoked_at__isnull=True).update(
        revoked_at=now, key_hash=None, pairing_hash=None, pairing_expires_at=None
    )
    if revoked:
        audit_log_record(
            event_type=AuditEvent.SETTINGS_CHANGED,
            acting_user=acting_user,
            target=kiosk,
            extra={"changed": ["revoked_at"]},
        )
    kiosk.refresh_from_db()
    return kiosk


def kiosk_answer_submit(
    *, kiosk: KioskDevice, raw_answers: RawAnswers, language: str, now: dt.datetime | None = None
) -> Response:
    """Record an answer given on a kiosk, within the kiosk's hourly limit. Always anonymous: a shared
    tablet is no place to type an email address."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = KioskDevice.objects.select_for_update().select_related("touchpoint__stage").get(pk=kiosk.pk)
        survey = touchpoint_open_survey(touchpoint=locked.touchpoint)
        if locked.revoked_at is not None or locked.key_hash is None or survey is None:
            raise DomainError(_("This survey is not available."), code="unavailable")
        if PointAnswer.objects.filter(kiosk=locked, submitted_at__gt=now - KIOSK_WINDOW).count() >= KIOSK_LIMIT:
            raise DomainError(
                _("Thank you! This kiosk has taken many answers in a short time; please try again in a moment."),
                code="limited",
            )
        response = response_record_open(
            survey=survey,
            touchpoint=locked.touchpoint,
            source=ResponseSource.KIOSK,
            raw_answers=raw_answers,
            language=language,
            now=now,
        )
        PointAnswer.objects.create(
            response=response, kiosk=locked, touchpoint=locked.touchpoint, location=locked.location, submitted_at=now
        )
        KioskDevice.objects.filter(pk=locked.pk).update(last_seen_at=now)
    return response
