"""Initiative pages (managers and admins): list, add, change, archive, and the measured effect."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from apps.accounts.capabilities import can_manage_initiatives
from apps.core.access import CapabilityRequiredMixin
from apps.core.exceptions import DomainError
from apps.core.forms import form_add_domain_error
from apps.initiatives import presentation
from apps.initiatives.forms import InitiativeForm
from apps.initiatives.models import Initiative
from apps.initiatives.selectors import (
    initiative_effect,
    initiative_get,
    initiative_is_editable,
    initiative_verdicts,
    initiatives_visible,
)
from apps.initiatives.services import initiative_archive, initiative_create, initiative_update
from apps.tenants.selectors import company_today


def _visible_or_404(request: HttpRequest, initiative_id: int) -> Initiative:
    initiative = initiative_get(user=request.user, initiative_id=initiative_id)
    if initiative is None:
        raise Http404
    return initiative


class InitiativeListView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_initiatives)

    def get(self, request: HttpRequest) -> HttpResponse:
        today = company_today()
        show_archived = request.GET.get("archived") == "1"
        initiatives = list(initiatives_visible(user=request.user, include_archived=show_archived))
        verdicts = initiative_verdicts(user=request.user, today=today, initiative_ids=[i.pk for i in initiatives])
        rows = []
        for initiative in initiatives:
            verdict = verdicts.get(initiative.pk)
            rows.append(
                {
                    "initiative": initiative,
                    "verdict": verdict.nps.verdict if verdict else None,
                    "verdict_label": presentation.verdict_label(verdict.nps.verdict) if verdict else "",
                    "status": presentation.status_text(
                        started_on=initiative.started_on,
                        window_days=initiative.window_days,
                        measured_days=verdict.measured_days if verdict else 0,
                        today=today,
                        archived=initiative.archived,
                    ),
                }
            )
        return render(request, "initiatives/initiative_list.html", {"rows": rows, "show_archived": show_archived})


class InitiativeDetailView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_initiatives)

    def get(self, request: HttpRequest, initiative_id: int) -> HttpResponse:
        initiative = _visible_or_404(request, initiative_id)
        effect = initiative_effect(initiative=initiative, user=request.user, today=company_today())
        context: dict[str, Any] = {
            "initiative": initiative,
            "effect": effect,
            "page": presentation.effect_page(effect),
            "chart": presentation.effect_chart(effect),
            "editable": initiative_is_editable(user=request.user, initiative=initiative),
        }
        return render(request, "initiatives/initiative_detail.html", context)


class InitiativeCreateView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_initiatives)

    def get(self, request: HttpRequest) -> HttpResponse:
        form = InitiativeForm(user=request.user, initial={"owner": request.user.pk})
        return render(request, "initiatives/initiative_form.html", {"form": form, "editing": None})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = InitiativeForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                initiative = initiative_create(acting_user=request.user, **form.cleaned_data)
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("Initiative %(title)s was added.") % {"title": initiative.title})
                return redirect("initiatives:detail", initiative_id=initiative.pk)
        return render(request, "initiatives/initiative_form.html", {"form": form, "editing": None}, status=400)


class InitiativeUpdateView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_initiatives)

    def _editable(self, request: HttpRequest, initiative_id: int) -> Initiative:
        initiative = _visible_or_404(request, initiative_id)
        if not initiative_is_editable(user=request.user, initiative=initiative):
            raise Http404
        return initiative

    def get(self, request: HttpRequest, initiative_id: int) -> HttpResponse:
        initiative = self._editable(request, initiative_id)
        form = InitiativeForm.for_initiative(initiative, user=request.user)
        return render(request, "initiatives/initiative_form.html", {"form": form, "editing": initiative})

    def post(self, request: HttpRequest, initiative_id: int) -> HttpResponse:
        initiative = self._editable(request, initiative_id)
        form = InitiativeForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                initiative_update(acting_user=request.user, initiative=initiative, **form.cleaned_data)
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("initiatives:detail", initiative_id=initiative.pk)
        return render(request, "initiatives/initiative_form.html", {"form": form, "editing": initiative}, status=400)


class InitiativeArchiveView(CapabilityRequiredMixin, View):
    """POST archives an initiative, or restores an archived one."""

    capability = staticmethod(can_manage_initiatives)

    def post(self, request: HttpRequest, initiative_id: int) -> HttpResponse:
        initiative = _visible_or_404(request, initiative_id)
        try:
            initiative = initiative_archive(
                acting_user=request.user, initiative=initiative, archived=not initiative.archived
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if initiative.archived:
                messages.success(request, _("Initiative %(title)s was archived.") % {"title": initiative.title})
            else:
                messages.success(request, _("Initiative %(title)s is active again.") % {"title": initiative.title})
        return redirect("initiatives:detail", initiative_id=initiative.pk)
