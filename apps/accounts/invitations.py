"""The invitation email of a new company user: a password-setting link, in the invitee's language."""

from typing import Any

from django.http import HttpRequest
from django.utils import translation

from apps.accounts.forms import ACCOUNT_INVITATION_EMAIL, CompanyPasswordResetForm
from apps.accounts.models import User
from apps.accounts.selectors import user_language


def user_invitation_send(*, request: HttpRequest, user: User) -> None:
    """A new user sets their own password through the reset link, so no password travels by email.

    The email speaks the invitee's language (or the company's), not the inviting admin's. Used by
    the users page, the admin and the API, so a user added anywhere gets the same invitation.
    """
    company = getattr(request, "tenant", None)
    _invitation_queue(user=user, company=company, request=request, use_https=request.is_secure())


def user_invitation_send_from_elsewhere(*, user: User, company: Any, domain: str, use_https: bool) -> None:
    """The same invitation, sent from outside the company's domain (the operators' admin creating a
    company): the link names `domain` (the company's, with a port in development), not the request's host.

    Call it with the ORM in the company's schema.
    """
    _invitation_queue(user=user, company=company, domain=domain, use_https=use_https)


def _invitation_queue(
    *, user: User, company: Any, use_https: bool, request: HttpRequest | None = None, domain: str | None = None
) -> None:
    form = CompanyPasswordResetForm({"email": user.email})
    form.outbox_kind = ACCOUNT_INVITATION_EMAIL
    if form.is_valid():
        with translation.override(user_language(user)):
            form.save(
                request=request,
                domain_override=domain,
                use_https=use_https,
                subject_template_name="accounts/email/invitation_subject.txt",
                email_template_name="accounts/email/invitation.txt",
                extra_email_context={"company": company},
            )
