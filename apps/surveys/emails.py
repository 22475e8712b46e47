"""The survey invitation email: multipart, in the customer's language, from the company's name."""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from apps.core.content_languages import content_language_get
from apps.surveys.models import EmailKind, InvitationEmail
from apps.surveys.tokens import token_for
from apps.tenants.selectors import company_branding, company_url, tenant_primary_domain


@dataclass(frozen=True)
class CompanyAddress:
    """The company's domain and the start of its links, looked up once for a batch of emails."""

    domain: str
    site: str  # scheme://host[:port], without a trailing slash


def company_address_get() -> CompanyAddress:
    tenant = connection.tenant
    return CompanyAddress(domain=tenant_primary_domain(tenant=tenant), site=company_url(tenant=tenant, path=""))


def invitation_links(*, nonce: str, address: CompanyAddress | None = None) -> dict[str, str]:
    site = (address or company_address_get()).site
    token = token_for(nonce)
    return {
        "answer": site + reverse("surveys_public:answer", kwargs={"token": token}),
        "unsubscribe": site + reverse("surveys_public:unsubscribe", kwargs={"token": token}),
    }


def invitation_email_build(*, email: InvitationEmail, address: CompanyAddress | None = None) -> EmailMultiAlternatives:
    """The email, ready for the outbox. `address`: the company's, when the caller builds many."""
    invitation = email.invitation
    customer = invitation.customer
    survey = invitation.survey
    tenant = connection.tenant
    language = content_language_get(invitation.language)
    address = address or company_address_get()
    links = invitation_links(nonce=invitation.token_nonce, address=address)
    branding = company_branding(tenant=tenant, site=address.site)
    with translation.override(language):
        context = {
            "branding": branding,
            "company_name": tenant.name,
            "customer_name": customer.full_name,
            "survey_title": survey.text("title", language),
            "survey_intro": survey.text("intro", language),
            "touchpoint_name": invitation.touchpoint.name if invitation.touchpoint_id else "",
            "answer_url": links["answer"],
            "unsubscribe_url": links["unsubscribe"],
            "expires_at": invitation.expires_at,
            "is_reminder": email.kind == EmailKind.REMINDER,
            "language": language,
        }
        subject = survey.text("title", language)
        if email.kind == EmailKind.REMINDER:
            subject = _("Reminder: %(title)s") % {"title": subject}
        text_body = render_to_string("surveys/email/invitation.txt", context)
        html_body = render_to_string("surveys/email/invitation.html", context)

    domain = address.domain
    message = EmailMultiAlternatives(
        subject=subject,
        body=text_body,
        # The sender name is the company's; the address stays the platform's verified one (docs/branding.md).
        from_email=branding.from_email(default_from=settings.DEFAULT_FROM_EMAIL),
        to=[customer.email],
        headers={
            **({"Reply-To": branding.reply_to} if branding.reply_to else {}),
            # RFC 8058 one-click unsubscribe: mail clients POST to the URL without cookies.
            "List-Unsubscribe": f"<{links['unsubscribe']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # The same id on every attempt, so a receiving system can spot a repeat.
            "Message-ID": f"<survey-{invitation.pk}-{email.kind}.{tenant.schema_name}@{domain}>",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html_body, "text/html")
    return message
