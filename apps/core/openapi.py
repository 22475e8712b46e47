"""The OpenAPI schema's view of the API's error answers.

Every operation documents the answers it can give besides its success, each with
the one error body of apps/core/exceptions.py, read from the view's shape rather
than written on each view:
- 400 where the operation takes a body or query parameters, and for every write
  (a service refuses a broken rule with a DomainError);
- 401 and 403 where the view asks for a signed-in user;
- 404 where the path names an object, and on paginated lists (a page past the end);
- 429 where the view is throttled.
A status an operation documents itself is left as it is.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import append_meta, get_doc
from drf_spectacular.utils import extend_schema_field
from rest_framework import permissions, serializers

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# A wall-clock time as DRF reads and writes it ("21:00:00", "21:00"). OpenAPI's `format: time`
# is RFC 3339's full-time, which demands a UTC offset that these local times do not have.
LOCAL_TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$"


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {
            "description": "Messages of one field; a nested object or list gives messages per member.",
            "oneOf": [{"type": "array", "items": {}}, {"type": "object"}],
        },
        "description": "Messages per input field (`non_field_errors` for the input as a whole).",
    }
)
class FieldMessagesField(serializers.DictField):
    pass


class ErrorResponseSerializer(serializers.Serializer):
    """The one error body of the API."""

    message = serializers.CharField(help_text="What went wrong, in the language of the request.")
    code = serializers.CharField(help_text="A stable, machine-readable code such as `invalid` or `not_found`.")
    fields = FieldMessagesField(required=False, help_text="Present only when input fields are wrong.")

    class Meta:
        ref_name = "ErrorResponse"


ERROR_DESCRIPTIONS = {
    "400": _("The request is invalid: `fields` names the wrong input."),
    "401": _("No valid credentials were sent."),
    "403": _("The signed-in user may not do this."),
    "404": _("Not found in this company."),
    "429": _("Too many requests; try again later."),
}


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "query" and not parameter.get("required"):
                # django-filter and the query serializers read `?name=` as if `name` were left out.
                parameter["allowEmptyValue"] = True
        responses = operation.setdefault("responses", {})
        for status_code in self._error_status_codes(operation):
            responses.setdefault(status_code, self._error_response(status_code))
        return operation

    def get_description(self) -> str:
        description = super().get_description()
        # A view without a docstring of its own would show the one of its base class.
        if type(self.view).__doc__ is None and description == get_doc(type(self.view)):
            return ""
        return description

    def _map_serializer_field(self, field: Any, direction: str, bypass_extensions: bool = False) -> dict[str, Any]:
        if isinstance(field, serializers.TimeField):
            schema = {"type": "string", "pattern": LOCAL_TIME_PATTERN, "example": "21:00:00"}
            return append_meta(schema, self._get_serializer_field_meta(field, direction))
        return super()._map_serializer_field(field, direction, bypass_extensions)

    def _error_status_codes(self, operation: dict[str, Any]) -> list[str]:
        parameters = operation.get("parameters", [])
        codes = []
        if (
            "requestBody" in operation
            or self.method in WRITE_METHODS
            or any(parameter["in"] == "query" for parameter in parameters)
        ):
            codes.append("400")
        if self._requires_authentication():
            codes += ["401", "403"]
        if any(parameter["in"] == "path" for parameter in parameters) or self._is_paginated_list():
            codes.append("404")
        if self.view.get_throttles():
            codes.append("429")
        return codes

    def _requires_authentication(self) -> bool:
        return not all(isinstance(permission, permissions.AllowAny) for permission in self.view.get_permissions())

    def _is_paginated_list(self) -> bool:
        return self.method == "GET" and self._is_list_view() and self._get_paginator() is not None

    def _error_response(self, status_code: str) -> dict[str, Any]:
        component = self.resolve_serializer(ErrorResponseSerializer, "response")
        return {
            "description": str(ERROR_DESCRIPTIONS[status_code]),
            "content": {"application/json": {"schema": component.ref}},
        }
