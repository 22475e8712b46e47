from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from apps.accounts.models import User
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


def case_late_email(
    *, case: FollowUpCase, recipient: User, escalated: bool, to_lead: bool = False
) -> EmailMultiAlternatives:
    """A late case: the reminder to its assignee, or its escalation to their team lead (`to_lead`) or
    their manager; in the recipient's language and the company's branding, with a link straight to the
    case."""
    tenant = connection.tenant
    site = company_url(tenant=tenant, path="")
    branding = company_branding(tenant=tenant, site=site)
    template = "escalated" if escalated else "reminder"
    with translation.override(user_language(recipient)):
        context = {
            "branding": branding,
            "case": case,
            "recipient_name": recipient.get_short_name(),
            "assignee": case.assignee,
            "to_lead": to_lead,
            "team_name": case.assignee.team.name if to_lead and case.assignee and case.assignee.team else "",
            "company_name": tenant.name,
            "case_url": site + reverse("cases:detail", kwargs={"case_id": case.pk}),
        }
        if to_lead:
            subject = _("Late follow-up case in your team: %(customer)s") % {"customer": case.customer}
        elif escalated:
            subject = _("Late follow-up case: %(customer)s") % {"customer": case.customer}
        else:
            subject = _("Reminder: a follow-up case is late: %(customer)s") % {"customer": case.customer}
        text = render_to_string(f"cases/email/{template}.txt", context)
        html = render_to_string(f"cases/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=branding.from_email(default_from=settings.DEFAULT_FROM_EMAIL),
        to=[recipient.email],
        headers={"Reply-To": branding.reply_to} if branding.reply_to else {},
    )
    message.attach_alternative(html, "text/html")
    return message
