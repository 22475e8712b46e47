"""The key drivers page: which touchpoints' experience goes with the relationship NPS (docs/key-drivers.md)."""

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from apps.dashboards.periods import Period
from apps.dashboards.selectors.choices import FilterChoices
from apps.dashboards.views import DashboardView
from apps.metrics.key_drivers import KeyDrivers, key_drivers_for


class KeyDriversView(DashboardView):
    """The ranked touchpoints with n, r, interval, rank range and performance, and the method in words."""

    template_name = "dashboards/key_drivers.html"
    export_name = "key-drivers"

    def build(self, *, period: Period, today: dt.date, user: Any, choices: FilterChoices, **target: Any) -> KeyDrivers:
        return key_drivers_for(filters=period.filters)

    def rows(self, data: KeyDrivers) -> list[list[Any]]:
        """Ranked rows with their rank ranges, then the rows with too few customers (no correlation)."""
        header = [
            _("Rank"),
            _("Best possible rank"),
            _("Worst possible rank"),
            _("Touchpoint"),
            _("Service path"),
            pgettext("first day of a period", "From"),
            pgettext("last day of a period", "To"),
            _("Customers"),
            _("Correlation (Spearman)"),
            _("Correlation, lower limit"),
            _("Correlation, upper limit"),
            _("Experience (0-100)"),
            _("Fix first"),
        ]
        rows: list[list[Any]] = [header]
        for row in [*data.table.ranked, *data.table.apart]:
            rows.append(
                [
                    row.place,
                    row.best_rank,
                    row.worst_rank,
                    row.name,
                    data.paths.get(row.key, ""),
                    data.start.isoformat(),
                    data.end.isoformat(),
                    row.customers,
                    round(row.r, 3) if row.r is not None else None,
                    round(row.low, 3) if row.low is not None else None,
                    round(row.high, 3) if row.high is not None else None,
                    round(row.performance, 1),
                    _("yes") if row.fix_first else "",
                ]
            )
        return rows
