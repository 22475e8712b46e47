from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from apps.accounts.capabilities import can_manage_cx_model, can_view_dashboards, can_work_cases
from apps.cases.forms import CaseFilterForm, CaseNoteForm, CaseReassignForm, CaseResolveForm
from apps.cases.models import FollowUpCase
from apps.cases.selectors import case_get, case_list
from apps.cases.services import case_mark_contacted, case_reassign, case_resolve
from apps.cases.timeliness import Timeliness
from apps.core.access import CapabilityRequiredMixin
from apps.core.exceptions import DomainError
from apps.core.forms import form_add_domain_error

LIST_ROWS = 200


class CaseListView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_work_cases)

    def get(self, request: HttpRequest) -> HttpResponse:
        now = timezone.now()
        sees_all = can_view_dashboards(request.user)
        filters = CaseFilterForm(request.GET)
        if not sees_all:
            del filters.fields["mine"]
        cases = case_list(user=request.user, now=now, **filters.selector_filters())
        context = {
            "rows": [(case, case.timeliness(now)) for case in cases[:LIST_ROWS]],
            "count": cases.count(),
            "filters": filters,
            "filtered": any(request.GET.values()),
            "timeliness": Timeliness,
            "sees_all": sees_all,
        }
        return render(request, "cases/case_list.html", context)


class CaseDetailView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_work_cases)

    def _case(self, request: HttpRequest, case_id: int) -> FollowUpCase:
        case = case_get(user=request.user, case_id=case_id)
        if case is None:
            raise Http404
        return case

    def _render(self, request: HttpRequest, case: FollowUpCase, status: int = 200, **forms: object) -> HttpResponse:
        context = {
            "case": case,
            "events": case.events.select_related("actor", "assignee", "recipient"),
            "case_timeliness": case.timeliness(timezone.now()),
            "timeliness": Timeliness,
            "can_open_customer": can_manage_cx_model(request.user),
            "contact_form": forms.get("contact_form") or CaseNoteForm(),
            "resolve_form": forms.get("resolve_form") or CaseResolveForm(),
            "reassign_form": forms.get("reassign_form") or CaseReassignForm(initial={"assignee": case.assignee_id}),
            "can_reassign": can_view_dashboards(request.user),
        }
        return render(request, "cases/case_detail.html", context, status=status)

    def get(self, request: HttpRequest, case_id: int) -> HttpResponse:
        return self._render(request, self._case(request, case_id))

    def post(self, request: HttpRequest, case_id: int) -> HttpResponse:
        case = self._case(request, case_id)
        action = request.POST.get("action")
        form_classes = {"contact": CaseNoteForm, "resolve": CaseResolveForm, "reassign": CaseReassignForm}
        if action not in form_classes or (action == "reassign" and not can_view_dashboards(request.user)):
            return self._render(request, case, status=400)
        form = form_classes[action](request.POST)
        if form.is_valid():
            try:
                if action == "contact":
                    case_mark_contacted(case=case, actor=request.user, note=form.cleaned_data["note"])
                elif action == "resolve":
                    case_resolve(case=case, actor=request.user, note=form.cleaned_data["note"])
                else:
                    case_reassign(case=case, actor=request.user, assignee=form.cleaned_data["assignee"])
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("Case updated."))
                return redirect("cases:detail", case_id=case.pk)
        return self._render(request, case, status=400, **{f"{action}_form": form})
