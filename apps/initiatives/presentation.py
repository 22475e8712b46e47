"""How an initiative's effect reads to a person: verdict sentences, labels and the chart's data."""

import datetime as dt
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from apps.initiatives.effect import Difference, Metric, MixShift, Season, Verdict, Window
from apps.initiatives.selectors import InitiativeEffect, initiative_card

DASH = "\u2013"  # en dash: no figure, and between dates
MINUS = "\u2212"  # a real minus sign in figures
DIGITS = {Metric.NPS: 1, Metric.CSAT: 1, Metric.CES: 2}


def metric_label(metric: Metric) -> str:
    return {Metric.NPS: _("NPS"), Metric.CSAT: _("CSAT (%)"), Metric.CES: _("CES (1-7)")}[metric]


def verdict_label(verdict: Verdict) -> str:
    return {
        Verdict.IMPROVED: _("Improved"),
        Verdict.WORSENED: _("Worsened"),
        Verdict.CANNOT_TELL: _("Cannot tell yet"),
        Verdict.NO_DATA: _("No answers yet"),
    }[verdict]


def season_label(season: str) -> str:
    return {
        Season.WINTER: pgettext("season", "winter"),
        Season.SPRING: pgettext("season", "spring"),
        Season.SUMMER: pgettext("season", "summer"),
        Season.AUTUMN: pgettext("season", "autumn"),
    }[Season(season)]


def plain(value: float | None, digits: int = 1) -> str:
    """A localised number (decimal comma in Finnish and Swedish) with a real minus sign, or a dash."""
    if value is None:
        return DASH
    return number_format(round(value, digits), decimal_pos=digits, use_l10n=True).replace("-", MINUS)


def signed(value: float | None, digits: int = 1) -> str:
    if value is None:
        return DASH
    text = plain(value, digits)
    return text if text.startswith(MINUS) else "+" + text


def window_text(window: Window) -> str:
    if window.days <= 0:
        return DASH
    last = window.end - dt.timedelta(days=1)
    return f"{date_format(window.first, 'SHORT_DATE_FORMAT')} {DASH} {date_format(last, 'SHORT_DATE_FORMAT')}"


def verdict_sentence(difference: Difference) -> str:
    """The plain-language verdict of one metric."""
    digits = DIGITS[difference.metric]
    label = metric_label(difference.metric)
    if difference.verdict is Verdict.NO_DATA:
        return _("There are no %(metric)s answers on both sides yet, so there is nothing to compare.") % {
            "metric": label
        }
    values = {
        "metric": label,
        # "rose by 12.5", "fell by 3.0": the verb carries the sign; "moved by" keeps it.
        "difference": (
            signed(difference.difference, digits)
            if difference.verdict is Verdict.CANNOT_TELL
            else plain(abs(difference.difference or 0.0), digits)
        ),
        "low": signed(difference.low, digits),
        "high": signed(difference.high, digits),
    }
    if difference.verdict is Verdict.IMPROVED:
        return (
            _(
                "%(metric)s rose by %(difference)s (95 %% interval %(low)s to %(high)s). The interval lies above "
                "zero: the change is distinguishable from noise."
            )
            % values
        )
    if difference.verdict is Verdict.WORSENED:
        return (
            _(
                "%(metric)s fell by %(difference)s (95 %% interval %(low)s to %(high)s). The interval lies below "
                "zero: the change is distinguishable from noise."
            )
            % values
        )
    sentence = (
        _(
            "%(metric)s moved by %(difference)s, but the 95 %% interval (%(low)s to %(high)s) includes zero: the "
            "data cannot tell this change from noise yet."
        )
        % values
    )
    if difference.answers_needed is None:
        return sentence + " " + _("There is no difference to detect, however many answers come in.")
    return (
        sentence
        + " "
        + ngettext(
            "To tell a difference this size at the current spread takes about %(count)s answer in each period.",
            "To tell a difference this size at the current spread takes about %(count)s answers in each period.",
            difference.answers_needed,
        )
        % {"count": difference.answers_needed}
    )


def mix_sentence(effect: InitiativeEffect, shift: MixShift) -> str:
    numbers = {"before": plain(shift.before_percent, 0), "after": plain(shift.after_percent, 0)}
    if shift.key is None:
        group = {
            "persona": _("Customers without a persona"),
            "segment": _("Customers without a segment"),
            "location": _("Answers without a location"),
        }[shift.dimension]
        return _("%(group)s: %(before)s %% of answers before, %(after)s %% after") % {"group": group, **numbers}
    dimension = {"persona": _("persona"), "segment": _("segment"), "location": _("location")}[shift.dimension]
    return _("%(dimension)s %(name)s: %(before)s %% of answers before, %(after)s %% after") % {
        "dimension": dimension.capitalize(),
        "name": effect.mix_name(shift),
        **numbers,
    }


def progress_text(effect: InitiativeEffect) -> str:
    if not effect.started:
        return _("Not started yet: the after period begins on %(day)s.") % {
            "day": date_format(effect.initiative.started_on, "SHORT_DATE_FORMAT")
        }
    if effect.running:
        return ngettext(
            "Measuring, %(done)s day of %(total)s.", "Measuring, %(done)s days of %(total)s.", effect.after.days
        ) % {"done": effect.after.days, "total": effect.initiative.window_days}
    return _("Measured: the after period of %(total)s days is complete.") % {"total": effect.initiative.window_days}


def status_text(*, started_on: dt.date, window_days: int, measured_days: int, today: dt.date, archived: bool) -> str:
    if archived:
        return _("Archived")
    if started_on >= today:
        return _("Starts on %(day)s") % {"day": date_format(started_on, "SHORT_DATE_FORMAT")}
    if measured_days < window_days:
        return ngettext(
            "Measuring, %(done)s day of %(total)s", "Measuring, %(done)s days of %(total)s", measured_days
        ) % {"done": measured_days, "total": window_days}
    return _("Measured")


def _estimate_cells(difference: Difference, side: str) -> dict[str, str]:
    estimate = difference.before if side == "before" else difference.after
    digits = DIGITS[difference.metric]
    return {
        "n": str(estimate.n),
        "value": plain(estimate.value, 0 if difference.metric is Metric.NPS else digits),
        "margin": plain(estimate.margin, digits) if estimate.n else DASH,
    }


def effect_page(effect: InitiativeEffect) -> dict[str, Any]:
    """Everything the detail page and the API show, as text: the table, the verdict and the warnings."""
    table = []
    for difference in effect.metrics_shown:
        digits = DIGITS[difference.metric]
        table.append(
            {
                "metric": str(difference.metric),
                "label": metric_label(difference.metric),
                "before": _estimate_cells(difference, "before"),
                "after": _estimate_cells(difference, "after"),
                "difference": signed(difference.difference, digits),
                "interval": (
                    f"{signed(difference.low, digits)} … {signed(difference.high, digits)}"
                    if difference.low is not None
                    else DASH
                ),
                "verdict": str(difference.verdict),
                "verdict_label": verdict_label(difference.verdict),
                "sentence": verdict_sentence(difference),
            }
        )
    warnings = []
    texts = {
        "before": _(
            "Few answers before: %(count)s NPS answers, fewer than the %(floor)s the company needs to judge a "
            "figure. Read the difference with care."
        ),
        "after": _(
            "Few answers after: %(count)s NPS answers, fewer than the %(floor)s the company needs to judge a "
            "figure. Read the difference with care."
        ),
    }
    for period, text in texts.items():
        if effect.small[period]:
            warnings.append(text % {"count": effect.counts[period].nps_n, "floor": effect.min_answers})
    mix = [mix_sentence(effect, shift) for shift in effect.mix]
    season = effect.season
    season_text = ""
    if season.differs:
        season_text = _(
            "The before period falls mostly in %(before)s and the after period in %(after)s: part of any "
            "difference may be the season's usual swing."
        ) % {"before": season_label(season.before_season), "after": season_label(season.after_season)}
        if season.year_earlier is not None:
            season_text += " " + _(
                "A year earlier the same windows (%(before)s and %(after)s) moved NPS by %(difference)s "
                "(95 %% interval %(low)s to %(high)s)."
            ) % {
                "before": window_text(season.before_window),
                "after": window_text(season.after_window),
                "difference": signed(season.year_earlier.difference),
                "low": signed(season.year_earlier.low),
                "high": signed(season.year_earlier.high),
            }
        else:
            season_text += " " + _("There were no answers in the same windows a year earlier to compare with.")
    return {
        "table": table,
        "verdict": str(effect.verdict),
        "verdict_label": verdict_label(effect.verdict),
        "sentence": verdict_sentence(effect.nps),
        "progress": progress_text(effect),
        "before_window": window_text(effect.before),
        "after_window": window_text(effect.after),
        "small_sample_warnings": warnings,
        "mix_warnings": mix,
        "season_warning": season_text,
        "scoped": effect.scoped,
    }


def effect_chart(effect: InitiativeEffect) -> dict[str, Any]:
    """The NPS before and after with their 95 % margins, and the difference with its interval, on one
    axis of NPS points (drawn by static/initiatives/effect.js)."""
    nps = effect.nps
    rows = []
    for label, estimate in ((_("Before"), nps.before), (_("After"), nps.after)):
        if estimate.value is not None:
            margin = estimate.margin or 0.0
            rows.append(
                {
                    "label": label,
                    "value": round(estimate.value, 1),
                    "low": round(estimate.value - margin, 1),
                    "high": round(estimate.value + margin, 1),
                    "kind": "level",
                }
            )
    if nps.difference is not None:
        rows.append(
            {
                "label": _("Difference"),
                "value": round(nps.difference, 1),
                "low": round(nps.low or 0.0, 1),
                "high": round(nps.high or 0.0, 1),
                "kind": str(nps.verdict),
            }
        )
    return {"rows": rows, "axis": _("NPS points, each with its interval (95 %)"), "valueLabel": _("Figure")}


def dashboard_card(*, user: Any, today: dt.date) -> list[dict[str, Any]]:
    """The dashboard card's rows: running and recent initiatives with their NPS verdicts (one query)."""
    rows = []
    for row in initiative_card(user=user, today=today):
        rows.append(
            {
                "id": row.initiative_id,
                "title": row.title,
                "status": status_text(
                    started_on=row.started_on,
                    window_days=row.window_days,
                    measured_days=row.measured_days,
                    today=today,
                    archived=False,
                ),
                "verdict": str(row.nps.verdict),
                "verdict_label": verdict_label(row.nps.verdict),
                "difference": signed(row.nps.difference),
            }
        )
    return rows
