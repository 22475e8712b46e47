"""Form widgets that write their HTML in Python: the same markup as Django's widget templates.

Django renders a select through a template per option (select.html, then select_option.html and
attrs.html for each option): a filter bar of eight selects spent a tenth of a dashboard page's time
there. These widgets take Django's own context (`get_context`: attributes, ids, selected options) and
write it out as those templates do, byte for byte (tests/core/test_widgets.py compares them).
"""

from typing import Any

from django import forms
from django.forms.widgets import Input
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def _attributes(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {name}")
        else:
            parts.append(f' {name}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _shown(value: Any) -> str:
    """`{{ value }}` of a template: a number or a date localised, text as it is."""
    return value if isinstance(value, str) else str(localize(value))


class PythonSelect(forms.Select):
    """forms.Select written without its templates (select.html, select_option.html)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        html = [f'<select name="{conditional_escape(str(widget["name"]))}"{_attributes(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                html.append(f'\n  <optgroup label="{conditional_escape(str(group_name))}">')
            for option in options:
                html.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attributes(option["attrs"])}>'
                    f"{conditional_escape(_shown(option['label']))}</option>\n"
                )
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))  # noqa: S308 - every value above is escaped


class PythonInput(Input):
    """forms.Input (input.html) written without its template; a subclass names the type."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{conditional_escape(str(widget["value"]))}"'
        return mark_safe(  # noqa: S308 - every value is escaped
            f'<input type="{conditional_escape(str(widget["type"]))}" name="{conditional_escape(str(widget["name"]))}"'
            f"{shown}{_attributes(widget['attrs'])}>"
        )
