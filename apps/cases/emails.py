from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from apps.accounts.selectors import user_language
from apps.cases.models import FollowUpCase
from apps.tenants.selectors import company_branding, company_url


def case_assignment_email(*, case: FollowUpCase) -> EmailMultiAlternatives:
    """Tell the assignee a case is theirs, in their language, with a link straight to it."""
    tenant = connection.tenant
    assignee = case.assignee
    site = company_url(tenant=tenant, path="")
    branding = company_branding(tenant=tenant, site=site)
    with translation.override(user_language(assignee)):
        context = {
            "branding": branding,
            "case": case,
            "assignee_name": assignee.get_short_name(),
            "company_name": tenant.name,
            "case_url": site + reverse("cases:detail", kwargs={"case_id": case.pk}),
        }
        subject = _("Follow-up case for you: %(customer)s") % {"customer": case.customer}
        text = render_to_string("cases/email/assigned.txt", context)
        html = render_to_string("cases/email/assigned.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=branding.from_email(default_from=settings.DEFAULT_FROM_EMAIL),
        to=[assignee.email],
        headers={"Reply-To": branding.reply_to} if branding.reply_to else {},
    )
    message.attach_alternative(html, "text/html")
    return message
