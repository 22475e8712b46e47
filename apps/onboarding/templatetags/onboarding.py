from typing import Any

from django import template

register = template.Library()


@register.filter
def lookup(mapping: dict[str, Any], key: str) -> Any:
    """mapping[key] in a template, or an empty string."""
    return mapping.get(key, "")
