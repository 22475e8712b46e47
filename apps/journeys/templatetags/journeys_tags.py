"""Small presentation helpers for the path pages: channel icons, people's initials, signed emotions."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from apps.journeys.models import Channel

register = template.Library()

MINUS = "\N{MINUS SIGN}"
EMPTY = "\N{EN DASH}"

# 24x24 line icons drawn for this app (stroke = currentColor).
_ICONS = {
    Channel.WEB: '<circle cx="12" cy="12" r="9"/><ellipse cx="12" cy="12" rx="4" ry="9"/><path d="M3 12h18"/>',
    Channel.PHONE: '<rect x="7" y="3" width="10" height="18" rx="2"/><path d="M11 17.5h2"/>',
    Channel.STORE: '<path d="M4 10 12 4l8 6v10H4z"/><path d="M10 20v-5h4v5"/>',
    Channel.EMAIL: '<rect x="3" y="6" width="18" height="12" rx="2"/><path d="m3.5 7 8.5 6 8.5-6"/>',
    Channel.CHAT: '<path d="M4 5h16v11H11l-4 4v-4H4z"/><path d="M8 10.5h.01M12 10.5h.01M16 10.5h.01"/>',
    Channel.OTHER: '<circle cx="12" cy="12" r="9"/><path d="M8 12h.01M12 12h.01M16 12h.01"/>',
}


@register.simple_tag
def channel_icon(channel: str, size: int = 18) -> SafeString:
    body = _ICONS.get(channel, _ICONS[Channel.OTHER])
    return format_html(
        '<svg class="channel-icon channel-icon--{}" width="{}" height="{}" viewBox="0 0 24 24" fill="none" '
        'stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" '
        'aria-hidden="true" focusable="false">{}</svg>',
        channel,
        size,
        size,
        mark_safe(body),  # noqa: S308 - constant markup above
    )


@register.filter
def initials(user: object) -> str:
    name = str(user or "").replace("@", " ").split()
    return "".join(part[0] for part in name[:2]).upper() or "?"


@register.filter
def signed(value: float | int | None) -> str:
    if value is None:
        return EMPTY
    if isinstance(value, float) and not value.is_integer():
        return f"{value:+.1f}".replace("-", MINUS)
    value = int(value)
    return f"{value:+d}".replace("-", MINUS) if value else "0"


@register.filter
def tone(value: float | int | str | None) -> str:
    try:
        value = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "none"
    return "positive" if value > 0 else "negative" if value < 0 else "neutral"
