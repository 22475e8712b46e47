"""The dashboard filters: a period, and optionally a path, a persona, a segment and a location or a region (GET)."""

import datetime as dt
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.accounts.scope import user_location_scope
from apps.core.widgets import PythonInput, PythonSelect
from apps.dashboards.periods import DEFAULT_PERIOD, MAX_CUSTOM_DAYS, Period, period_dates, period_of
from apps.dashboards.selectors.choices import FilterChoices, Place
from apps.dashboards.selectors.comments import SCORE_GROUPS, CommentCriteria
from apps.metrics.selectors import SCOPED_AUDIENCE_REFUSED, metric_filter_for
from apps.surveys.comment_search import SEARCH_MAX_LENGTH
from apps.tenants.selectors import company_day_start

PERIOD_CHOICES = [
    ("30", _("Last 30 days")),
    ("90", _("Last 90 days")),
    ("365", _("Last 365 days")),
    ("year", _("This year")),
    ("custom", _("Custom dates")),
]
FILTER_FIELDS = ("period", "start", "end", "path", "persona", "segment", "location", "region")


class DateInput(PythonInput, forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ListedChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField over a list already read (filter_choices), so rendering and checking it query nothing."""

    widget = PythonSelect

    def __init__(self, **kwargs: Any) -> None:
        self._items: list[Any] = []
        super().__init__(queryset=None, **kwargs)

    @property
    def items(self) -> list[Any]:
        return self._items

    @items.setter
    def items(self, items: list[Any]) -> None:
        self._items = list(items)
        self.widget.choices = self.choices

    def _get_choices(self) -> list[tuple[Any, str]]:
        empty = [("", self.empty_label)] if self.empty_label is not None else []
        return empty + [(item.pk, self.label_from_instance(item)) for item in self._items]

    choices = property(_get_choices, forms.ChoiceField.choices.fset)

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        for item in self._items:
            if str(item.pk) == str(value):
                return item
        raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")


def _regions_holding(*, regions: list[Place], locations: list[Place]) -> list[Place]:
    """The regions with at least one of `locations` in them or in a region below them, in their order."""
    parents = {region.pk: region.parent_id for region in regions}
    holding: set[int] = set()
    for location in locations:
        region_id = location.parent_id
        while region_id is not None and region_id not in holding:
            holding.add(region_id)
            region_id = parents.get(region_id)
    return [region for region in regions if region.pk in holding]


class DashboardFilterForm(forms.Form):
    """Bound to request.GET. An invalid value is a field error on the page, and the data falls back
    to the default period (see `view_period`).

    A manager scoped to some locations (apps.accounts.scope) is offered only those and the regions holding
    them, and no persona or segment (figures by location are not kept per persona or segment); whatever
    they choose, the filter `view_period` builds stays within their scope (`metric_filter_for`)."""

    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES, required=False, widget=PythonSelect)
    start = forms.DateField(
        label=pgettext_lazy("first day of a period", "From"),
        required=False,
        widget=DateInput(),
        input_formats=["%Y-%m-%d"],
    )
    end = forms.DateField(
        label=pgettext_lazy("last day of a period", "To"),
        required=False,
        widget=DateInput(),
        input_formats=["%Y-%m-%d"],
    )
    path = ListedChoiceField(label=_("Service path"), required=False, empty_label=_("All"))
    persona = ListedChoiceField(label=_("Buyer persona"), required=False, empty_label=_("All"))
    segment = ListedChoiceField(label=_("Segment"), required=False, empty_label=_("All"))
    location = ListedChoiceField(label=_("Location"), required=False, empty_label=_("All"))
    region = ListedChoiceField(label=_("Region"), required=False, empty_label=_("All"))

    # Figures come from the roll-ups, which keep persona and segment only for the whole company (not per
    # location): a scoped manager is not offered them. A form over single answers (comments) sets False.
    audience_needs_rollups = True

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        today: dt.date,
        choices: FilterChoices,
        user: Any,
        show_path: bool = True,
        show_places: bool = True,
    ) -> None:
        data = data if data is not None else QueryDict()
        # An untouched form (no period in the URL) is the default view, not an error.
        if "period" not in data or not data.get("period"):
            data = data.copy()
            data["period"] = "custom" if data.get("start") or data.get("end") else DEFAULT_PERIOD
        super().__init__(data)
        self.today = today
        self.user = user
        self.scope = user_location_scope(user)
        locations, regions = choices.locations, choices.regions
        if self.scope is not None:
            locations = [place for place in locations if place.pk in self.scope]
            regions = _regions_holding(regions=regions, locations=locations)
        self.fields["path"].items = choices.paths
        self.fields["persona"].items = choices.active_personas
        self.fields["segment"].items = choices.segments
        self.fields["location"].items = locations
        self.fields["region"].items = regions
        # A scoped manager's figures are read per location, which keeps no persona or segment: nothing to offer.
        refused = self.scope is not None and self.audience_needs_rollups
        self.audience_refused = refused and any(data.get(name) for name in ("persona", "segment"))
        if refused:
            del self.fields["persona"]
            del self.fields["segment"]
        if not show_path:
            del self.fields["path"]
        # A company without locations is not asked about them.
        if not locations or not show_places:
            del self.fields["location"]
        if not regions or not show_places:
            del self.fields["region"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.audience_refused:
            raise forms.ValidationError(SCOPED_AUDIENCE_REFUSED, code="scoped_audience")
        if (data.get("location") or data.get("region")) and (data.get("persona") or data.get("segment")):
            self.add_error(
                "persona" if data.get("persona") else "segment",
                _("Figures by location or region are not cut by persona or segment. Choose one or the other."),
            )
        return self._clean_places_and_period(data)

    def _clean_places_and_period(self, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("location") and data.get("region"):
            self.add_error("region", _("Choose a location or a region, not both."))
        if data.get("period") != "custom":
            return data
        start, end = data.get("start"), data.get("end")
        if start is None and "start" not in self.errors:
            self.add_error("start", _("Give the first day of the period."))
        if end is None and "end" not in self.errors:
            self.add_error("end", _("Give the last day of the period."))
        if start and end:
            if end < start:
                self.add_error("end", _("The period ends before it starts."))
            elif (end - start).days + 1 > MAX_CUSTOM_DAYS:
                self.add_error("end", _("A period can be at most three years long."))
        return data

    def _dates(self, period: str) -> tuple[dt.date, dt.date]:
        if period == "custom":
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return period_dates(preset=period, today=self.today)

    def view_period(self, *, path_id: int | None = None, touchpoint_id: int | None = None) -> Period:
        """The period and narrowing to show; the defaults when the form has errors."""
        valid = self.is_valid()
        data = self.cleaned_data if valid else {}
        start, end = self._dates(data.get("period") or DEFAULT_PERIOD) if valid else self._dates(DEFAULT_PERIOD)
        path = data.get("path")
        persona, segment = data.get("persona"), data.get("segment")
        location, region = data.get("location"), data.get("region")
        filters = metric_filter_for(
            user=self.user,
            start=start,
            end=end,
            path_id=path_id if path_id is not None else (path.pk if path else None),
            touchpoint_id=touchpoint_id,
            persona_id=persona.pk if persona else None,
            segment_id=segment.pk if segment else None,
            location_id=location.pk if location else None,
            region_id=region.pk if region else None,
        )
        return period_of(filters=filters)

    def query(self, *, without: tuple[str, ...] = ()) -> str:
        """The valid filter values as a query string, for links that keep the view (and the CSV export)."""
        if not self.is_valid():
            return ""
        params = QueryDict(mutable=True)
        for name in FILTER_FIELDS:
            if name in without or name not in self.fields:
                continue
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            if name in ("start", "end"):
                if self.cleaned_data.get("period") != "custom":
                    continue
                value = value.isoformat()
            elif hasattr(value, "pk"):
                value = value.pk
            params[name] = str(value)
        return params.urlencode()

    def cut_lines(self) -> list[str]:
        """The narrowing chosen, in words ("Service path: Katsastus"), for a report of the view."""
        if not self.is_valid():
            return []
        return [
            f"{self.fields[name].label}: {self.cleaned_data[name]}"
            for name in ("path", "persona", "segment", "location", "region")
            if name in self.fields and self.cleaned_data.get(name)
        ]

    @property
    def narrowed(self) -> bool:
        """Whether anything beyond the default period is chosen (the Clear button shows)."""
        if not self.is_valid():
            return True
        data = self.cleaned_data
        return data.get("period") != DEFAULT_PERIOD or any(
            data.get(name) for name in ("path", "persona", "segment", "location", "region")
        )


LANGUAGE_CHOICES = [("", _("All")), ("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
COMMENT_FILTER_FIELDS = (*FILTER_FIELDS, "touchpoint", "score", "language", "q")


class CommentFilterForm(DashboardFilterForm):
    """The comments page's filters (GET): the dashboard's period, path and places, and a touchpoint, a
    persona, a score group, a language and words to search for. Comments are read one by one, so
    places and personas combine freely (for a scoped manager too). `after` is the keyset of the page
    (comment_page)."""

    audience_needs_rollups = False

    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH, strip=True)
    touchpoint = ListedChoiceField(label=_("Touchpoint"), required=False, empty_label=_("All"))
    score = forms.ChoiceField(label=_("Score group"), required=False, widget=PythonSelect)
    language = forms.ChoiceField(label=_("Language"), required=False, choices=LANGUAGE_CHOICES, widget=PythonSelect)
    after = forms.RegexField(regex=r"^\d{1,20}\.\d{1,12}$", required=False, widget=forms.HiddenInput)

    field_order = ["q", "period", "start", "end", "path", "touchpoint", "persona", "location", "region", "score"]

    def __init__(
        self,
        data: QueryDict | None = None,
        *,
        today: dt.date,
        choices: FilterChoices,
        user: Any,
        touchpoints: list[Any],
    ):
        super().__init__(data, today=today, choices=choices, user=user)
        del self.fields["segment"]
        self.fields["touchpoint"].items = touchpoints
        self.fields["score"].choices = [("", _("All")), *((key, label) for key, (label, _band) in SCORE_GROUPS.items())]
        self.order_fields(self.field_order)

    def clean(self) -> dict[str, Any]:
        return self._clean_places_and_period(forms.Form.clean(self))

    def clean_after(self) -> tuple[dt.datetime, int] | None:
        value = self.cleaned_data.get("after")
        if not value:
            return None
        micros, answer_id = value.split(".")
        try:
            at = dt.datetime.fromtimestamp(int(micros) / 1_000_000, tz=dt.UTC)
        except (OverflowError, OSError, ValueError):
            raise forms.ValidationError(_("This page link is not valid.")) from None
        return at, int(answer_id)

    def criteria(self) -> CommentCriteria:
        """The filters to read with; the defaults when the form has errors."""
        period = self.view_period().filters
        data = self.cleaned_data if self.is_valid() else {}

        def pk(name: str) -> int | None:
            value = data.get(name)
            return value.pk if value is not None else None

        return CommentCriteria(
            since=company_day_start(period.start),
            until=company_day_start(period.end + dt.timedelta(days=1)),
            search=data.get("q") or "",
            touchpoint_id=pk("touchpoint"),
            path_id=pk("path"),
            persona_id=pk("persona"),
            location_id=pk("location"),
            region_id=pk("region"),
            language=data.get("language") or "",
            score_group=data.get("score") or "",
        )

    def used(self) -> list[str]:
        """The names of the filters chosen (for the audit log: never their values)."""
        if not self.is_valid():
            return []
        return [name for name in COMMENT_FILTER_FIELDS if name in self.fields and self.cleaned_data.get(name)]

    def query(self, *, without: tuple[str, ...] = ()) -> str:
        """The valid filters as a query string, the page's position left out."""
        if not self.is_valid():
            return ""
        params = QueryDict(super().query(without=without), mutable=True)
        for name in ("touchpoint", "score", "language", "q"):
            value = self.cleaned_data.get(name)
            if name not in without and value:
                params[name] = str(value.pk if hasattr(value, "pk") else value)
        return params.urlencode()

    @property
    def narrowed(self) -> bool:
        return super().narrowed or any(self.cleaned_data.get(name) for name in ("touchpoint", "score", "language", "q"))


def comment_cursor(following: tuple[dt.datetime, int] | None) -> str:
    """The `after` value of the next page's link."""
    if following is None:
        return ""
    at, answer_id = following
    micros = (at - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)
    return f"{micros}.{answer_id}"
