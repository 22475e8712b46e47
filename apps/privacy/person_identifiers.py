"""What identifies one customer in rows that are not linked to them: outgoing emails and uploaded files.

One definition, read by erasure (apps/privacy/erasure.py, which replaces or removes what it
finds) and by the per-person export (apps/privacy/person_mentions.py, which lists it), so the
two always find the same rows:

- **Free text** (an email's subject, bodies, headers, recipient and last error; an import's
  report and error texts) names the person by their email, either phone as written or
  normalised, or their full name when it has two words or more ("Anna" alone names many
  people), each also HTML-escaped; nothing shorter than three characters.
- **An email** is the person's when it is linked to them (OutboundEmail.customer), when one of
  their invitations became it, when it went to their address, or when its text names them.
- **A row of an uploaded customer file** is the person's when a cell holds their email, is
  their full name, is one of their external ids (theirs or their encounters') or one of their
  phones, also written another way ("040 765 4321" for "+358407654321"). A file the import
  cannot read is the person's as a whole once the database search below finds them in it.
- **Which imports to read:** a search in the database (`customer_imports_naming`) narrows the
  files down first, so only the few that may name the person are read and parsed in Python.
"""

import csv
import html
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from apps.customers.csv_format import WINDOWS_1252, CsvFileError, csv_decode, csv_delimiter_sniff
from apps.customers.models import Customer, CustomerImport
from apps.customers.phones import phone_normalize
from apps.encounters.models import Encounter
from apps.outbox.models import OutboundEmail

# Shorter strings are not searched for in other rows' text: too many false matches.
MIN_TEXT = 3


@dataclass(frozen=True)
class PersonIdentifiers:
    """The strings that identify the person, as they appear in other rows."""

    customer_id: int
    email: str  # lower-cased
    phones: tuple[str, ...]  # as written and normalised
    name: str  # with single spaces
    external_ids: tuple[str, ...]

    @property
    def phone_tails(self) -> set[str]:
        """The last 8 digits of each phone: how a file's "040 765 4321" is recognised as "+358407654321"."""
        tails = {re.sub(r"\D", "", phone)[-8:] for phone in self.phones}
        return {tail for tail in tails if len(tail) == 8}

    @property
    def full_name(self) -> str:
        """The name, when it is specific enough to look for in other rows: two words at least."""
        return self.name if len(self.name.split()) >= 2 else ""

    @property
    def texts(self) -> list[str]:
        """What names the person in free text, longest first."""
        found = {self.email, self.full_name, *self.phones}
        found |= {html.escape(text) for text in list(found)}
        return sorted((text for text in found if len(text) >= MIN_TEXT), key=len, reverse=True)

    def pattern(self) -> re.Pattern[str] | None:
        """The free-text identifiers as one case-insensitive pattern; None when there are none."""
        texts = self.texts
        if not texts:
            return None
        return re.compile("|".join(re.escape(text) for text in texts), re.IGNORECASE)

    def names_the_person(self, cells: list[str]) -> bool:
        """Whether a row of an uploaded customer file is the person's."""
        for cell in cells:
            value = cell.strip()
            if not value:
                continue
            if self.email and self.email in value.casefold():
                return True
            if self.full_name and " ".join(value.split()).casefold() == self.full_name.casefold():
                return True
            if value in self.external_ids or value in self.phones:
                return True
            digits = re.sub(r"\D", "", value)
            if any(tail in digits for tail in self.phone_tails) and phone_normalize(value) in self.phones:
                return True
        return False


def person_identifiers(customer: Customer) -> PersonIdentifiers:
    external_ids = {customer.external_id} | set(
        Encounter.objects.filter(customer=customer).exclude(external_id="").values_list("external_id", flat=True)
    )
    phones = {customer.phone.strip(), customer.phone_normalized}
    return PersonIdentifiers(
        customer_id=customer.pk,
        email=customer.email.strip().lower(),
        phones=tuple(sorted(phone for phone in phones if phone)),
        name=" ".join(customer.full_name.split()),
        external_ids=tuple(sorted(value for value in external_ids if value)),
    )


# --- Outgoing emails -----------------------------------------------------------------------------------


def outbound_emails_searchable() -> QuerySet[OutboundEmail]:
    """Outgoing emails with their headers as text, which `outbound_text_match` searches too."""
    return OutboundEmail.objects.annotate(headers_text=Cast("headers", TextField()))


def outbound_text_match(identifiers: PersonIdentifiers) -> Q:
    """Emails (of `outbound_emails_searchable`) whose text names the person; matches none without identifiers."""
    match = Q(pk__in=[])
    for text in identifiers.texts:
        match |= (
            Q(subject__icontains=text)
            | Q(body_text__icontains=text)
            | Q(body_html__icontains=text)
            | Q(headers_text__icontains=text)
            | Q(recipient__icontains=text)
            | Q(last_error__icontains=text)
        )
    return match


def outbound_to_person(customer: Customer, identifiers: PersonIdentifiers) -> Q:
    """Emails sent to the person: one of their invitations became it, or it went to their address."""
    match = Q(invitation_email__invitation__customer=customer)
    if identifiers.email:
        match |= Q(recipient__iexact=identifiers.email)
    return match


# --- Uploaded customer files ---------------------------------------------------------------------------


def _bytea_like(text: str, encoding: str = "utf-8") -> str:
    """A LIKE pattern matching `text` in PostgreSQL's encode(bytea, 'escape') form of its bytes in `encoding`,
    where a backslash is doubled and a byte above 127 is written as a backslash and three octal digits."""
    escaped = []
    for byte in text.encode(encoding):
        if byte == 0x5C:
            escaped.append("\\\\\\\\")
        elif byte == 0 or byte >= 0x80:
            escaped.append(f"\\\\{byte:03o}")
        elif chr(byte) in "%_":
            escaped.append("\\" + chr(byte))
        else:
            escaped.append(chr(byte))
    return "%" + "".join(escaped) + "%"


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def customer_imports_naming(identifiers: PersonIdentifiers) -> list[int]:
    """The imports whose file, report or error texts may name the person: a quick search in the
    database, so only those few files are read and parsed in Python."""
    texts = [
        text
        for text in [identifiers.email, identifiers.full_name, *identifiers.phones, *identifiers.external_ids]
        if text
    ]
    if not texts and not identifiers.phone_tails:
        return []
    table = CustomerImport._meta.db_table
    conditions: list[str] = []
    params: list[str] = []
    for text in texts:
        conditions.append("encode(content, 'escape') ILIKE %s")
        params.append(_bytea_like(text))
        if not text.isascii():  # the same letters in a Windows-1252 (Excel) file
            try:
                conditions.append("encode(content, 'escape') ILIKE %s")
                params.append(_bytea_like(text, WINDOWS_1252))
            except UnicodeEncodeError:
                conditions.pop()  # not writable in Windows-1252, so not in such a file either
        conditions.append("report::text ILIKE %s OR file_error ILIKE %s OR commit_error ILIKE %s")
        params += [_like(text)] * 3
    for tail in identifiers.phone_tails:
        # The phone as the file wrote it ("040 765 4321"): its digits contain the normalised number's last ones.
        conditions.append("regexp_replace(encode(content, 'escape'), '[^0-9]', '', 'g') LIKE %s")
        params.append(f"%{tail}%")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} WHERE {' OR '.join(conditions)} ORDER BY id", params)  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


@dataclass(frozen=True)
class ImportRow:
    number: int  # as a spreadsheet numbers it: the header is row 1
    cells: list[str]
    text: str  # the row as the file wrote it


@dataclass(frozen=True)
class ImportFile:
    """An uploaded file read as the import reads it."""

    encoding: str
    delimiter: str
    rows: list[ImportRow]


def import_file_read(content: bytes) -> ImportFile | None:
    """The file's rows, or None when the import cannot read it."""
    try:
        decoded = csv_decode(bytes(content))
    except CsvFileError:
        return None
    stripped = decoded.text.lstrip("\r\n")
    delimiter = csv_delimiter_sniff(stripped.split("\n", 1)[0])
    # The physical lines, split as the csv reader splits them, so each row keeps its own text.
    lines = io.StringIO(stripped, newline="").readlines()
    reader = csv.reader(io.StringIO(stripped, newline=""), delimiter=delimiter)
    rows = []
    try:
        start = 0
        for number, cells in enumerate(reader, start=1):
            rows.append(
                ImportRow(number=number, cells=cells, text="".join(lines[start : reader.line_num]).rstrip("\r\n"))
            )
            start = reader.line_num
    except csv.Error:
        return None
    return ImportFile(encoding=decoded.encoding, delimiter=delimiter, rows=rows)


@dataclass
class ImportMention:
    """What of one import is the person's."""

    customer_import: CustomerImport
    parsed: ImportFile | None
    # The file cannot be read: it is the person's as a whole (it was found to name them).
    unreadable: bool = False
    person_rows: list[ImportRow] = field(default_factory=list)
    # The report's row errors about the person: on their rows, or naming them.
    errors: list[Any] = field(default_factory=list)
    file_error_names: bool = False
    commit_error_names: bool = False

    @property
    def found(self) -> bool:
        return bool(
            self.unreadable or self.person_rows or self.errors or self.file_error_names or self.commit_error_names
        )


def import_mention(customer_import: CustomerImport, identifiers: PersonIdentifiers) -> ImportMention:
    """What of `customer_import` (one of `customer_imports_naming`) names the person."""
    content = bytes(customer_import.content or b"")
    pattern = identifiers.pattern()
    parsed = import_file_read(content) if content.strip() else None
    mention = ImportMention(
        customer_import=customer_import, parsed=parsed, unreadable=bool(content.strip()) and not parsed
    )
    if parsed is not None:
        mention.person_rows = [row for row in parsed.rows[1:] if identifiers.names_the_person(row.cells)]
    rows = {row.number for row in mention.person_rows}
    report = customer_import.report
    errors = report.get("errors") if isinstance(report, dict) else None
    if isinstance(errors, list):
        mention.errors = [
            error
            for error in errors
            if (isinstance(error, dict) and error.get("row") in rows)
            or (pattern is not None and pattern.search(json.dumps(error, ensure_ascii=False)))
        ]
    if pattern is not None:
        mention.file_error_names = bool(pattern.search(customer_import.file_error))
        mention.commit_error_names = bool(pattern.search(customer_import.commit_error))
    return mention


def customer_import_mentions(identifiers: PersonIdentifiers, *, for_update: bool = False) -> list[ImportMention]:
    """Every import that names the person, oldest first; locked for an erasure with `for_update`."""
    imports = CustomerImport.objects.filter(pk__in=customer_imports_naming(identifiers)).order_by("created_at", "id")
    if for_update:
        imports = imports.select_for_update()
    mentions = (import_mention(customer_import, identifiers) for customer_import in imports)
    return [mention for mention in mentions if mention.found]
