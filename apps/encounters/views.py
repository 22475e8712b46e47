from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from apps.accounts.capabilities import can_log_encounters, can_manage_cx_model, can_view_dashboards
from apps.core.access import CapabilityRequiredMixin
from apps.core.exceptions import DomainError
from apps.core.forms import form_add_domain_error
from apps.customers.selectors import consent_wording_current, customer_get, customer_search
from apps.encounters.feedback import encounter_feedback, encounter_follow_ups
from apps.encounters.forms import EncounterFilterForm, EncounterLogForm
from apps.encounters.models import Feeling, Outcome
from apps.encounters.selectors import (
    encounter_get,
    encounter_list,
    location_choices_for,
    location_remembered_for,
    touchpoint_choices_for,
    touchpoints_recent_for,
)
from apps.encounters.services import encounter_log_for

PAGE_SIZE = 50
MINE_SHOWN = 30
SEARCH_RESULTS = 8


def _customer_summary(customer: Any) -> dict[str, Any]:
    return {
        "id": customer.pk,
        "name": str(customer),
        "email": customer.email,
        "phone": customer.phone,
        "language": customer.language,
        "survey_consent": customer.survey_consent,
        "unsubscribed": customer.unsubscribed,
    }


class CustomerPickView(CapabilityRequiredMixin, View):
    """Type-ahead for the log form: the first few customers whose name, email or phone contains `q`."""

    capability = staticmethod(can_log_encounters)

    def get(self, request: HttpRequest) -> JsonResponse:
        query = request.GET.get("q", "")[:100]
        results = (
            customer_search(user=request.user, query=query, limit=SEARCH_RESULTS) if len(query.strip()) >= 2 else []
        )
        return JsonResponse({"results": [_customer_summary(customer) for customer in results]})


class EncounterLogView(CapabilityRequiredMixin, View):
    """Log an encounter in seconds. Without JavaScript, "Find" searches and the results are picked by radio."""

    capability = staticmethod(can_log_encounters)

    def _render(self, request: HttpRequest, form: EncounterLogForm, status: int = 200, **extra: Any) -> HttpResponse:
        customer_id = form["customer"].value()
        selected = (
            customer_get(user=request.user, customer_id=int(customer_id)) if str(customer_id or "").isdigit() else None
        )
        context = {
            "form": form,
            "new_customer_fields": [
                form[name] for name in ("customer_name", "customer_email", "customer_phone", "customer_language")
            ],
            "js_text": {
                "unsubscribed": _("This customer has unsubscribed: no survey will be sent."),
                "consented": _("The customer has agreed to surveys before."),
                "none": _("No customer matches. Add them as a new customer below."),
                "found": _("Customers found: %(count)s. Use the arrow keys to choose."),
            },
            "selected_customer": selected,
            "consent_wording": consent_wording_current(),
            "feelings": Feeling.choices,
            "outcomes": Outcome.choices,
            **extra,
        }
        return render(request, "encounters/encounter_log.html", context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        touchpoints = touchpoint_choices_for(user=request.user)
        requested = request.GET.get("touchpoint", "")
        initial: dict[str, Any] = {}
        if requested.isdigit() and int(requested) in touchpoints.ids:
            initial["touchpoint"] = int(requested)
        else:
            recent = touchpoints_recent_for(user=request.user, limit=1)
            if recent and recent[0].pk in touchpoints.ids:
                initial["touchpoint"] = recent[0].pk
        locations = location_choices_for(user=request.user)
        requested_location = request.GET.get("location", "")
        if requested_location.isdigit() and int(requested_location) in locations.ids:
            initial["location"] = int(requested_location)
        else:
            initial["location"] = location_remembered_for(user=request.user, choices=locations)
        form = EncounterLogForm(initial=initial, touchpoints=touchpoints, locations=locations)
        return self._render(request, form)

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action", "log")
        if action in ("search", "clear"):
            return self._search(request, touchpoint_choices_for(user=request.user), clear=action == "clear")
        # Checking the choice needs only the touchpoints one may log at; the user's own and
        # recent ones (a scan of their encounters) are looked up only to show the form again.
        form = EncounterLogForm(
            request.POST,
            touchpoints=touchpoint_choices_for(user=request.user, shortcuts=False),
            locations=location_choices_for(user=request.user),
        )
        if form.is_valid():
            try:
                encounter, _created = encounter_log_for(
                    logged_by=request.user,
                    customer_ref=form.customer_ref(),
                    touchpoint=form.touchpoints.get(form.cleaned_data["touchpoint"]),
                    **form.encounter_fields(),
                )
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("Logged: %(customer)s at %(touchpoint)s. Ready for the next one.")
                    % {"customer": encounter.customer, "touchpoint": encounter.touchpoint},
                )
                # The next log starts at the same touchpoint and location: a counter serves one queue.
                query = f"touchpoint={encounter.touchpoint_id}"
                if encounter.location_id:
                    query += f"&location={encounter.location_id}"
                return redirect(f"{reverse('encounters:log')}?{query}")
        form.touchpoints_set(touchpoint_choices_for(user=request.user))
        return self._render(request, form, status=400)

    def _search(self, request: HttpRequest, touchpoints: Any, *, clear: bool) -> HttpResponse:
        """The no-JavaScript customer search: keep what was entered, show the matches to pick from."""
        data = request.POST.copy()
        data["customer"] = ""
        if clear:
            data["q"] = ""
        query = "" if clear else data.get("q", "")
        results = customer_search(user=request.user, query=query, limit=SEARCH_RESULTS) if query.strip() else []
        initial = data.dict()
        if len(results) == 1:
            # The single match is preselected, so the survey box follows its consent as with the type-ahead.
            initial["survey_agreed"] = results[0].survey_consent and not results[0].unsubscribed
        form = EncounterLogForm(
            data=None, initial=initial, touchpoints=touchpoints, locations=location_choices_for(user=request.user)
        )
        return self._render(request, form, search_results=results, searched=bool(query.strip()))


class MyEncountersView(CapabilityRequiredMixin, View):
    """The frontline employee's own recent encounters and the feedback that came back on them."""

    capability = staticmethod(can_log_encounters)

    def get(self, request: HttpRequest) -> HttpResponse:
        encounters = list(encounter_list(user=request.user, mine=True)[:MINE_SHOWN])
        feedback = encounter_feedback(encounter_ids=[encounter.pk for encounter in encounters])
        rows = [(encounter, feedback.get(encounter.pk)) for encounter in encounters]
        return render(request, "encounters/my_encounters.html", {"rows": rows})


class EncounterListView(CapabilityRequiredMixin, View):
    """Every encounter in the company, for managers, filterable."""

    capability = staticmethod(can_view_dashboards)

    def get(self, request: HttpRequest) -> HttpResponse:
        filters = EncounterFilterForm(request.GET, user=request.user)
        encounters = encounter_list(user=request.user, **filters.selector_filters())
        page = Paginator(encounters, PAGE_SIZE).get_page(request.GET.get("page"))
        feedback = encounter_feedback(encounter_ids=[encounter.pk for encounter in page.object_list])
        query = request.GET.copy()
        query.pop("page", None)
        return render(
            request,
            "encounters/encounter_list.html",
            {
                "filters": filters,
                "page": page,
                "rows": [(encounter, feedback.get(encounter.pk)) for encounter in page.object_list],
                "query": query.urlencode(),
                "filtered": any(value for key, value in request.GET.items() if key != "page"),
            },
        )


class EncounterDetailView(CapabilityRequiredMixin, View):
    """One encounter: its author sees it, and so do managers."""

    capability = staticmethod(can_log_encounters)

    def get(self, request: HttpRequest, encounter_id: int) -> HttpResponse:
        encounter = encounter_get(user=request.user, encounter_id=encounter_id)
        if encounter is None:
            raise Http404
        feedback = encounter_feedback(encounter_ids=[encounter.pk]).get(encounter.pk)
        context = {
            "encounter": encounter,
            "feedback": feedback,
            # The follow-up case a poor answer to this encounter's survey opened (if the user may see it).
            "follow_ups": encounter_follow_ups(user=request.user, encounter_id=encounter.pk),
            "can_open_customer": can_manage_cx_model(request.user),
            "sees_all": can_view_dashboards(request.user),
        }
        return render(request, "encounters/encounter_detail.html", context)
