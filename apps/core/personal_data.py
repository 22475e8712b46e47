"""The register of personal data: every column that holds something about a customer.

Personal data is registered where it is stored: each app declares its models' fields
in its own `personal_data.py`, next to the models, and PrivacyConfig.ready() loads
them all. Erasure, the per-person export and retention (apps.privacy) work from this
register alone, so a new column of personal data is reached by all three once it is
registered here; the every-table scan test fails until it is.

The register lives in the kernel, not in apps.privacy, because every app that stores
personal data declares it, and apps.privacy sits above them all (it reaches into
each of them to erase and export): a declaration must not import upwards.

An entry says how to find the rows of one customer (`customer`, an ORM lookup from
the model to its Customer: "" for Customer itself, "customer", "response__customer"),
which fields hold personal data and of what kind, and what each field becomes
when it is erased. Rows that are about no single customer (an uploaded file, a
digest email) have `customer=None`: retention reaches them by age.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_model_for_model


class DataKind(models.TextChoices):
    IDENTITY = "identity", _("Identity and contact details")
    FREE_TEXT = "free_text", _("What the customer wrote")
    STAFF_NOTE = "staff_note", _("Staff notes about the customer")
    MESSAGE = "message", _("Copies in outgoing messages")
    FILE = "file", _("Uploaded files")


@dataclass(frozen=True)
class PersonalField:
    name: str
    kind: DataKind
    # What the field holds once erased: blank text by default, an empty dict for JSON.
    erased: Any = ""


@dataclass(frozen=True)
class PersonalData:
    model: type[Model]
    customer: str | None
    fields: tuple[PersonalField, ...]
    # The time field that counts as the customer's activity (retention), if the row is one.
    activity: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.model._meta.app_label}.{self.model._meta.model_name}"

    def field_names(self, *kinds: DataKind) -> list[str]:
        return [f.name for f in self.fields if not kinds or f.kind in kinds]

    def erased_values(self, *kinds: DataKind) -> dict[str, Any]:
        """field name -> what it holds once erased, for `QuerySet.update()`."""
        return {f.name: f.erased for f in self.fields if not kinds or f.kind in kinds}

    def history_model(self) -> type[Model] | None:
        """The django-simple-history model that keeps copies of this model's rows, if it has one."""
        try:
            return get_history_model_for_model(self.model)
        except NotHistoricalModelError:
            return None

    def rows_of_customer(self, customer_id: int) -> QuerySet:
        """The rows of this model about one customer (none for an entry about no single customer)."""
        manager = self.model._default_manager
        if self.customer is None:
            return manager.none()
        lookup = f"{self.customer}_id" if self.customer else "pk"
        return manager.filter(**{lookup: customer_id})


_REGISTRY: dict[type[Model], PersonalData] = {}


def personal_data_register(
    model: type[Model],
    *,
    customer: str | None,
    fields: list[PersonalField] | tuple[PersonalField, ...],
    activity: str | None = None,
    **extra: Any,
) -> PersonalData:
    names = {f.name for f in model._meta.get_fields()}
    unknown = [f.name for f in fields if f.name not in names]
    if unknown:
        raise ValueError(f"{model.__name__} has no field {', '.join(unknown)}")
    entry = PersonalData(model=model, customer=customer, fields=tuple(fields), activity=activity, extra=extra)
    _REGISTRY[model] = entry
    return entry


def personal_data_entries() -> Iterator[PersonalData]:
    """Every registered model, in a stable order (by app label and model name)."""
    yield from sorted(_REGISTRY.values(), key=lambda entry: entry.label)


def personal_data_entry(model: type[Model]) -> PersonalData | None:
    return _REGISTRY.get(model)
