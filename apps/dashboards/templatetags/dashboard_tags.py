"""Small formatting helpers for the dashboard pages."""

from typing import Any

from django import template
from django.utils.html import format_html

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
