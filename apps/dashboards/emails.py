import datetime as dt

from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.selectors import user_language
from apps.dashboards.models import DigestExternalRecipient
from apps.dashboards.selectors.digest import Digest, digest_build
from apps.tenants.selectors import company_time_zone, company_url


def digest_email(*, user: User, week_start: dt.date, now: dt.datetime | None = None) -> EmailMultiAlternatives:
    """The Monday digest for one manager, in their language (the company's, else the app's).

    The digest page's preview shows this very message, and "send now" sends it.
    """
    tenant = connection.tenant
    with translation.override(user_language(user)), timezone.override(company_time_zone()):
        digest = digest_build(user=user, week_start=week_start, now=now)
        context = {
            "digest": digest,
            "reader_name": user.get_short_name(),
            "company_name": tenant.name,
            "dashboard_url": company_url(tenant=tenant, path="/dashboard/"),
            "settings_url": company_url(tenant=tenant, path=reverse("digest:settings")),
        }
        subject = _("%(company)s: customer experience in week %(week)s") % {
            "company": tenant.name,
            "week": digest.week_number,
        }
        text = render_to_string("dashboards/email/digest.txt", context)
        html = render_to_string("dashboards/email/digest.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[user.email])
    message.attach_alternative(html, "text/html")
    return message


UNSUBSCRIBE_SALT = "kokemus.dashboards.digest-unsubscribe"


def digest_unsubscribe_token(*, recipient: DigestExternalRecipient) -> str:
    """Signed (not stored): the recipient's id, so a link cannot be made for another address."""
    return signing.dumps({"r": recipient.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def digest_unsubscribe_recipient_id(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    recipient_id = value.get("r") if isinstance(value, dict) else None
    return recipient_id if isinstance(recipient_id, int) else None


def digest_email_external(
    *,
    recipient: DigestExternalRecipient,
    week_start: dt.date,
    now: dt.datetime | None = None,
    built: dict[str, Digest] | None = None,
) -> EmailMultiAlternatives:
    """The company-wide digest for an address without an account, in the recipient's language (else the
    company's), with its own one-click unsubscribe (RFC 8058) as the survey emails have. `built`: the
    digests already read for this send, by language, so a send to the whole list reads each once."""
    unsubscribe_url = company_url(
        tenant=connection.tenant,
        path=reverse("digest_public:unsubscribe", args=[digest_unsubscribe_token(recipient=recipient)]),
    )
    return _external_message(
        email=recipient.email,
        unsubscribe_url=unsubscribe_url,
        language=recipient.language or user_language(None),
        week_start=week_start,
        now=now,
        built=built,
    )


def digest_email_external_preview(*, week_start: dt.date, language: str = "") -> EmailMultiAlternatives:
    """The list's digest as its recipients get it, for the confirmation page: no address, and an
    unsubscribe link that leads nowhere."""
    return _external_message(
        email="", unsubscribe_url="#", language=language or user_language(None), week_start=week_start
    )


def _external_message(
    *,
    email: str,
    unsubscribe_url: str,
    language: str,
    week_start: dt.date,
    now: dt.datetime | None = None,
    built: dict[str, Digest] | None = None,
) -> EmailMultiAlternatives:
    tenant = connection.tenant
    with translation.override(language), timezone.override(company_time_zone()):
        digest = built.get(language) if built is not None else None
        if digest is None:
            digest = digest_build(user=None, week_start=week_start, now=now)
            if built is not None:
                built[language] = digest
        context = {
            "digest": digest,
            "company_name": tenant.name,
            "dashboard_url": "",
            "settings_url": unsubscribe_url,
        }
        subject = _("%(company)s: customer experience in week %(week)s") % {
            "company": tenant.name,
            "week": digest.week_number,
        }
        text = render_to_string("dashboards/email/digest.txt", context)
        html = render_to_string("dashboards/email/digest.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[email] if email else [],
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    message.attach_alternative(html, "text/html")
    return message
