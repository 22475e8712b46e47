import secrets

from csp.constants import SELF, UNSAFE_INLINE
from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin

from apps.accounts.capabilities import can_view_dashboards
from apps.core.access import CapabilityRequiredMixin
from apps.core.exceptions import DomainError
from apps.dashboards.emails import digest_email
from apps.dashboards.selectors.digest import digest_is_subscribed, digest_week_current
from apps.dashboards.selectors.sharing import ShareStatus, share_link_list, share_link_status
from apps.dashboards.services import digest_send_now, digest_subscribe, digest_unsubscribe


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
