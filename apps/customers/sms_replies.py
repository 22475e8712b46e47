"""Replies to the company's text messages: a stop word ends text messages to that phone.

The provider posts each reply to the company's inbound webhook (apps.outbox.webhooks). A
reply whose first word is a stop word, in any of the customer-facing languages or the
international STOP, records "text messages stopped" in the consent ledger of every
customer with that number (one phone may belong to more than one profile). The reply's
text is not kept: it is the customer's, and nothing but the keyword is needed.
"""

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone

from apps.customers.consent import customer_consent_record
from apps.customers.models import ConsentKind, ConsentSource, Customer
from apps.customers.phones import phone_normalize

# STOP (international), LOPETA and POIS (Finnish: stop, off), SLUTA (Swedish: stop).
SMS_STOP_WORDS = frozenset({"STOP", "STOPP", "LOPETA", "LOPPU", "POIS", "SLUTA"})


def sms_reply_is_stop(text: str) -> bool:
    words = re.findall(r"\w+", text or "")
    return bool(words) and words[0].upper() in SMS_STOP_WORDS


@transaction.atomic
def customer_sms_reply_record(*, sender: str, text: str, at: dt.datetime | None = None) -> int:
    """Act on one reply from `sender` (a phone number); returns how many customers stopped text messages."""
    if not sms_reply_is_stop(text):
        return 0
    phone = phone_normalize(sender if sender.startswith(("+", "0")) else f"+{sender}")
    if not phone:
        return 0
    at = at or timezone.now()
    stopped = 0
    for customer in Customer.objects.filter(phone_normalized=phone, erased_at__isnull=True):
        event = customer_consent_record(
            customer=customer, kind=ConsentKind.SMS_STOPPED, source=ConsentSource.SMS_REPLY, actor=None, at=at
        )
        stopped += event is not None
    return stopped
