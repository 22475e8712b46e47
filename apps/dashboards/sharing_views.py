"""Read-only dashboard links: made from the dashboard, listed and revoked on the digest page, and the
public page a link opens (docs/leadership-report.md)."""

from django import forms
from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django_ratelimit.core import is_ratelimited

from apps.accounts.capabilities import can_view_dashboards
from apps.core.access import CapabilityRequiredMixin
from apps.core.db_routing import replica_reads
from apps.core.error_pages import too_many_requests
from apps.core.exceptions import DomainError
from apps.core.request_memo import read_scope
from apps.dashboards.forms import DashboardFilterForm
from apps.dashboards.selectors import company_dashboard
from apps.dashboards.selectors.choices import filter_choices
from apps.dashboards.selectors.sharing import (
    SHARE_DAYS_DEFAULT,
    SHARE_DAYS_MAX,
    ShareStatus,
    share_link_by_token,
    share_link_period,
    share_link_status,
)
from apps.dashboards.services import share_link_create, share_link_revoke
from apps.tenants.selectors import company_today, company_url

# Per client address, before any database work: a token cannot be guessed, but a page of figures is not free.
SHARED_PAGE_RATE = "60/m"


class ShareLinkForm(forms.Form):
    days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"), min_value=1, max_value=SHARE_DAYS_MAX, initial=SHARE_DAYS_DEFAULT
    )


class ShareLinkCreateView(CapabilityRequiredMixin, View):
    """POST from the dashboard: a link to what the dashboard shows now (its filters come along)."""

    capability = staticmethod(can_view_dashboards)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ShareLinkForm(request.POST)
        filters = DashboardFilterForm(request.POST, today=company_today(), choices=filter_choices(), user=request.user)
        if not form.is_valid() or not filters.is_valid():
            errors = {**form.errors, **filters.errors}
            text = "\n".join(f"{field}: {' '.join(messages_)}" for field, messages_ in errors.items())
            return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
        try:
            _link, token = share_link_create(
                user=request.user,
                query=filters.query(),
                cut=" · ".join(filters.cut_lines()),
                days=form.cleaned_data["days"],
            )
        except DomainError as error:
            return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
        url = company_url(tenant=connection.tenant, path=reverse("shared:dashboard", args=[token]))
        # Shown once: only the token's hash is kept.
        request.session["share_link_new"] = url
        return redirect(f"{reverse('digest:settings')}#shared-links")


class ShareLinkRevokeView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_view_dashboards)

    def post(self, request: HttpRequest, link_id: int) -> HttpResponse:
        try:
            share_link_revoke(user=request.user, link_id=link_id)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("digest:settings")
        messages.success(request, _("The link was revoked; it no longer opens."))
        return redirect(f"{reverse('digest:settings')}#shared-links")


@method_decorator(never_cache, name="dispatch")
class SharedDashboardView(View):
    """Public: the dashboard a link was made for, read-only, figures only (no names, notes or comments).

    404 for a token that never existed (a typo or a forgery), 410 for one expired or revoked."""

    @replica_reads()
    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        if is_ratelimited(
            request, group="shared-dashboard", key="ip", rate=SHARED_PAGE_RATE, method="GET", increment=True
        ):
            return too_many_requests(request)
        link = share_link_by_token(token=token)
        if link is None:
            return self._response(render(request, "dashboards/shared_gone.html", {"missing": True}, status=404))
        if share_link_status(link=link) is ShareStatus.GONE:
            return self._response(render(request, "dashboards/shared_gone.html", {"missing": False}, status=410))
        with read_scope():
            today = company_today()
            choices = filter_choices()
            shared = share_link_period(link=link, today=today, choices=choices)
            data = company_dashboard(filters=shared.period, today=today, user=link.created_by, choices=choices)
            context = {"data": data, "period": shared.period, "link": link, "company_name": connection.tenant.name}
            return self._response(render(request, "dashboards/shared.html", context))

    def _response(self, response: HttpResponse) -> HttpResponse:
        response["X-Robots-Tag"] = "noindex, nofollow"
        # The token is in the address: it must not leave in a Referer header.
        response["Referrer-Policy"] = "no-referrer"
        return response
