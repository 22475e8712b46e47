"""Handing a text message to an SMS provider: the interface, and the backends settings choose from.

SMS_BACKEND names the class, as EMAIL_BACKEND does for email:
- `GatewayApiBackend`: GatewayAPI's REST API (https://gatewayapi.com/docs/), plain HTTPS
  with `requests`; why this provider: docs/sms.md.
- `CatcherBackend` (development): the text goes to the mail catcher as an email whose
  subject names the phone, so a newcomer sees it at http://127.0.0.1:8025/.
- `LocmemBackend` (tests): kept in `sms_outbox`, like Django's mail.outbox.

A backend raises `SmsTemporaryError` when a later try may succeed (the provider is down,
answered 5xx or 429, or did not answer in time) and `SmsRejectedError` when it never will
(a 4xx: a bad number, a refused text); the outbox retries the first and gives up on the second.
"""

import logging
import uuid
from dataclasses import dataclass, field

import requests
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string

from apps.outbox.sms_length import UCS2, sms_length

logger = logging.getLogger(__name__)


class SmsTemporaryError(Exception):
    """The provider could not take the message now; a later try may succeed."""


class SmsRejectedError(Exception):
    """The provider refused the message; trying again will not help."""


@dataclass(frozen=True)
class SmsMessage:
    recipient: str  # E.164, "+358401234567"
    text: str
    sender: str
    # Our stable id for the message (the outbox row's Message-ID): the same on every try.
    reference: str
    # Where the provider posts its delivery reports for this message ("" for none).
    status_url: str = ""
    extra: dict[str, str] = field(default_factory=dict)


class SmsBackend:
    def send(self, message: SmsMessage) -> str:
        """Hand `message` to the provider; returns the provider's id for it."""
        raise NotImplementedError


def sms_backend_get() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


class GatewayApiBackend(SmsBackend):
    """POST /rest/mtsms with the message as JSON, authenticated by the account's API token.

    The request carries `userref` (our reference, echoed in every delivery report, so a
    report finds its row even when the answer to the send was lost) and `callback_url`
    (the company's delivery report address). A UCS-2 text says so in `encoding`: GatewayAPI
    sends GSM-7 otherwise and would mangle the characters outside it.
    """

    def __init__(self) -> None:
        self.url = settings.SMS_GATEWAYAPI_URL
        self.token = settings.SMS_GATEWAYAPI_TOKEN
        self.timeout = settings.SMS_TIMEOUT_SECONDS

    def send(self, message: SmsMessage) -> str:
        payload: dict[str, object] = {
            "sender": message.sender,
            "message": message.text,
            "recipients": [{"msisdn": int(message.recipient.lstrip("+"))}],
            "userref": message.reference,
        }
        if message.status_url:
            payload["callback_url"] = message.status_url
        if sms_length(message.text).encoding == UCS2:
            payload["encoding"] = "UCS2"
        try:
            response = requests.post(
                self.url,
                json=payload,
                auth=(self.token, ""),
                timeout=(min(self.timeout, 5), self.timeout),
            )
        except requests.RequestException as error:
            # A timeout after the request went out is ambiguous: the provider may have taken it.
            # The retry sends the same userref, so a report for either copy finds the row.
            raise SmsTemporaryError(f"{type(error).__name__}: {error}") from error
        if response.status_code >= 500 or response.status_code == 429:
            raise SmsTemporaryError(f"HTTP {response.status_code}: {response.text[:200]}")
        if response.status_code >= 400:
            raise SmsRejectedError(f"HTTP {response.status_code}: {response.text[:200]}")
        try:
            return str(response.json()["ids"][0])
        except (ValueError, KeyError, IndexError, TypeError) as error:
            raise SmsTemporaryError(f"unexpected answer: {response.text[:200]}") from error


class CatcherBackend(SmsBackend):
    """Development: the text as an email through the email backend (the mail catcher in `dev.py run`)."""

    def send(self, message: SmsMessage) -> str:
        length = sms_length(message.text)
        logger.info("SMS to %s (%s part(s)): %s", message.recipient, length.segments, message.text)
        body = (
            f"{message.text}\n\n"
            f"-- \nSMS {message.sender} → {message.recipient}: {length.encoding_label}, "
            f"{length.units} units, {length.segments} part(s)\n"
        )
        EmailMessage(
            subject=f"[SMS] {message.recipient}",
            body=body,
            from_email=f"sms-{message.sender}@sms.invalid",
            to=[f"{message.recipient.lstrip('+')}@sms.invalid"],
            headers={"X-Kokemus-Channel": "sms", "X-Kokemus-Sms-Reference": message.reference},
            connection=get_connection(),
        ).send()
        return f"catcher-{uuid.uuid4().hex[:12]}"


sms_outbox: list[SmsMessage] = []


class LocmemBackend(SmsBackend):
    """Tests: every text kept in `sms_outbox`."""

    def send(self, message: SmsMessage) -> str:
        sms_outbox.append(message)
        return f"locmem-{len(sms_outbox)}"
