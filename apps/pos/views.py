"""The point-of-service page for those who manage the CX model: open links and their posters, kiosks,
and the answers through them, apart from the invited figures."""

import datetime as dt

from django.contrib import messages
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from apps.accounts.capabilities import can_manage_cx_model
from apps.core.access import CapabilityRequiredMixin
from apps.core.exceptions import DomainError
from apps.core.forms import form_add_domain_error
from apps.pos.forms import KioskForm, OpenLinkForm, PosterForm
from apps.pos.limits import ADDRESS_LIMIT, BURST_ANSWERS, BURST_WINDOW, DEVICE_LIMIT, KIOSK_LIMIT, REPORT_DAYS
from apps.pos.models import KioskDevice, OpenLink
from apps.pos.posters import open_link_poster
from apps.pos.selectors import (
    kiosk_get,
    kiosk_list,
    open_link_get,
    open_link_list,
    point_figures,
    point_source_counts,
)
from apps.pos.services import kiosk_create, kiosk_pairing_renew, kiosk_revoke, open_link_get_or_create

# Both forms are on one page and share field names: their ids must differ.
LINK_FORM_IDS, KIOSK_FORM_IDS = "link_%s", "kiosk_%s"


def open_link_url(request: HttpRequest, link: OpenLink) -> str:
    return request.build_absolute_uri(reverse("pos_public:open", kwargs={"code": link.code}))


def _pairing_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("pos_public:kiosk_pair", kwargs={"token": token}))


def _page(
    request: HttpRequest,
    *,
    link_form: OpenLinkForm | None = None,
    kiosk_form: KioskForm | None = None,
    pairing: tuple[KioskDevice, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    since = timezone.now() - dt.timedelta(days=REPORT_DAYS)
    links = [
        {"link": link, "url": open_link_url(request, link), "figures": point_figures(since=since, open_link=link)}
        for link in open_link_list(user=request.user)
    ]
    kiosks = [
        {"kiosk": kiosk, "figures": point_figures(since=since, kiosk=kiosk)} for kiosk in kiosk_list(user=request.user)
    ]
    context = {
        "links": links,
        "kiosks": kiosks,
        "link_form": link_form or OpenLinkForm(auto_id=LINK_FORM_IDS, user=request.user),
        "kiosk_form": kiosk_form or KioskForm(auto_id=KIOSK_FORM_IDS, user=request.user),
        "poster_form": PosterForm(initial={"language": getattr(connection.tenant, "language", "fi")}),
        "source_counts": point_source_counts(since=since, user=request.user),
        "report_days": REPORT_DAYS,
        "limits": {
            "device": DEVICE_LIMIT,
            "address": ADDRESS_LIMIT,
            "kiosk": KIOSK_LIMIT,
            "burst_answers": BURST_ANSWERS,
            "burst_minutes": int(BURST_WINDOW.total_seconds() // 60),
        },
        "pairing": {"kiosk": pairing[0], "url": _pairing_url(request, pairing[1])} if pairing else None,
    }
    return render(request, "pos/point_of_service.html", context, status=status)


class PointOfServiceView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_cx_model)

    def get(self, request: HttpRequest) -> HttpResponse:
        return _page(request)


class OpenLinkCreateView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_cx_model)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = OpenLinkForm(request.POST, auto_id=LINK_FORM_IDS, user=request.user)
        if form.is_valid():
            try:
                link = open_link_get_or_create(**form.cleaned_data, created_by=request.user)
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("The link %(code)s is ready for its poster.") % {"code": link.code})
                return redirect("pos:home")
        return _page(request, link_form=form, status=400)


class PosterView(CapabilityRequiredMixin, View):
    """The poster PDF of an open link. A GET: making the PDF changes nothing."""

    capability = staticmethod(can_manage_cx_model)

    def get(self, request: HttpRequest, link_id: int) -> HttpResponse:
        link = open_link_get(user=request.user, link_id=link_id)
        if link is None:
            raise Http404
        form = PosterForm(request.GET)
        if not form.is_valid():
            messages.error(request, _("Choose the poster's size and language."))
            return redirect("pos:home")
        size, language = form.cleaned_data["size"], form.cleaned_data["language"]
        pdf = open_link_poster(
            link=link, company=request.tenant.name, url=open_link_url(request, link), size=size, language=language
        )
        if pdf is None:
            messages.error(request, _("This touchpoint has no active follow-up survey."))
            return redirect("pos:home")
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="poster-{link.code}-{size}-{language}.pdf"'
        return response


class KioskCreateView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_cx_model)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = KioskForm(request.POST, auto_id=KIOSK_FORM_IDS, user=request.user)
        if form.is_valid():
            try:
                kiosk, token = kiosk_create(**form.cleaned_data, created_by=request.user)
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                # The pairing link is shown this once; only its hash is kept.
                return _page(request, pairing=(kiosk, token))
        return _page(request, kiosk_form=form, status=400)


class KioskPairingView(CapabilityRequiredMixin, View):
    """A new pairing link for a kiosk (a replaced tablet); the old key stops at the new pairing."""

    capability = staticmethod(can_manage_cx_model)

    def post(self, request: HttpRequest, kiosk_id: int) -> HttpResponse:
        kiosk = kiosk_get(user=request.user, kiosk_id=kiosk_id)
        if kiosk is None:
            raise Http404
        try:
            token = kiosk_pairing_renew(kiosk=kiosk, acting_user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("pos:home")
        return _page(request, pairing=(kiosk, token))


class KioskRevokeView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_cx_model)

    def post(self, request: HttpRequest, kiosk_id: int) -> HttpResponse:
        kiosk = kiosk_get(user=request.user, kiosk_id=kiosk_id)
        if kiosk is None:
            raise Http404
        kiosk_revoke(kiosk=kiosk, acting_user=request.user)
        messages.success(request, _("The kiosk %(name)s can no longer take answers.") % {"name": kiosk.name})
        return redirect("pos:home")
