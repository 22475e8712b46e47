from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from apps.accounts.capabilities import can_view_dashboards
from apps.core.access import CapabilityRequiredMixin
from apps.dashboards.selectors.digest import digest_is_subscribed
from apps.dashboards.services import digest_subscribe, digest_unsubscribe


class DigestSettingsForm(forms.Form):
    subscribed = forms.BooleanField(label=gettext_lazy("Send me the weekly digest"), required=False)


class DigestSettingsView(CapabilityRequiredMixin, View):
    """A manager or admin turns the Monday digest email on or off for themselves."""

    capability = staticmethod(can_view_dashboards)
    template_name = "dashboards/digest_settings.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        subscribed = digest_is_subscribed(user=request.user)
        form = DigestSettingsForm(initial={"subscribed": subscribed})
        return render(request, self.template_name, {"form": form, "subscribed": subscribed})

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
