from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from apps.accounts.capabilities import can_manage_cx_model, can_view_personas
from apps.accounts.scope import scoped
from apps.core.access import CapabilityRequiredMixin
from apps.core.exceptions import DomainError
from apps.core.forms import form_add_domain_error
from apps.personas.forms import PersonaForm
from apps.personas.models import BuyerPersona
from apps.personas.selectors import persona_list_with_customer_counts
from apps.personas.services import persona_archive, persona_create, persona_restore, persona_update

CUSTOMERS_SHOWN_ON_PERSONA = 20


class PersonaListView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_view_personas)

    def get(self, request: HttpRequest) -> HttpResponse:
        show_archived = request.GET.get("archived") == "1" and can_manage_cx_model(request.user)
        personas = persona_list_with_customer_counts(user=request.user, include_archived=show_archived)
        return render(request, "personas/persona_list.html", {"personas": personas, "show_archived": show_archived})


class PersonaDetailView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_view_personas)

    def get(self, request: HttpRequest, persona_id: int) -> HttpResponse:
        persona = get_object_or_404(BuyerPersona, pk=persona_id)
        manages = can_manage_cx_model(request.user)
        if not persona.is_active and not manages:
            raise Http404
        context: dict[str, object] = {"persona": persona}
        if manages:
            # Customer profiles are for managers; frontline staff see the persona only.
            linked = scoped(persona.customers.order_by("full_name", "email"), user=request.user)
            context["customers"] = linked[:CUSTOMERS_SHOWN_ON_PERSONA]
            context["customer_count"] = linked.count()
        return render(request, "personas/persona_detail.html", context)


class PersonaCreateView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_cx_model)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "personas/persona_form.html", {"form": PersonaForm(), "editing": None})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PersonaForm(request.POST)
        if form.is_valid():
            try:
                persona = persona_create(**form.cleaned_data)
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("Persona %(name)s was added.") % {"name": persona.name})
                return redirect("personas:detail", persona_id=persona.pk)
        return render(request, "personas/persona_form.html", {"form": form, "editing": None}, status=400)


class PersonaUpdateView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_cx_model)

    def get(self, request: HttpRequest, persona_id: int) -> HttpResponse:
        persona = get_object_or_404(BuyerPersona, pk=persona_id)
        form = PersonaForm.for_persona(persona)
        return render(request, "personas/persona_form.html", {"form": form, "editing": persona})

    def post(self, request: HttpRequest, persona_id: int) -> HttpResponse:
        persona = get_object_or_404(BuyerPersona, pk=persona_id)
        form = PersonaForm(request.POST)
        if form.is_valid():
            try:
                persona_update(persona=persona, **form.cleaned_data)
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("personas:detail", persona_id=persona.pk)
        return render(request, "personas/persona_form.html", {"form": form, "editing": persona}, status=400)


class PersonaArchiveView(CapabilityRequiredMixin, View):
    """POST archives an active persona or restores an archived one."""

    capability = staticmethod(can_manage_cx_model)

    def post(self, request: HttpRequest, persona_id: int) -> HttpResponse:
        persona = get_object_or_404(BuyerPersona, pk=persona_id)
        if persona.is_active:
            persona_archive(persona=persona)
            messages.success(request, _("Persona %(name)s was archived.") % {"name": persona.name})
        else:
            persona_restore(persona=persona)
            messages.success(request, _("Persona %(name)s is active again.") % {"name": persona.name})
        return redirect("personas:detail", persona_id=persona.pk)
