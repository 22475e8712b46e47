"""Touchpoint ownership: the unowned list, each person's touchpoints, the history, and hand-over."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from apps.accounts.capabilities import can_manage_cx_model, can_manage_users
from apps.accounts.models import User
from apps.accounts.selectors import user_get
from apps.core.access import CapabilityRequiredMixin
from apps.core.exceptions import DomainError
from apps.core.forms import form_add_domain_error
from apps.journeys import selectors
from apps.journeys.forms import HandoverForm, OwnerForm
from apps.journeys.services.ownership import touchpoint_reassign_all, user_deactivate_with_handover

HISTORY_PAGE_SIZE = 50


def _person(user_id: int) -> User:
    user = user_get(user_id=user_id)
    if user is None:
        raise Http404
    return user


class OwnershipOverviewView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_cx_model)

    def get(self, request: HttpRequest) -> HttpResponse:
        unowned = list(selectors.touchpoints_unowned())
        people = list(selectors.owners_summary())
        context = {
            "unowned": unowned,
            "people": people,
            "owned_total": selectors.touchpoint_list(unowned=False).count(),
            "owner_form": OwnerForm(prefix="own"),
            "inactive_owners": [person for person in people if not person.is_active],
            "holders_count": sum(1 for person in people if person.owned_count or person.backup_count),
        }
        return render(request, "journeys/ownership.html", context)


class OwnershipPersonView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_cx_model)

    def get(self, request: HttpRequest, user_id: int) -> HttpResponse:
        person = _person(user_id)
        return self._render(request, person, HandoverForm(leaving=person))

    def post(self, request: HttpRequest, user_id: int) -> HttpResponse:
        person = _person(user_id)
        form = HandoverForm(request.POST, leaving=person)
        if form.is_valid():
            try:
                count = touchpoint_reassign_all(
                    from_user=person, to_user=form.cleaned_data["to_user"], acting_user=request.user
                )
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("%(count)s touchpoints handed over.") % {"count": count})
                return redirect("journeys:ownership_person", user_id=person.pk)
        return self._render(request, person, form, status=400)

    def _render(self, request: HttpRequest, person: User, form: HandoverForm, status: int = 200) -> HttpResponse:
        context = {
            "person": person,
            "touchpoints": list(selectors.touchpoints_owned_by(user=person)),
            "changes": selectors.ownership_change_list(user_id=person.pk)[:20],
            "form": form,
        }
        return render(request, "journeys/ownership_person.html", context, status=status)


class OwnershipHistoryView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_cx_model)

    def get(self, request: HttpRequest) -> HttpResponse:
        page = Paginator(selectors.ownership_change_list(), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "journeys/ownership_history.html", {"page": page})


class UserDeactivateView(CapabilityRequiredMixin, View):
    """Deactivating a user who owns touchpoints: see them, choose a successor, then deactivate, in one step."""

    capability = staticmethod(can_manage_users)

    def get(self, request: HttpRequest, user_id: int) -> HttpResponse:
        person = _person(user_id)
        return self._render(request, person, HandoverForm(leaving=person))

    def post(self, request: HttpRequest, user_id: int) -> HttpResponse:
        person = _person(user_id)
        form = HandoverForm(request.POST, leaving=person)
        if form.is_valid():
            try:
                count = user_deactivate_with_handover(
                    user=person, to_user=form.cleaned_data["to_user"], acting_user=request.user
                )
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("%(user)s was deactivated; %(count)s touchpoints were handed over.")
                    % {"user": person, "count": count},
                )
                return redirect("journeys:ownership")
        return self._render(request, person, form, status=400)

    def _render(self, request: HttpRequest, person: User, form: HandoverForm, status: int = 200) -> HttpResponse:
        context = {"person": person, "touchpoints": list(selectors.touchpoints_owned_by(user=person)), "form": form}
        return render(request, "journeys/user_deactivate.html", context, status=status)
