"""Deleting a row that other rows must keep pointing at.

A foreign key with on_delete=PROTECT (or RESTRICT) guards recorded history: an
encounter keeps its touchpoint, an answer its question. Django refuses such a
delete with ProtectedError/RestrictedError before it removes anything; here the
refusal becomes a DomainError with code "protected", which the API answers as
a 400 and a page shows as a message, instead of a 500.
"""

from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError

from apps.core.exceptions import DomainError, protected_refusal_message

PROTECTED = (ProtectedError, RestrictedError)


def rows_delete(*, rows: models.Model | models.QuerySet, refusal: str | None = None) -> None:
    """Delete `rows` (one row or a queryset) and what cascades from them, or raise
    DomainError(code="protected") and change nothing."""
    try:
        with transaction.atomic():
            rows.delete()
    except PROTECTED as error:
        raise DomainError(refusal or protected_refusal_message(error), code="protected") from error
