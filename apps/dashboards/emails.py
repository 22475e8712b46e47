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
from apps.dashboards.selectors.digest import digest_build
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
    *, recipient: DigestExternalRecipient, week_start: dt.date, now: dt.datetime | None = None
) -> EmailMultiAlternatives:
    """The company-wide digest for an address without an account, in the company's language, with a
    one-click unsubscribe (RFC 8058) as the survey emails have."""
    tenant = connection.tenant
    unsubscribe_url = company_url(
        tenant=tenant,
        path=reverse("digest_public:unsubscribe", args=[digest_unsubscribe_token(recipient=recipient)]),
    )
    with translation.override(user_language(None)), timezone.override(company_time_zone()):
        digest = digest_build(user=None, week_start=week_start, now=now)
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
        to=[recipient.email],
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    message.attach_alternative(html, "text/html")
    return message
