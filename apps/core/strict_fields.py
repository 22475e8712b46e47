"""Text fields of the API take text only.

DRF's CharField turns a JSON number into a string (`"name": 42` becomes "42"), so a client
that sends the wrong type gets a 201 and data it did not mean, and the API does not do what
its OpenAPI schema says (`type: string`). Every API here takes JSON, so a number where text
belongs is a client's mistake: it gets a 400 with the field's message. Applied once, to
CharField and so to every field built on it (EmailField, SlugField, URLField, ChoiceField's
text, ...), in CoreConfig.ready, so that a new serializer cannot forget it.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import fields

_lenient_to_internal_value = fields.CharField.to_internal_value


def _text_only_to_internal_value(self: fields.CharField, data: Any) -> str:
    if not isinstance(data, str):
        self.fail("not_text")
    return _lenient_to_internal_value(self, data)


def text_fields_strict() -> None:
    fields.CharField.default_error_messages = {
        **fields.CharField.default_error_messages,
        "not_text": _("Not a valid string."),
    }
    fields.CharField.to_internal_value = _text_only_to_internal_value
