"""The survey invitation as a text message: short, in the customer's language, with a short link.

The text names the company, asks the question, gives the link (the short form of the same
token as the email's, apps.surveys.tokens.token_short) and says how to stop text messages:
a reply with the stop word of the customer's language (apps.customers.sms_replies).
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from apps.core.content_languages import content_language_get
from apps.outbox.services import TextMessage
from apps.outbox.sms_length import SmsLength, sms_length
from apps.outbox.webhooks import sms_webhook_path
from apps.surveys.emails import CompanyAddress, company_address_get
from apps.surveys.models import EmailKind, InvitationEmail
from apps.surveys.tokens import token_for, token_short

# A preview's stand-in for a link's token: as long as a real one, so the count is right.
_PREVIEW_TOKEN = "x" * 43


def sms_sender_name(company_name: str) -> str:
    """What the phone shows as the sender: an alphanumeric sender id, at most 11 letters, digits or spaces."""
    name = re.sub(r"[^A-Za-z0-9 ]", "", company_name).strip()[:11].strip()
    return name or settings.SMS_SENDER_DEFAULT


def survey_short_link(*, nonce: str, address: CompanyAddress) -> str:
    return address.site + reverse("survey_short_link", kwargs={"short": token_short(token_for(nonce))})


def invitation_sms_text(*, company_name: str, link: str, language: str, is_reminder: bool = False) -> str:
    with translation.override(content_language_get(language)):
        if is_reminder:
            return _("%(company)s: Please remember to answer: %(link)s Reply STOP to opt out.") % {
                "company": company_name,
                "link": link,
            }
        return _("%(company)s: How did we do? Answer here: %(link)s Reply STOP to opt out.") % {
            "company": company_name,
            "link": link,
        }


def invitation_sms_preview(*, language: str, address: CompanyAddress | None = None) -> tuple[str, SmsLength]:
    """A send-out's text in `language`, with a stand-in link as long as a real one, and its length."""
    address = address or company_address_get()
    link = address.site + reverse("survey_short_link", kwargs={"short": _PREVIEW_TOKEN})
    text = invitation_sms_text(company_name=connection.tenant.name, link=link, language=language)
    return text, sms_length(text)


def invitation_sms_build(*, email: InvitationEmail, address: CompanyAddress | None = None) -> TextMessage:
    """The text message of an invitation (or its reminder), ready for the outbox."""
    invitation = email.invitation
    tenant = connection.tenant
    address = address or company_address_get()
    text = invitation_sms_text(
        company_name=tenant.name,
        link=survey_short_link(nonce=invitation.token_nonce, address=address),
        language=invitation.language,
        is_reminder=email.kind == EmailKind.REMINDER,
    )
    return TextMessage(
        recipient=invitation.customer.phone_normalized,
        text=text,
        sender=sms_sender_name(tenant.name),
        status_url=address.site + sms_webhook_path("status"),
        customer_id=invitation.customer_id,
    )


@dataclass(frozen=True)
class SmsPreviewRow:
    language: str
    messages: int
    text: str
    length: SmsLength

    @property
    def parts(self) -> int:
        return self.messages * self.length.segments


def send_out_sms_preview(*, texted_by_language: dict[str, int]) -> list[SmsPreviewRow]:
    """What a send-out texts in each language: the text, its encoding and parts, and how many go out."""
    address = company_address_get()
    rows = []
    for language, messages in sorted(texted_by_language.items()):
        text, length = invitation_sms_preview(language=language, address=address)
        rows.append(SmsPreviewRow(language=language, messages=messages, text=text, length=length))
    return rows
