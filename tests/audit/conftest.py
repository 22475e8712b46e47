"""The entries a test wrote, and the check that none holds personal data."""

import json
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.db.models import Max

from apps.audit.models import AuditEvent, AuditLogEntry, AuditSource


@pytest.fixture
def new_entries(db: None) -> Callable[..., list[AuditLogEntry]]:
    """new_entries(**filters) -> the entries written since the test began, oldest first.

    The log is append-only, so the provisioning's entries stay; the test reads past them. The
    sign-ins of the test client's force_login (made outside any request) are left out.
    """
    last = AuditLogEntry.objects.aggregate(last=Max("id"))["last"] or 0

    def read(**filters: Any) -> list[AuditLogEntry]:
        entries = AuditLogEntry.objects.filter(id__gt=last, **filters)
        entries = entries.exclude(event_type=AuditEvent.LOGIN, source=AuditSource.COMMAND)
        return list(entries.order_by("id"))

    return read


def assert_no_personal_data(entries: Iterable[AuditLogEntry], words: Iterable[str]) -> None:
    """No name, email or phone of `words` in any column of any entry (case-insensitive)."""
    for entry in entries:
        row = json.dumps(
            [entry.event_type, entry.source, entry.target_type, entry.target_id, entry.extra_data], ensure_ascii=False
        ).lower()
        for word in words:
            if word:
                assert word.lower() not in row, f"{word!r} in {entry.event_type} entry: {row}"


def people_words(*people: Any) -> list[str]:
    """The names and emails (and phones) of test users and customers."""
    words: list[str] = []
    for person in people:
        for attribute in ("full_name", "email", "phone"):
            value = getattr(person, attribute, "")
            if value:
                words.append(value)
    return words


def pick(entries: list[AuditLogEntry], event_type: str) -> AuditLogEntry:
    found = [entry for entry in entries if entry.event_type == event_type]
    assert len(found) == 1, f"{len(found)} {event_type} entries in {[entry.event_type for entry in entries]}"
    return found[0]


@pytest.fixture
def scan_personal_data() -> Callable[..., None]:
    return assert_no_personal_data


EntryReader = Callable[..., list[AuditLogEntry]]
__all__ = ["EntryReader", "assert_no_personal_data", "people_words", "pick"]
