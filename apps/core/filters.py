"""Query filters that refuse what they cannot read.

django-filter reads an unknown boolean (`?unowned=maybe`) as if the parameter were
left out, and an id filter takes `?user=0.5`: either way the client gets an
unfiltered or empty list instead of a field error. An empty value still means
"left out", as everywhere in the API.
"""

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as django_filters


class StrictBooleanField(forms.NullBooleanField):
    widget = forms.TextInput
    default_error_messages = {"invalid": _("Enter true or false.")}

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        words = {"true": True, "1": True, "false": False, "0": False}
        if str(value).lower() not in words:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return words[str(value).lower()]


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The raw text, for the field to judge: django-filter's widgets turn an unknown word into None.
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


class IdFilter(django_filters.NumberFilter):
    """An object's id: a whole number."""

    field_class = forms.IntegerField


class FilterSet(django_filters.FilterSet):
    """A FilterSet whose generated boolean filters are strict too."""

    FILTER_DEFAULTS = {**django_filters.FilterSet.FILTER_DEFAULTS, models.BooleanField: {"filter_class": BooleanFilter}}
