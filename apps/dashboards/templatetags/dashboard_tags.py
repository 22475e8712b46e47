"""Small formatting helpers for the dashboard pages."""

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html, json_script
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.dashboards.charts import number
from apps.dashboards.selectors.common import too_few, too_few_text
from apps.maturity.rules import Level

register = template.Library()


@register.filter
def num(value: Any, digits: int = 1) -> str:
    """A localised number with `digits` decimals (integers stay whole), a dash for none."""
    if isinstance(value, int) and not isinstance(value, bool):
        return number(value)
    return number(value, int(digits))


@register.filter
def signed(value: Any, digits: int = 2) -> str:
    """A feeling on the -2..+2 scale with its sign (a real minus sign)."""
    if value is None:
        return number(None)
    text = number(abs(float(value)), int(digits))
    if float(value) > 0:
        return f"+{text}"
    if float(value) < 0:
        return f"\u2212{text}"
    return text


@register.simple_tag
def level_badge(level: Any, size: str = "") -> str:
    """The maturity badge: colour plus 1-3 bars, so the level never rests on colour alone."""
    if level is None:
        return ""
    level = Level(int(level))
    large = " maturity-badge--large" if size == "large" else ""
    return format_html('<span class="maturity-badge level-{}{}">{}</span>', int(level), large, level.label)


@register.filter
def few(answers: Any, floor: Any) -> bool:
    """True when a figure comes from fewer answers than the company's minimum: too few to judge."""
    return too_few(answers=int(answers or 0), floor=int(floor or 0))


@register.simple_tag
def too_few_note(answers: Any) -> str:
    """The text "too few to judge (1 answer)" in place of a figure from too few answers."""
    return format_html('<span class="too-few">{}</span>', too_few_text(int(answers or 0)))


@register.simple_tag
def touchpoint_card(card: Any, *, floor: int, path_id: int, path_query: str = "") -> str:
    """A touchpoint's card on the path page: name, markers, owner, level, NPS against its target, and the
    first three reasons that keep it from the next level. Written here rather than in the page's template:
    a path's cards were a fifth of its page's time as template tags."""
    touchpoint, scores, maturity = card.touchpoint, card.scores, card.maturity
    link = reverse("dashboards:touchpoint", args=[touchpoint.pk]) + (f"?{path_query}" if path_query else "")
    classes = "".join(name for name, on in ((" is-peak", touchpoint.is_peak), (" is-end", touchpoint.is_end)) if on) + (
        "" if touchpoint.owner_id else " unowned"
    )
    html = [format_html('<li class="tp-card{}">', classes)]
    html.append(format_html('<p class="tp-card__name"><a href="{}">{}</a></p>', link, touchpoint.name))
    if touchpoint.is_peak or touchpoint.is_end:
        markers = []
        if touchpoint.is_peak:
            markers.append(format_html('<span class="tp-marker tp-marker--peak">{}</span>', _("Peak")))
        if touchpoint.is_end:
            markers.append(format_html('<span class="tp-marker tp-marker--end">{}</span>', _("End")))
        html.append(format_html('<p class="tp-card__markers">{}</p>', mark_safe("".join(markers))))  # noqa: S308
    owner = touchpoint.owner
    if owner:
        owner_html = format_html(
            '<span class="tp-card__owner" title="{}"><span class="visually-hidden">{}: </span>'
            '<span class="tp-card__owner-name">{}</span></span>',
            _("Owner"),
            _("Owner"),
            owner.get_short_name() or owner,
        )
    else:
        owner_html = format_html(
            '<a class="tp-card__defect" href="{}?touchpoint={}">{}</a>',
            reverse("journeys:path_editor", args=[path_id]),
            touchpoint.pk,
            _("No owner"),
        )
    html.append(
        format_html('<p class="tp-card__row">{} {}</p>', owner_html, level_badge(maturity.level) if maturity else "")
    )
    if too_few(answers=scores.nps_n, floor=floor):
        score_html = format_html('<span class="tp-card__score">{} {}</span>', _("NPS"), too_few_note(scores.nps_n))
    else:
        met = card.target_met
        target = (
            format_html(
                ' <span class="tp-card__target">{}</span>',
                _("target %(target)s") % {"target": number(touchpoint.target_nps)},
            )
            if touchpoint.target_nps is not None
            else ""
        )
        score_html = format_html(
            '<span class="tp-card__score{}">{} <strong>{}</strong>{}</span> <span class="tp-card__target">{}</span>',
            " is-met" if met is True else (" is-below" if met is False else ""),
            _("NPS"),
            num(scores.nps),
            target,
            ngettext("%(counter)s answer", "%(counter)s answers", scores.nps_n) % {"counter": number(scores.nps_n)},
        )
    html.append(format_html('<p class="tp-card__row">{}</p>', score_html))
    reasons = maturity.assessment.reasons if maturity else []
    if reasons:
        items = [
            format_html('<li class="blocks-{}" title="{}">{}</li>', int(reason.blocks), reason.hint, reason.message)
            for reason in reasons[:3]
        ]
        if len(reasons) > 3:
            more = len(reasons) - 3
            items.append(
                format_html(
                    '<li class="blocks-3"><a href="{}">{}</a></li>',
                    link,
                    ngettext("%(counter)s more", "%(counter)s more", more) % {"counter": number(more)},
                )
            )
        html.append(
            format_html(
                '<ul class="reason-list reason-list--compact" aria-label="{}">{}</ul>',
                _("What would lift it"),
                mark_safe("".join(items)),  # noqa: S308 - each item is escaped
            )
        )
    html.append(mark_safe("</li>"))
    return mark_safe("\n".join(html))  # noqa: S308 - each part is escaped


@register.simple_tag
def chart(figure: Any, label: str, size: str = "") -> str:
    """A chart of apps/dashboards/charts.py: its canvas, its data, and its numbers as a table for screen
    readers and for browsers without scripts (an include per chart cost more than the chart's data)."""
    if figure.empty:
        return format_html('<p class="chart-empty">{}</p>', figure.empty_text)
    note = format_html('<p class="chart-note">{}</p>', figure.note) if figure.note else ""
    return format_html(
        '<div class="chart-box{}">\n  <canvas data-chart="{}" data-source="{}" role="img" aria-label="{}"></canvas>\n'
        "</div>\n{}{}\n"
        '<div class="chart-fallback table-wrap">\n<table class="data-table">\n  <caption>{}</caption>\n'
        "  <thead><tr>{}</tr></thead>\n  <tbody>{}</tbody>\n</table>\n</div>",
        f" chart-box--{size}" if size else "",
        figure.kind,
        figure.dom_id,
        label,
        note,
        json_script(figure.data, figure.dom_id),
        label,
        figure.head_html,
        figure.rows_html,
    )
