import datetime as dt

from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.selectors import user_language
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
