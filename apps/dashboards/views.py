"""The leadership dashboard pages (managers and admins). Each page also answers `?export=csv`."""

import datetime as dt
from typing import Any

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views import View

from apps.accounts.capabilities import can_manage_cx_model, can_view_dashboards
from apps.accounts.scope import user_location_scope
from apps.core.access import CapabilityRequiredMixin
from apps.core.csv_export import csv_format_for
from apps.core.db_routing import replica_reads
from apps.core.request_memo import read_scope
from apps.core.tenancy import company_time_zone
from apps.dashboards import exporting
from apps.dashboards.comment_export import comment_export_lines, comment_export_log
from apps.dashboards.forms import CommentFilterForm, DashboardFilterForm, comment_cursor
from apps.dashboards.periods import Period
from apps.dashboards.selectors import company_dashboard, path_dashboard, perception_gap, touchpoint_dashboard
from apps.dashboards.selectors.choices import FilterChoices, filter_choices
from apps.dashboards.selectors.comments import comment_page_build
from apps.dashboards.selectors.common import period_bounds
from apps.dashboards.selectors.locations import LEAGUES, league_table, location_dashboard
from apps.dashboards.selectors.sharing import SHARE_DAYS_DEFAULT, SHARE_DAYS_MAX
from apps.journeys.selectors import path_get, touchpoint_get, touchpoint_list
from apps.locations.selectors import location_get
from apps.metrics.key_drivers import key_drivers_for
from apps.pos.selectors import point_summary
from apps.tenants.selectors import company_today


class DashboardView(CapabilityRequiredMixin, View):
    """Filters from the query string, one selector call, then the page or its CSV."""

    capability = staticmethod(can_view_dashboards)
    template_name = ""
    export_name = ""
    show_path_filter = True
    show_place_filter = True

    def target(self, **kwargs: Any) -> dict[str, Any]:
        """The path or touchpoint the URL names (404 when it is not this company's)."""
        return {}

    def build(self, *, period: Period, today: dt.date, user: Any, choices: FilterChoices, **target: Any) -> Any:
        raise NotImplementedError

    def period_for(self, form: DashboardFilterForm, **target: Any) -> Period:
        return form.view_period()

    def rows(self, data: Any) -> list[list[Any]]:
        raise NotImplementedError

    def extra_context(self, request: HttpRequest) -> dict[str, Any]:
        return {}

    def filters_left_out(self) -> tuple[str, ...]:
        return ()

    def pdf(self, *, data: Any, form: DashboardFilterForm, period: Period, today: dt.date) -> bytes | None:
        """The view as a PDF (`?export=pdf`), where the page has one."""
        return None

    @replica_reads()
    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        # A page of reads: a read that several parts of it need runs once (apps/core/request_memo.py).
        with read_scope():
            return self.page(request, **kwargs)

    def page(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        today = company_today()
        target = self.target(**kwargs)
        choices = filter_choices()
        form = DashboardFilterForm(
            request.GET,
            today=today,
            choices=choices,
            user=request.user,
            show_path=self.show_path_filter,
            show_places=self.show_place_filter,
        )
        for name in self.filters_left_out():
            form.fields.pop(name, None)
        period = self.period_for(form, **target)
        export = request.GET.get("export")
        exporting_csv = export == "csv"
        if export in ("csv", "pdf") and not form.is_valid():
            errors = "\n".join(f"{field}: {' '.join(messages)}" for field, messages in form.errors.items())
            return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
        data = self.build(period=period, today=today, user=request.user, choices=choices, **target)
        target = {**target, **self.extra_context(request)}
        if export == "pdf":
            document = self.pdf(data=data, form=form, period=period, today=today)
            if document is not None:
                from apps.dashboards.report_pdf import pdf_response

                return pdf_response(
                    document=document, company=connection.tenant.name, view=self.export_name, today=today
                )
        if exporting_csv:
            return exporting.csv_response(
                rows=self.rows(data),
                csv_format=csv_format_for(request.GET.get("delimiter")),
                company=connection.tenant.name,
                view=self.export_name,
                today=today,
            )
        query = form.query()
        context = {
            "data": data,
            "form": form,
            "period": period,
            "today": today,
            "query": query,
            "path_query": form.query(without=("path",)),
            "export_query": f"{query}&export=csv" if query else "export=csv",
            "pdf_query": f"{query}&export=pdf" if query else "export=pdf",
            "query_items": list(QueryDict(query).items()),
            "share_days": SHARE_DAYS_DEFAULT,
            "share_days_max": SHARE_DAYS_MAX,
            **target,
        }
        return render(request, self.template_name, context, status=400 if form.errors else 200)


class CompanyDashboardView(DashboardView):
    template_name = "dashboards/company.html"
    export_name = "dashboard"

    def build(self, *, period: Period, today: dt.date, user: Any, choices: FilterChoices, **target: Any) -> Any:
        # Point-of-service answers apart from the invited ones (docs/point-of-service.md): none, and no
        # query, when the company has no open link or kiosk.
        since, until = period_bounds(period)
        self.point_of_service = point_summary(
            since=since,
            until=until,
            location_ids=user_location_scope(user),
            location_id=period.filters.location_id,
            region_id=period.filters.region_id,
        )
        # The key drivers card (docs/key-drivers.md): from the cache, no query, until an answer arrives.
        self.key_drivers = key_drivers_for(filters=period.filters)
        return company_dashboard(filters=period, today=today, user=user, choices=choices)

    def extra_context(self, request: HttpRequest) -> dict[str, Any]:
        return {"point_of_service": self.point_of_service, "key_drivers": self.key_drivers}

    def pdf(self, *, data: Any, form: DashboardFilterForm, period: Period, today: dt.date) -> bytes | None:
        # The report module draws with fpdf2, imported on the first PDF, not with the URLconf (a third of
        # a second of every process's start that loads the URLs).
        from apps.dashboards.report_pdf import company_report_heading, dashboard_pdf

        heading = company_report_heading(period=period.label, cut=form.cut_lines(), today=today)
        return dashboard_pdf(dashboard=data, heading=heading)

    def rows(self, data: Any) -> list[list[Any]]:
        return exporting.company_rows(data)


class PathDashboardView(DashboardView):
    template_name = "dashboards/path.html"
    export_name = "path"
    show_path_filter = False

    def target(self, **kwargs: Any) -> dict[str, Any]:
        path = path_get(path_id=kwargs["path_id"])
        if path is None:
            raise Http404
        return {"path": path}

    def period_for(self, form: DashboardFilterForm, **target: Any) -> Period:
        return form.view_period(path_id=target["path"].pk)

    def build(self, *, period: Period, today: dt.date, user: Any, choices: FilterChoices, **target: Any) -> Any:
        dashboard = path_dashboard(path=target["path"], filters=period, today=today, user=user)
        if dashboard is None:
            raise Http404
        return dashboard

    def rows(self, data: Any) -> list[list[Any]]:
        return exporting.path_rows(data)


class TouchpointDashboardView(DashboardView):
    template_name = "dashboards/touchpoint.html"
    export_name = "touchpoint"
    show_path_filter = False

    def target(self, **kwargs: Any) -> dict[str, Any]:
        touchpoint = touchpoint_get(touchpoint_id=kwargs["touchpoint_id"])
        if touchpoint is None:
            raise Http404
        return {"touchpoint": touchpoint}

    def period_for(self, form: DashboardFilterForm, **target: Any) -> Period:
        return form.view_period(touchpoint_id=target["touchpoint"].pk)

    def build(self, *, period: Period, today: dt.date, user: Any, choices: FilterChoices, **target: Any) -> Any:
        return touchpoint_dashboard(touchpoint=target["touchpoint"], filters=period, today=today, user=user)

    def rows(self, data: Any) -> list[list[Any]]:
        return exporting.touchpoint_rows(data)


class PerceptionGapView(DashboardView):
    template_name = "dashboards/perception.html"
    export_name = "perception-gap"

    def build(self, *, period: Period, today: dt.date, user: Any, choices: FilterChoices, **target: Any) -> Any:
        return perception_gap(filters=period)

    def rows(self, data: Any) -> list[list[Any]]:
        return exporting.perception_rows(data)


class LocationDashboardView(DashboardView):
    """One location's figures; the location filters give way to the location the URL names."""

    template_name = "dashboards/location.html"
    export_name = "location"
    show_place_filter = False

    def filters_left_out(self) -> tuple[str, ...]:
        # A location's figures are not kept per persona or segment (docs/league-tables.md).
        return ("persona", "segment")

    def target(self, **kwargs: Any) -> dict[str, Any]:
        location = location_get(location_id=kwargs["location_id"])
        scope = user_location_scope(self.request.user)
        # Outside a scoped manager's locations the page is not theirs (its figures would be empty anyway).
        if location is None or (scope is not None and location.pk not in scope):
            raise Http404
        return {"location": location}

    def build(self, *, period: Period, today: dt.date, user: Any, choices: FilterChoices, **target: Any) -> Any:
        return location_dashboard(location=target["location"], filters=period)

    def rows(self, data: Any) -> list[list[Any]]:
        return exporting.location_rows(data)


class LeagueTableView(DashboardView):
    """Locations or employees (`?of=employees`) ranked by NPS with intervals and rank ranges."""

    template_name = "dashboards/league.html"
    export_name = "league"

    def _of(self) -> str:
        of = self.request.GET.get("of", "locations")
        return of if of in LEAGUES else "locations"

    def filters_left_out(self) -> tuple[str, ...]:
        # Per-employee figures are not cut by persona or segment (too few answers behind each), nor are the
        # figures per location (not kept per persona or segment).
        return ("persona", "segment")

    def build(self, *, period: Period, today: dt.date, user: Any, choices: FilterChoices, **target: Any) -> Any:
        return league_table(filters=period, of=self._of(), choices=choices)

    def rows(self, data: Any) -> list[list[Any]]:
        return exporting.league_rows(data)

    def extra_context(self, request: HttpRequest) -> dict[str, Any]:
        return {"of": self._of()}


class CommentListView(CapabilityRequiredMixin, View):
    """What customers wrote, newest first, searched and filtered, a page at a time (docs/comments.md)."""

    capability = staticmethod(can_view_dashboards)

    def form(self, request: HttpRequest) -> CommentFilterForm:
        return CommentFilterForm(
            request.GET,
            today=company_today(),
            choices=filter_choices(),
            user=request.user,
            touchpoints=list(touchpoint_list()),
        )

    @replica_reads()
    def get(self, request: HttpRequest) -> HttpResponse:
        form = self.form(request)
        valid = form.is_valid()
        after = form.cleaned_data.get("after") if valid else None
        page = comment_page_build(user=request.user, criteria=form.criteria(), after=after)
        query = form.query()
        context = {
            "form": form,
            "page": page,
            "period": form.view_period(),
            "query": form.query(without=("q", "touchpoint", "score", "language")),
            "comment_query": query,
            "next_query": f"{query}&after={comment_cursor(page.following)}"
            if query
            else f"after={comment_cursor(page.following)}",
            "first_page": after is None,
            "can_see_customers": can_manage_cx_model(request.user),
            "search": form.criteria().search,
        }
        return render(request, "dashboards/comments.html", context, status=400 if form.errors else 200)


class CommentExportView(CommentListView):
    """Every comment the filters select as CSV, streamed; the export is logged first."""

    def get(self, request: HttpRequest) -> HttpResponse:
        form = self.form(request)
        if not form.is_valid():
            errors = "\n".join(f"{field}: {' '.join(messages)}" for field, messages in form.errors.items())
            return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
        criteria = form.criteria()
        comment_export_log(user=request.user, criteria=criteria, filters=form.used())
        lines = comment_export_lines(
            user=request.user,
            criteria=criteria,
            delimiter=csv_format_for(request.GET.get("delimiter")).delimiter,
            zone=company_time_zone(),
        )
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        name = "-".join(
            part for part in (slugify(connection.tenant.name), "comments", company_today().isoformat()) if part
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
