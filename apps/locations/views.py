from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from apps.accounts.capabilities import can_manage_locations, can_manage_users
from apps.accounts.models import Team, User
from apps.core.access import CapabilityRequiredMixin
from apps.core.exceptions import DomainError
from apps.core.forms import form_add_domain_error
from apps.locations.forms import (
    LocationForm,
    LocationImportForm,
    LocationScopeForm,
    LocationStaffAddForm,
    LocationTeamAddForm,
    RegionForm,
)
from apps.locations.importing import location_import
from apps.locations.models import Location, Region
from apps.locations.selectors import (
    location_scope_list,
    location_staff,
    location_staff_candidates,
    location_team_candidates,
    location_teams,
    region_tree,
)
from apps.locations.services import (
    location_archive,
    location_create,
    location_restore,
    location_scope_set,
    location_staff_add,
    location_staff_remove,
    location_team_add,
    location_team_remove,
    location_update,
    region_create,
    region_delete,
    region_update,
)

MAX_IMPORT_BYTES = 2 * 1024 * 1024


class LocationListView(CapabilityRequiredMixin, View):
    """The region tree with the locations in each region."""

    capability = staticmethod(can_manage_locations)

    def get(self, request: HttpRequest) -> HttpResponse:
        show_archived = request.GET.get("archived") == "1"
        tree = region_tree(include_archived=show_archived)
        return render(
            request,
            "locations/location_list.html",
            {"nodes": tree.flat(), "unplaced": tree.unplaced, "show_archived": show_archived},
        )


class RegionCreateView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_locations)

    def get(self, request: HttpRequest) -> HttpResponse:
        initial = {"parent": request.GET.get("parent", "")}
        return render(request, "locations/region_form.html", {"form": RegionForm(initial=initial), "editing": None})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = RegionForm(request.POST)
        if form.is_valid():
            try:
                region = region_create(**form.cleaned_data)
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("Region %(name)s was added.") % {"name": region.name})
                return redirect("locations:list")
        return render(request, "locations/region_form.html", {"form": form, "editing": None}, status=400)


class RegionUpdateView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_locations)

    def get(self, request: HttpRequest, region_id: int) -> HttpResponse:
        region = get_object_or_404(Region, pk=region_id)
        form = RegionForm(initial={"name": region.name, "parent": region.parent_id}, region=region)
        return render(request, "locations/region_form.html", {"form": form, "editing": region})

    def post(self, request: HttpRequest, region_id: int) -> HttpResponse:
        region = get_object_or_404(Region, pk=region_id)
        form = RegionForm(request.POST, region=region)
        if form.is_valid():
            try:
                region_update(region=region, **form.cleaned_data)
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("locations:list")
        return render(request, "locations/region_form.html", {"form": form, "editing": region}, status=400)


class RegionDeleteView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_locations)

    def post(self, request: HttpRequest, region_id: int) -> HttpResponse:
        region = get_object_or_404(Region, pk=region_id)
        try:
            region_delete(region=region)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Region %(name)s was removed.") % {"name": region.name})
        return redirect("locations:list")


class LocationCreateView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_locations)

    def get(self, request: HttpRequest) -> HttpResponse:
        form = LocationForm(initial={"region": request.GET.get("region", "")})
        return render(request, "locations/location_form.html", {"form": form, "editing": None})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = LocationForm(request.POST)
        if form.is_valid():
            try:
                location = location_create(**form.cleaned_data)
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("Location %(name)s was added.") % {"name": location.name})
                return redirect("locations:staff", location_id=location.pk)
        return render(request, "locations/location_form.html", {"form": form, "editing": None}, status=400)


class LocationUpdateView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_locations)

    def get(self, request: HttpRequest, location_id: int) -> HttpResponse:
        location = get_object_or_404(Location, pk=location_id)
        context = {"form": LocationForm.for_location(location), "editing": location}
        return render(request, "locations/location_form.html", context)

    def post(self, request: HttpRequest, location_id: int) -> HttpResponse:
        location = get_object_or_404(Location, pk=location_id)
        form = LocationForm(request.POST)
        if form.is_valid():
            try:
                location_update(location=location, **form.cleaned_data)
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("locations:list")
        return render(request, "locations/location_form.html", {"form": form, "editing": location}, status=400)


class LocationArchiveView(CapabilityRequiredMixin, View):
    """POST archives an active location or restores an archived one."""

    capability = staticmethod(can_manage_locations)

    def post(self, request: HttpRequest, location_id: int) -> HttpResponse:
        location = get_object_or_404(Location, pk=location_id)
        if location.is_active:
            location_archive(location=location)
            messages.success(request, _("Location %(name)s was archived.") % {"name": location.name})
        else:
            location_restore(location=location)
            messages.success(request, _("Location %(name)s is in use again.") % {"name": location.name})
        return redirect("locations:list")


class LocationStaffView(CapabilityRequiredMixin, View):
    """Who works at a location: people and teams, added and removed. One form each, told apart by the
    button pressed (`add`)."""

    capability = staticmethod(can_manage_locations)

    def _render(
        self,
        request: HttpRequest,
        location: Location,
        *,
        form: LocationStaffAddForm | None = None,
        team_form: LocationTeamAddForm | None = None,
        status: int = 200,
    ) -> HttpResponse:
        if form is None:
            form = LocationStaffAddForm(candidates=location_staff_candidates(location=location))
        if team_form is None:
            team_form = LocationTeamAddForm(candidates=location_team_candidates(location=location))
        context = {
            "location": location,
            "staff": location_staff(location=location),
            "teams": location_teams(location=location),
            "form": form,
            "team_form": team_form,
        }
        return render(request, "locations/location_staff.html", context, status=status)

    def get(self, request: HttpRequest, location_id: int) -> HttpResponse:
        return self._render(request, get_object_or_404(Location, pk=location_id))

    def post(self, request: HttpRequest, location_id: int) -> HttpResponse:
        location = get_object_or_404(Location, pk=location_id)
        if request.POST.get("add") == "team":
            return self._team_add(request, location)
        form = LocationStaffAddForm(request.POST, candidates=location_staff_candidates(location=location))
        if form.is_valid():
            try:
                location_staff_add(location=location, user=form.cleaned_data["user"])
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                user = form.cleaned_data["user"]
                messages.success(
                    request,
                    _("%(person)s works at %(location)s.") % {"person": user.get_full_name(), "location": location},
                )
                return redirect("locations:staff", location_id=location.pk)
        return self._render(request, location, form=form, status=400)

    def _team_add(self, request: HttpRequest, location: Location) -> HttpResponse:
        form = LocationTeamAddForm(request.POST, candidates=location_team_candidates(location=location))
        if form.is_valid():
            try:
                location_team_add(location=location, team=form.cleaned_data["team"])
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(
                    request,
                    _("Team %(team)s works at %(location)s.")
                    % {"team": form.cleaned_data["team"], "location": location},
                )
                return redirect("locations:staff", location_id=location.pk)
        return self._render(request, location, team_form=form, status=400)


class LocationTeamRemoveView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_locations)

    def post(self, request: HttpRequest, location_id: int, team_id: int) -> HttpResponse:
        location = get_object_or_404(Location, pk=location_id)
        team = get_object_or_404(Team, pk=team_id)
        if location_team_remove(location=location, team=team):
            messages.success(
                request, _("Team %(team)s no longer works at %(location)s.") % {"team": team, "location": location}
            )
        return redirect("locations:staff", location_id=location.pk)


class LocationStaffRemoveView(CapabilityRequiredMixin, View):
    capability = staticmethod(can_manage_locations)

    def post(self, request: HttpRequest, location_id: int, user_id: int) -> HttpResponse:
        location = get_object_or_404(Location, pk=location_id)
        user = get_object_or_404(User, pk=user_id)
        if location_staff_remove(location=location, user=user):
            messages.success(
                request,
                _("%(person)s no longer works at %(location)s.")
                % {"person": user.get_full_name(), "location": location},
            )
        return redirect("locations:staff", location_id=location.pk)


class LocationImportView(CapabilityRequiredMixin, View):
    """Upload a CSV of locations: all rows are written, or none and every problem is listed by row."""

    capability = staticmethod(can_manage_locations)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "locations/location_import.html", {"form": LocationImportForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = LocationImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, "locations/location_import.html", {"form": form}, status=400)
        upload = form.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            form.add_error("file", _("The file is too large: at most 2 MB."))
            return render(request, "locations/location_import.html", {"form": form}, status=400)
        report = location_import(content=upload.read())
        status = 200 if report.ok else 400
        return render(
            request, "locations/location_import.html", {"form": LocationImportForm(), "report": report}, status=status
        )


class LocationScopeView(CapabilityRequiredMixin, View):
    """The part of the company a manager sees: regions and locations, or the whole company. Reached from
    the user's page; admins decide it, as they decide roles."""

    capability = staticmethod(can_manage_users)

    def _render(self, request: HttpRequest, person: User, form: LocationScopeForm, status: int = 200) -> HttpResponse:
        context = {"person": person, "form": form, "scope": location_scope_list(user=person)}
        return render(request, "locations/location_scope.html", context, status=status)

    def get(self, request: HttpRequest, user_id: int) -> HttpResponse:
        person = get_object_or_404(User, pk=user_id)
        return self._render(request, person, LocationScopeForm.for_scope(location_scope_list(user=person)))

    def post(self, request: HttpRequest, user_id: int) -> HttpResponse:
        person = get_object_or_404(User, pk=user_id)
        form = LocationScopeForm(request.POST)
        if form.is_valid():
            try:
                location_scope_set(
                    user=person,
                    regions=form.cleaned_data["regions"],
                    locations=form.cleaned_data["locations"],
                    acting_user=request.user,
                )
            except DomainError as error:
                form_add_domain_error(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("accounts:user_update", user_id=person.pk)
        return self._render(request, person, form, status=400)
