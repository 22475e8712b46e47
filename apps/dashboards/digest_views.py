import re
import secrets

from csp.constants import SELF, UNSAFE_INLINE
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import is_ratelimited

from apps.accounts.capabilities import can_manage_users, can_view_dashboards
from apps.accounts.selectors import user_language
from apps.core.access import CapabilityRequiredMixin
from apps.core.error_pages import too_many_requests
from apps.core.exceptions import DomainError
from apps.dashboards.emails import digest_email, digest_email_external_preview, digest_unsubscribe_recipient_id
from apps.dashboards.selectors.digest import (
    digest_external_languages,
    digest_external_recipients,
    digest_external_recipients_subscribed,
    digest_is_subscribed,
    digest_week_current,
)
from apps.dashboards.selectors.sharing import ShareStatus, share_link_list, share_link_status
from apps.dashboards.services import (
    DIGEST_EXTERNAL_MAX,
    digest_recipient_remove,
    digest_recipient_unsubscribe,
    digest_recipients_add,
    digest_send_now,
    digest_send_to_list,
    digest_subscribe,
    digest_unsubscribe,
)


class DigestSettingsForm(forms.Form):
    subscribed = forms.BooleanField(label=gettext_lazy("Send me the weekly digest"), required=False)


class DigestSendNowForm(forms.Form):
    # Made afresh for each page, so each click is one request and a repeated POST is recognised.
    key = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)


class DigestSettingsView(CapabilityRequiredMixin, View):
    """A manager or admin turns the Monday digest email on or off for themselves, previews this week's
    digest as it is sent to them, and can send it to themselves at once."""

    capability = staticmethod(can_view_dashboards)
    template_name = "dashboards/digest_settings.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        subscribed = digest_is_subscribed(user=request.user)
        form = DigestSettingsForm(initial={"subscribed": subscribed})
        preview = digest_email(user=request.user, week_start=digest_week_current())
        context = {
            "form": form,
            "subscribed": subscribed,
            "preview_subject": preview.subject,
            "send_form": DigestSendNowForm(initial={"key": secrets.token_hex(16)}),
            "share_links": [
                (link, share_link_status(link=link) is ShareStatus.OPEN)
                for link in share_link_list(user=request.user)[:50]
            ],
            "share_link_new": request.session.pop("share_link_new", None),
            "can_manage_recipients": can_manage_users(request.user),
            "recipients": list(digest_external_recipients()) if can_manage_users(request.user) else [],
            "recipients_form": DigestRecipientsForm(),
            "recipients_max": DIGEST_EXTERNAL_MAX,
        }
        return render(request, self.template_name, context)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = DigestSettingsForm(request.POST)
        form.is_valid()
        if form.cleaned_data.get("subscribed"):
            digest_subscribe(user=request.user)
            messages.success(request, _("You will get the digest every Monday morning."))
        else:
            digest_unsubscribe(user=request.user)
            messages.success(request, _("The weekly digest is off."))
        return redirect("digest:settings")


class DigestPreviewView(CapabilityRequiredMixin, View):
    """This week's digest email, exactly as it is sent to the reader, framed by the digest page.

    The email's HTML carries its styles inline (mail clients need them), so this one document may use
    inline styles and be framed by our own pages; scripts stay forbidden."""

    capability = staticmethod(can_view_dashboards)

    @method_decorator(xframe_options_sameorigin)
    def get(self, request: HttpRequest) -> HttpResponse:
        message = digest_email(user=request.user, week_start=digest_week_current())
        response = HttpResponse(message.alternatives[0][0], content_type="text/html; charset=utf-8")
        response._csp_replace = {"style-src": [SELF, UNSAFE_INLINE], "frame-ancestors": [SELF]}  # type: ignore[attr-defined]
        return response


class DigestSendNowView(CapabilityRequiredMixin, View):
    """This week's digest to the reader's own address now; the same click twice sends it once."""

    capability = staticmethod(can_view_dashboards)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = DigestSendNowForm(request.POST)
        if not form.is_valid():
            return HttpResponse(_("This form has expired. Open the page again."), status=400)
        try:
            sent = digest_send_now(user=request.user, key=form.cleaned_data["key"])
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("digest:settings")
        if sent:
            messages.success(
                request, _("This week's digest is on its way to %(email)s.") % {"email": request.user.email}
            )
        else:
            messages.info(request, _("This digest was already sent."))
        return redirect("digest:settings")


class DigestListSendView(CapabilityRequiredMixin, View):
    """An admin sends this week's digest to every subscribed address of the list at once, after a
    confirmation page with their number and the email as they get it; the same click twice sends once."""

    capability = staticmethod(can_manage_users)
    template_name = "dashboards/digest_send_to_list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        recipients = list(digest_external_recipients_subscribed())
        preview = digest_email_external_preview(week_start=digest_week_current())
        names = dict(settings.LANGUAGES)
        counts = digest_external_languages(recipients=recipients, default=user_language(None))
        context = {
            "count": len(recipients),
            "languages": sorted((str(names.get(code, code)), count) for code, count in counts.items()),
            "preview_subject": preview.subject,
            "send_form": DigestSendNowForm(initial={"key": secrets.token_hex(16)}),
        }
        return render(request, self.template_name, context)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = DigestSendNowForm(request.POST)
        if not form.is_valid():
            return HttpResponse(_("This form has expired. Open the page again."), status=400)
        try:
            sent = digest_send_to_list(acting_user=request.user, key=form.cleaned_data["key"])
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(f"{reverse('digest:settings')}#recipients")
        if sent is None:
            messages.info(request, _("This digest was already sent."))
        else:
            messages.success(
                request,
                ngettext(
                    "This week's digest is on its way to %(count)s address on the list.",
                    "This week's digest is on its way to %(count)s addresses on the list.",
                    sent,
                )
                % {"count": sent},
            )
        return redirect(f"{reverse('digest:settings')}#recipients")


class DigestListPreviewView(CapabilityRequiredMixin, View):
    """The list's digest as its recipients get it (in the company's language), framed by the
    confirmation page; the same inline-style allowance as the reader's preview."""

    capability = staticmethod(can_manage_users)

    @method_decorator(xframe_options_sameorigin)
    def get(self, request: HttpRequest) -> HttpResponse:
        message = digest_email_external_preview(week_start=digest_week_current())
        response = HttpResponse(message.alternatives[0][0], content_type="text/html; charset=utf-8")
        response._csp_replace = {"style-src": [SELF, UNSAFE_INLINE], "frame-ancestors": [SELF]}  # type: ignore[attr-defined]
        return response


class DigestRecipientsForm(forms.Form):
    emails = forms.CharField(
        label=gettext_lazy("Addresses without an account"),
        help_text=gettext_lazy("One a line, or separated by commas."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of their digest"),
        choices=[("", gettext_lazy("The company's language")), *settings.LANGUAGES],
        required=False,
    )

    def addresses(self) -> list[str]:
        return re.split(r"[\s,;]+", self.cleaned_data["emails"])


class DigestRecipientsView(CapabilityRequiredMixin, View):
    """An admin adds addresses without an account to the company's digest list (POST only)."""

    capability = staticmethod(can_manage_users)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = DigestRecipientsForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
            return redirect(f"{reverse('digest:settings')}#recipients")
        try:
            added = digest_recipients_add(
                acting_user=request.user, emails=form.addresses(), language=form.cleaned_data["language"]
            )
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(f"{reverse('digest:settings')}#recipients")
        messages.success(request, _("%(count)s addresses added.") % {"count": len(added)})
        return redirect(f"{reverse('digest:settings')}#recipients")


class DigestRecipientRemoveView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_users)

    def post(self, request: HttpRequest, recipient_id: int) -> HttpResponse:
        digest_recipient_remove(acting_user=request.user, recipient_id=recipient_id)
        messages.success(request, _("The address was removed from the list."))
        return redirect(f"{reverse('digest:settings')}#recipients")


@method_decorator(csrf_exempt, name="dispatch")
class DigestUnsubscribeView(View):
    """Public: the unsubscribe link of an address without an account. A GET asks (mail scanners follow
    links); a POST, the page's button or a mail program's one-click (RFC 8058), unsubscribes. No CSRF
    check: the signed token is the credential, and all it can do is stop emails to its own address."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        return self._page(request, token, done=False)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        if is_ratelimited(request, group="digest-unsubscribe", key="ip", rate="30/m", method="POST", increment=True):
            return too_many_requests(request)
        recipient_id = digest_unsubscribe_recipient_id(token)
        if recipient_id is not None:
            digest_recipient_unsubscribe(recipient_id=recipient_id)
        return self._page(request, token, done=True)

    def _page(self, request: HttpRequest, token: str, *, done: bool) -> HttpResponse:
        valid = digest_unsubscribe_recipient_id(token) is not None
        with translation.override(user_language(None)):
            response = render(
                request,
                "dashboards/digest_unsubscribe.html",
                {"done": done, "valid": valid, "company_name": connection.tenant.name},
                status=200 if valid else 404,
            )
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
