"""The domain error and the API's single error format.

Every API error body has the same shape:
    {"message": "...", "code": "...", "fields": {"field": ["message", ...]}}
"fields" is present only for validation errors. Services raise DomainError (or
Django's ValidationError) when a business rule is broken; both become a 400.
A delete that rows with on_delete=PROTECT/RESTRICT refuse becomes a 400 with
code "protected" too, so a new delete endpoint cannot answer a 500.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler


class DomainError(Exception):
    """A business rule was broken; the message is shown to the user."""

    def __init__(self, message: str, *, code: str = "invalid", fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = fields or {}


def protected_refusal_message(error: ProtectedError | RestrictedError) -> str:
    """Why a delete was refused, naming the kinds of records that must be kept."""
    rows = error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
    kinds = sorted({str(row._meta.verbose_name_plural) for row in rows})
    return _(
        "This cannot be deleted, because the %(records)s recorded against it must be kept. Archive it instead."
    ) % {"records": ", ".join(kinds)}


def _as_messages(value: Any) -> Any:
    """Flatten DRF's ErrorDetail tree into plain strings, keeping nested objects."""
    if isinstance(value, dict):
        return {key: _as_messages(item) for key, item in value.items()}
    if isinstance(value, list):
        if all(not isinstance(item, (dict, list)) for item in value):
            return [str(item) for item in value]
        return [_as_messages(item) for item in value]
    return [str(value)]


def _field_messages(detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict):
        return _as_messages(detail)
    return {"non_field_errors": _as_messages(detail)}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"message": exc.message, "code": exc.code}
        if exc.fields:
            body["fields"] = exc.fields
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, (ProtectedError, RestrictedError)):
        body = {"message": protected_refusal_message(exc), "code": "protected"}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "message": _("The request has invalid fields."),
            "code": "invalid",
            "fields": _field_messages(exc.detail),
        }
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {"message": str(exc.detail), "code": codes if isinstance(codes, str) else "error"}
    return response
