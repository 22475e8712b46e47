"""The one-page path editor and the small endpoints its forms post to.

Without JavaScript every form posts and the endpoint redirects back to the editor
at the anchor of what changed. With JavaScript (static/journeys/editor.js) the same
forms are sent with `X-Requested-With: fetch`; the endpoint then answers JSON with
the re-rendered board (and side panel), which the script swaps in place.
"""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from apps.accounts.capabilities import can_manage_cx_model
from apps.core.access import CapabilityRequiredMixin
from apps.core.exceptions import DomainError
from apps.core.forms import form_add_domain_error
from apps.journeys import selectors
from apps.journeys.forms import OwnerForm, PathForm, StageForm, TouchpointForm, TouchpointQuickAddForm
from apps.journeys.models import ServicePath, Stage, Touchpoint
from apps.journeys.services.ownership import touchpoint_assign_owner
from apps.journeys.services.stages import stage_add, stage_delete, stage_move, stage_rename
from apps.journeys.services.touchpoints import touchpoint_add, touchpoint_delete, touchpoint_move, touchpoint_update


def _is_fetch(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _editor_url(path_id: int, *, touchpoint_id: int | None = None, anchor: str = "") -> str:
    url = reverse("journeys:path_editor", args=[path_id])
    if touchpoint_id:
        url += f"?touchpoint={touchpoint_id}"
    return url + (f"#{anchor}" if anchor else "")


def _board_context(path_id: int) -> dict[str, Any]:
    path = selectors.path_with_map(path_id=path_id)
    if path is None:
        raise Http404
    layout = selectors.path_map_layout(path=path)
    return {"path": path, "layout": layout, "add_form": TouchpointQuickAddForm(), "stage_form": StageForm()}


def _panel_context(
    touchpoint: Touchpoint | None,
    *,
    form: TouchpointForm | None = None,
    owner_form: OwnerForm | None = None,
) -> dict[str, Any]:
    if touchpoint is None:
        return {"selected": None}
    return {
        "selected": touchpoint,
        "touchpoint_form": form or TouchpointForm.for_touchpoint(touchpoint, prefix="tp"),
        "owner_form": owner_form or OwnerForm.for_touchpoint(touchpoint, prefix="own"),
    }


def _reply(
    request: HttpRequest,
    path_id: int,
    *,
    message: str = "",
    error: DomainError | None = None,
    anchor: str = "",
    touchpoint: Touchpoint | None = None,
    panel: dict[str, Any] | None = None,
) -> HttpResponse:
    """Answer an editor action: JSON with fresh fragments for fetch, else a redirect back to the editor."""
    if _is_fetch(request):
        context = {**_board_context(path_id), **(panel or _panel_context(touchpoint))}
        body = {
            "ok": error is None,
            "message": error.message if error else message,
            "board": render_to_string("journeys/_editor_board.html", context, request=request),
        }
        if touchpoint is not None or panel is not None:
            body["panel"] = render_to_string("journeys/_editor_panel.html", context, request=request)
        return JsonResponse(body, status=400 if error else 200)
    if error is not None:
        messages.error(request, error.message)
    elif message:
        messages.success(request, message)
    return redirect(_editor_url(path_id, touchpoint_id=touchpoint.pk if touchpoint else None, anchor=anchor))


class _EditorAction(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_cx_model)
    http_method_names = ["post"]


def _stage(stage_id: int) -> Stage:
    return get_object_or_404(Stage, pk=stage_id)


def _touchpoint(touchpoint_id: int) -> Touchpoint:
    touchpoint = selectors.touchpoint_get(touchpoint_id=touchpoint_id)
    if touchpoint is None:
        raise Http404
    return touchpoint


class PathEditorView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_cx_model)

    def get(self, request: HttpRequest, path_id: int) -> HttpResponse:
        path = get_object_or_404(ServicePath, pk=path_id)
        if path.is_archived:
            messages.info(request, _("This service path is archived. Restore it before editing."))
            return redirect("journeys:path_map", path_id=path_id)
        touchpoint = None
        if request.GET.get("touchpoint", "").isdigit():
            touchpoint = selectors.touchpoint_get(touchpoint_id=int(request.GET["touchpoint"]))
            if touchpoint is not None and touchpoint.stage.path_id != path.pk:
                touchpoint = None
        return self.render_editor(request, path_id, touchpoint=touchpoint)

    @staticmethod
    def render_editor(
        request: HttpRequest, path_id: int, *, touchpoint: Touchpoint | None, status: int = 200, **panel: Any
    ) -> HttpResponse:
        context = {**_board_context(path_id), **_panel_context(touchpoint, **panel)}
        context["path_form"] = PathForm.for_path(context["path"])
        return render(request, "journeys/path_editor.html", context, status=status)


class StageAddView(_EditorAction):
    def post(self, request: HttpRequest, path_id: int) -> HttpResponse:
        path = get_object_or_404(ServicePath, pk=path_id)
        form = StageForm(request.POST)
        if not form.is_valid():
            return _reply(request, path_id, error=DomainError(_("Give the stage a name.")), anchor="add-stage")
        try:
            stage = stage_add(path=path, name=form.cleaned_data["name"])
        except DomainError as error:
            return _reply(request, path_id, error=error, anchor="add-stage")
        return _reply(
            request, path_id, message=_("Stage “%(name)s” added.") % {"name": stage}, anchor=f"stage-{stage.pk}"
        )


class StageRenameView(_EditorAction):
    def post(self, request: HttpRequest, stage_id: int) -> HttpResponse:
        stage = _stage(stage_id)
        form = StageForm(request.POST)
        try:
            if not form.is_valid():
                raise DomainError(_("Give the stage a name."))
            stage = stage_rename(stage=stage, name=form.cleaned_data["name"])
        except DomainError as error:
            return _reply(request, stage.path_id, error=error, anchor=f"stage-{stage.pk}")
        return _reply(request, stage.path_id, message=_("Stage renamed."), anchor=f"stage-{stage.pk}")


def _target_position(request: HttpRequest, current: int) -> int:
    """A move form sends either a direction (buttons) or an explicit 0-based position (drag and drop)."""
    direction = request.POST.get("direction", "")
    if direction in {"up", "earlier"}:
        return max(0, current - 1)
    if direction in {"down", "later"}:
        return current + 1
    try:
        return max(0, int(request.POST.get("position", "")))
    except ValueError as error:
        raise DomainError(_("Say where to move it.")) from error


class StageMoveView(_EditorAction):
    def post(self, request: HttpRequest, stage_id: int) -> HttpResponse:
        stage = _stage(stage_id)
        try:
            stage_move(stage=stage, position=_target_position(request, stage.position))
        except DomainError as error:
            return _reply(request, stage.path_id, error=error, anchor=f"stage-{stage.pk}")
        return _reply(request, stage.path_id, message=_("Stage moved."), anchor=f"stage-{stage.pk}")


class StageDeleteView(_EditorAction):
    def post(self, request: HttpRequest, stage_id: int) -> HttpResponse:
        stage = _stage(stage_id)
        try:
            stage_delete(stage=stage)
        except DomainError as error:
            return _reply(request, stage.path_id, error=error, anchor=f"stage-{stage.pk}")
        return _reply(request, stage.path_id, message=_("Stage “%(name)s” deleted.") % {"name": stage})


class TouchpointAddView(_EditorAction):
    def post(self, request: HttpRequest, stage_id: int) -> HttpResponse:
        stage = _stage(stage_id)
        form = TouchpointQuickAddForm(request.POST)
        try:
            if not form.is_valid():
                raise DomainError(_("Give the touchpoint a name."))
            touchpoint = touchpoint_add(stage=stage, **form.cleaned_data)
        except DomainError as error:
            return _reply(request, stage.path_id, error=error, anchor=f"stage-{stage.pk}")
        touchpoint = _touchpoint(touchpoint.pk)
        return _reply(
            request,
            stage.path_id,
            message=_("Touchpoint “%(name)s” added. Describe it in the panel.") % {"name": touchpoint},
            touchpoint=touchpoint,
            anchor="panel",
        )


class TouchpointPanelView(CapabilityRequiredMixin, View):
    """GET: the side panel of one touchpoint (a fragment for fetch, else the editor with the panel open)."""

    capability = staticmethod(can_manage_cx_model)

    def get(self, request: HttpRequest, touchpoint_id: int) -> HttpResponse:
        touchpoint = _touchpoint(touchpoint_id)
        if _is_fetch(request):
            html = render_to_string("journeys/_editor_panel.html", _panel_context(touchpoint), request=request)
            return JsonResponse({"ok": True, "panel": html})
        return redirect(_editor_url(touchpoint.stage.path_id, touchpoint_id=touchpoint.pk, anchor="panel"))


class TouchpointUpdateView(_EditorAction):
    def post(self, request: HttpRequest, touchpoint_id: int) -> HttpResponse:
        touchpoint = _touchpoint(touchpoint_id)
        path_id = touchpoint.stage.path_id
        form = TouchpointForm(request.POST, prefix="tp")
        if form.is_valid():
            try:
                touchpoint = touchpoint_update(touchpoint=touchpoint, **form.cleaned_data)
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                return _reply(
                    request, path_id, message=_("Saved."), touchpoint=_touchpoint(touchpoint.pk), anchor="panel"
                )
        if _is_fetch(request):
            panel = _panel_context(touchpoint, form=form)
            return _reply(request, path_id, error=DomainError(_("Check the highlighted fields.")), panel=panel)
        return PathEditorView.render_editor(request, path_id, touchpoint=touchpoint, form=form, status=400)


class TouchpointMoveView(_EditorAction):
    def post(self, request: HttpRequest, touchpoint_id: int) -> HttpResponse:
        touchpoint = _touchpoint(touchpoint_id)
        path_id = touchpoint.stage.path_id
        direction = request.POST.get("direction", "")
        try:
            if direction in {"prev_stage", "next_stage"}:
                stages = list(Stage.objects.filter(path_id=path_id).order_by("position"))
                index = next(i for i, stage in enumerate(stages) if stage.pk == touchpoint.stage_id)
                index += -1 if direction == "prev_stage" else 1
                if not 0 <= index < len(stages):
                    raise DomainError(_("There is no stage on that side."))
                # Into the neighbouring stage on the side it came from: last of the previous, first of the next.
                position = 10_000 if direction == "prev_stage" else 0
                touchpoint_move(touchpoint=touchpoint, stage=stages[index], position=position)
            else:
                stage = touchpoint.stage
                if request.POST.get("stage", "").isdigit():
                    stage = _stage(int(request.POST["stage"]))
                position = _target_position(request, touchpoint.position)
                touchpoint_move(touchpoint=touchpoint, stage=stage, position=position)
        except DomainError as error:
            return _reply(request, path_id, error=error, anchor=f"touchpoint-{touchpoint.pk}")
        return _reply(request, path_id, message=_("Touchpoint moved."), anchor=f"touchpoint-{touchpoint.pk}")


class TouchpointDeleteView(_EditorAction):
    def post(self, request: HttpRequest, touchpoint_id: int) -> HttpResponse:
        touchpoint = _touchpoint(touchpoint_id)
        path_id = touchpoint.stage.path_id
        try:
            touchpoint_delete(touchpoint=touchpoint)
        except DomainError as error:
            return _reply(request, path_id, error=error)
        reply = _reply(request, path_id, message=_("Touchpoint “%(name)s” deleted.") % {"name": touchpoint})
        if isinstance(reply, JsonResponse):
            return reply
        return redirect(_editor_url(path_id, anchor=f"stage-{touchpoint.stage_id}"))


class TouchpointOwnerView(_EditorAction):
    """Assign owner and backup; from the editor panel or the ownership pages (`next`)."""

    def post(self, request: HttpRequest, touchpoint_id: int) -> HttpResponse:
        touchpoint = _touchpoint(touchpoint_id)
        path_id = touchpoint.stage.path_id
        form = OwnerForm(request.POST, prefix="own")
        error = None
        if form.is_valid():
            try:
                touchpoint_assign_owner(
                    touchpoint=touchpoint,
                    owner=form.cleaned_data["owner"],
                    backup=form.cleaned_data["backup_owner"],
                    acting_user=request.user,
                )
            except DomainError as domain_error:
                error = domain_error
                form_add_domain_error(form, error)
        else:
            error = DomainError(_("Choose active users of the company."))
        next_url = request.POST.get("next", "")
        safe_next = url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()})
        if next_url and safe_next and not _is_fetch(request):
            if error is not None:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Owner of “%(name)s” saved.") % {"name": touchpoint})
            return redirect(next_url)
        if error is not None and _is_fetch(request):
            return _reply(request, path_id, error=error, panel=_panel_context(touchpoint, owner_form=form))
        return _reply(
            request,
            path_id,
            error=error,
            message=_("Owner of “%(name)s” saved.") % {"name": touchpoint},
            touchpoint=_touchpoint(touchpoint.pk),
            anchor="panel",
        )
