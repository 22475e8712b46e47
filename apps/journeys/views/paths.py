from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from apps.accounts.capabilities import can_manage_cx_model, can_view_service_paths
from apps.core.access import CapabilityRequiredMixin
from apps.core.exceptions import DomainError
from apps.core.forms import form_add_domain_error
from apps.journeys import selectors
from apps.journeys.emotion_curve import CurveInput, emotion_curve, peak_end_summary
from apps.journeys.forms import PathForm
from apps.journeys.models import EMOTION_CHOICES, Channel
from apps.journeys.services.paths import path_archive, path_create, path_restore, path_update


def _path_or_404(path_id: int) -> object:
    path = selectors.path_get(path_id=path_id)
    if path is None:
        raise Http404
    return path


class PathListView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_view_service_paths)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, PathForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        if not can_manage_cx_model(request.user):
            raise PermissionDenied
        form = PathForm(request.POST)
        if form.is_valid():
            try:
                path = path_create(**form.cleaned_data, created_by=request.user)
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("Service path “%(name)s” was created. Add its stages.") % {"name": path})
                return redirect("journeys:path_editor", path_id=path.pk)
        return self._render(request, form, status=400)

    def _render(self, request: HttpRequest, form: PathForm, status: int = 200) -> HttpResponse:
        archived = request.GET.get("archived") == "1"
        paths = list(selectors.path_list(archived_only=archived))
        curves = selectors.path_emotions(path_ids=[path.pk for path in paths])
        for path in paths:
            path.curve = emotion_curve([CurveInput(**point) for point in curves.get(path.pk, [])])
        context = {"paths": paths, "form": form, "show_archived": archived}
        return render(request, "journeys/path_list.html", context, status=status)


class PathMapView(CapabilityRequiredMixin, View):
    """The map as people draw it: stages as columns, touchpoints as cards, the planned emotion curve."""

    capability = staticmethod(can_view_service_paths)

    def get(self, request: HttpRequest, path_id: int) -> HttpResponse:
        path = selectors.path_with_map(path_id=path_id)
        if path is None:
            raise Http404
        layout = selectors.path_map_layout(path=path)
        inputs = [
            CurveInput(
                emotion=column.touchpoint.planned_emotion if column.touchpoint else None,
                is_peak=bool(column.touchpoint and column.touchpoint.is_peak),
                is_end=bool(column.touchpoint and column.touchpoint.is_end),
                label=column.touchpoint.name if column.touchpoint else "",
            )
            for column in layout.columns
        ]
        curve = emotion_curve(inputs)
        context = {
            "path": path,
            "layout": layout,
            "curve": curve,
            "scale": [
                (level, y, label) for (level, y), (_level, label) in zip(curve.levels, EMOTION_CHOICES, strict=True)
            ],
            "summary": peak_end_summary(inputs),
            "channels": Channel.choices,
            "unowned_count": sum(1 for touchpoint in layout.touchpoints if touchpoint.owner_id is None),
        }
        return render(request, "journeys/path_map.html", context)


class PathSettingsView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_cx_model)

    def post(self, request: HttpRequest, path_id: int) -> HttpResponse:
        path = _path_or_404(path_id)
        form = PathForm(request.POST)
        if form.is_valid():
            try:
                path_update(path=path, **form.cleaned_data)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Saved."))
        else:
            messages.error(request, _("A service path needs a name."))
        return redirect("journeys:path_editor", path_id=path_id)


class PathArchiveView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_cx_model)

    def post(self, request: HttpRequest, path_id: int) -> HttpResponse:
        path = path_archive(path=_path_or_404(path_id))
        messages.success(request, _("“%(name)s” was archived. You find it under Archived.") % {"name": path})
        return redirect("journeys:path_list")


class PathRestoreView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_cx_model)

    def post(self, request: HttpRequest, path_id: int) -> HttpResponse:
        path = path_restore(path=_path_or_404(path_id))
        messages.success(request, _("“%(name)s” is in use again.") % {"name": path})
        return redirect("journeys:path_map", path_id=path.pk)


class PathAuditView(CapabilityRequiredMixin, View):
    """Who changed what on the map, and when."""

    capability = staticmethod(can_manage_cx_model)

    def get(self, request: HttpRequest, path_id: int) -> HttpResponse:
        path = _path_or_404(path_id)
        return render(request, "journeys/path_audit.html", {"path": path, "entries": selectors.path_audit(path=path)})
