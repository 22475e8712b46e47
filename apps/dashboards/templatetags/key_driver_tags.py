"""The key drivers' small pictures: a correlation and its interval on a -1..1 axis, as inline SVG (the content
security policy allows no inline styles; SVG attributes are not styles)."""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from apps.dashboards.charts import number

register = template.Library()

_WIDTH = 120
_HEIGHT = 14


def _x(value: float) -> float:
    return round((max(-1.0, min(1.0, value)) + 1) / 2 * _WIDTH, 1)


@register.simple_tag
def driver_interval(row: Any) -> SafeString:
    """r as a dot and its 95 % interval as a bar, with 0 marked; nothing for a row without a correlation."""
    if row.r is None or row.low is None or row.high is None:
        return format_html("")
    label = _("correlation %(r)s, 95%% interval %(low)s to %(high)s") % {
        "r": number(row.r, 2),
        "low": number(row.low, 2),
        "high": number(row.high, 2),
    }
    middle = _HEIGHT / 2
    return format_html(
        '<svg class="driver-interval" width="{}" height="{}" viewBox="0 0 {} {}" role="img" aria-label="{}">'
        '<line class="driver-interval__axis" x1="0" x2="{}" y1="{}" y2="{}"/>'
        '<line class="driver-interval__zero" x1="{}" x2="{}" y1="1" y2="{}"/>'
        '<line class="driver-interval__bar" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<circle class="driver-interval__dot" cx="{}" cy="{}" r="3.5"/></svg>',
        _WIDTH,
        _HEIGHT,
        _WIDTH,
        _HEIGHT,
        label,
        _WIDTH,
        middle,
        middle,
        _x(0),
        _x(0),
        _HEIGHT - 1,
        _x(row.low),
        _x(row.high),
        middle,
        middle,
        _x(row.r),
        middle,
    )


@register.filter
def path_name(drivers: Any, touchpoint_id: int) -> str:
    """The service path of a touchpoint in the key drivers (`drivers.paths`)."""
    return drivers.paths.get(touchpoint_id, "")
