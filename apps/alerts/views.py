from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from apps.accounts.capabilities import can_manage_alerts
from apps.alerts.forms import DestinationForm, RuleForm
from apps.alerts.models import AlertRule, Destination
from apps.alerts.selectors import delivery_get, delivery_list, destination_get, destination_list, rule_get, rule_list
from apps.alerts.services.alert_rules import rule_create, rule_update
from apps.alerts.services.deliveries import delivery_replay
from apps.alerts.services.destinations import destination_create, destination_secret_regenerate, destination_update
from apps.core.access import CapabilityRequiredMixin
from apps.core.exceptions import DomainError
from apps.core.forms import form_add_domain_error


def _destination(destination_id: int) -> Destination:
    destination = destination_get(destination_id=destination_id)
    if destination is None:
        raise Http404
    return destination


def _rule(rule_id: int) -> AlertRule:
    rule = rule_get(rule_id=rule_id)
    if rule is None:
        raise Http404
    return rule


class AlertListView(CapabilityRequiredMixin, View):
    """The company's destinations and rules on one page."""

    capability = staticmethod(can_manage_alerts)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "alerts/alert_list.html", {"destinations": destination_list(), "rules": rule_list()})


class DestinationCreateView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_alerts)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "alerts/destination_form.html", {"form": DestinationForm(), "editing": None})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = DestinationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                destination = destination_create(
                    name=data["name"], kind=data["kind"], emails=data["emails"], url=data["url"], actor=request.user
                )
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("Destination %(name)s was added.") % {"name": destination.name})
                if destination.secret:
                    return render(request, "alerts/destination_secret.html", {"destination": destination})
                return redirect("alerts:list")
        return render(request, "alerts/destination_form.html", {"form": form, "editing": None}, status=400)


class DestinationUpdateView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_alerts)

    def get(self, request: HttpRequest, destination_id: int) -> HttpResponse:
        destination = _destination(destination_id)
        form = DestinationForm(
            destination=destination,
            initial={
                "name": destination.name,
                "emails": destination.emails,
                "url": destination.url,
                "active": destination.active,
            },
        )
        return render(request, "alerts/destination_form.html", {"form": form, "editing": destination})

    def post(self, request: HttpRequest, destination_id: int) -> HttpResponse:
        destination = _destination(destination_id)
        form = DestinationForm(request.POST, destination=destination)
        if form.is_valid():
            data = form.cleaned_data
            try:
                destination_update(
                    destination=destination,
                    name=data["name"],
                    emails=data["emails"],
                    url=data["url"],
                    active=data["active"],
                    actor=request.user,
                )
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("alerts:list")
        return render(request, "alerts/destination_form.html", {"form": form, "editing": destination}, status=400)


class DestinationSecretView(CapabilityRequiredMixin, View):
    """A new signing secret, shown once."""

    capability = staticmethod(can_manage_alerts)

    def post(self, request: HttpRequest, destination_id: int) -> HttpResponse:
        destination = _destination(destination_id)
        try:
            destination_secret_regenerate(destination=destination, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("alerts:list")
        return render(request, "alerts/destination_secret.html", {"destination": destination})


class DeliveryLogView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_alerts)

    def get(self, request: HttpRequest, destination_id: int) -> HttpResponse:
        destination = _destination(destination_id)
        page = Paginator(delivery_list(destination=destination), 50).get_page(request.GET.get("page"))
        return render(request, "alerts/delivery_log.html", {"destination": destination, "page": page})


class DeliveryReplayView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_alerts)

    def post(self, request: HttpRequest, destination_id: int, delivery_id: int) -> HttpResponse:
        destination = _destination(destination_id)
        delivery = delivery_get(destination=destination, delivery_id=delivery_id)
        if delivery is None:
            raise Http404
        try:
            delivery_replay(delivery=delivery, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The alert %(id)s is on its way again.") % {"id": delivery.event.event_id})
        return redirect("alerts:deliveries", destination_id=destination.pk)


class RuleCreateView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_alerts)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "alerts/rule_form.html", {"form": RuleForm(), "editing": None})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = RuleForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                rule = rule_create(
                    name=data["name"],
                    kind=data["kind"],
                    threshold=data["threshold"],
                    touchpoint=data["touchpoint"],
                    location=data["location"],
                    destinations=list(data["destinations"]),
                    actor=request.user,
                )
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("Rule %(name)s was added.") % {"name": rule.name})
                return redirect("alerts:list")
        return render(request, "alerts/rule_form.html", {"form": form, "editing": None}, status=400)


class RuleUpdateView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_alerts)

    def get(self, request: HttpRequest, rule_id: int) -> HttpResponse:
        rule = _rule(rule_id)
        return render(request, "alerts/rule_form.html", {"form": RuleForm.for_rule(rule), "editing": rule})

    def post(self, request: HttpRequest, rule_id: int) -> HttpResponse:
        rule = _rule(rule_id)
        form = RuleForm(request.POST, rule=rule, initial={"kind": rule.kind})
        if form.is_valid():
            data = form.cleaned_data
            try:
                rule_update(
                    rule=rule,
                    name=data["name"],
                    threshold=data["threshold"],
                    touchpoint=data["touchpoint"],
                    location=data["location"],
                    destinations=list(data["destinations"]),
                    active=data["active"],
                    actor=request.user,
                )
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("alerts:list")
        return render(request, "alerts/rule_form.html", {"form": form, "editing": rule}, status=400)
