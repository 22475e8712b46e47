"""The customer CSV format: columns, their Finnish and English names, and the checks of one row.

Pure: no ORM, no settings. The import service feeds it bytes and the company's
personas; the export writes the same columns, so an exported file imports back.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.customers.phones import phone_normalize

# Canonical column key -> (Finnish header, English header). Exports use these.
COLUMNS: dict[str, tuple[str, str]] = {
    "name": ("nimi", "name"),
    "email": ("sähköposti", "email"),
    "phone": ("puhelin", "phone"),
    "language": ("kieli", "language"),
    "segment": ("segmentti", "segment"),
    "persona": ("persoona", "persona"),
    "consent": ("suostumus", "consent"),
    "external_id": ("ulkoinen_id", "external_id"),
}
_EXTRA_ALIASES = {
    "name": ["full_name", "koko_nimi", "asiakas"],
    "email": ["sahkoposti", "e_mail", "sposti", "s_posti"],
    "phone": ["puhelinnumero", "matkapuhelin", "gsm", "mobile", "phone_number"],
    "language": ["lang", "asiointikieli"],
    "consent": ["survey_consent", "kyselysuostumus"],
    "external_id": ["asiakasnumero", "customer_number", "ulkoinen_tunnus"],
}
ALIASES: dict[str, str] = {}
for _key, _headers in COLUMNS.items():
    for _header in (*_headers, *_EXTRA_ALIASES.get(_key, [])):
        ALIASES[_header.replace("-", "_").replace(" ", "_")] = _key

YES = {"kyllä", "kylla", "k", "yes", "y", "true", "1", "x"}
NO = {"ei", "e", "no", "n", "false", "0"}
LANGUAGES = {
    "fi": "fi",
    "fin": "fi",
    "suomi": "fi",
    "finnish": "fi",
    "en": "en",
    "eng": "en",
    "englanti": "en",
    "english": "en",
}
MAX_LENGTHS = {"name": 200, "phone": 40, "segment": 80, "persona": 120, "external_id": 100}
FIELD_LABELS = {
    "name": gettext_lazy("name"),
    "email": gettext_lazy("email"),
    "phone": gettext_lazy("phone"),
    "language": gettext_lazy("language"),
    "segment": gettext_lazy("segment"),
    "persona": gettext_lazy("persona"),
    "consent": gettext_lazy("consent"),
    "external_id": gettext_lazy("external id"),
    "file": gettext_lazy("file"),
}


class CsvFileError(Exception):
    """The file as a whole cannot be read; nothing in it is imported."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    field: str
    message: str


@dataclass
class ParsedFile:
    delimiter: str
    columns: list[str]  # canonical keys, in file order
    ignored_columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


@dataclass
class CleanRow:
    row: int
    values: dict[str, object]  # only the non-blank cells, normalised; blank cells change nothing


def header_normalize(header: str) -> str:
    return "_".join(header.strip().lower().replace("-", " ").replace("_", " ").split())


def csv_decode(content: bytes) -> str:
    if not content.strip():
        raise CsvFileError(_("The file is empty."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CsvFileError(
            _(
                "The file is not UTF-8 encoded (the first unreadable byte is at position %(position)s). "
                "In Excel choose Save as > 'CSV UTF-8 (comma delimited)' and upload again."
            )
            % {"position": error.start}
        ) from error
    if "\x00" in text:
        raise CsvFileError(_("The file looks like a binary file, not CSV text."))
    return text


def _delimiter(header_line: str) -> str:
    try:
        return csv.Sniffer().sniff(header_line, delimiters=";,\t").delimiter
    except csv.Error:
        return ";" if header_line.count(";") > header_line.count(",") else ","


def csv_parse(content: bytes) -> ParsedFile:
    """Decode, sniff the delimiter and map the header row; raise CsvFileError for file-level problems."""
    text = csv_decode(content)
    header_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = _delimiter(header_line)
    reader = csv.reader(io.StringIO(text.lstrip("\r\n"), newline=""), delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration as error:
        raise CsvFileError(_("The file is empty.")) from error

    columns: list[str] = []
    ignored: list[str] = []
    positions: dict[str, int] = {}
    for position, header in enumerate(headers):
        key = ALIASES.get(header_normalize(header))
        if key is None:
            if header.strip():
                ignored.append(header.strip())
            continue
        if key in positions:
            raise CsvFileError(_("The column %(column)s appears twice.") % {"column": header.strip()})
        positions[key] = position
        columns.append(key)
    if "email" not in positions and "phone" not in positions:
        known = ", ".join(f"{fi}/{en}" for fi, en in COLUMNS.values())
        raise CsvFileError(
            _("The first row must name the columns, with at least an email or a phone column. Known columns: %(known)s")
            % {"known": known}
        )

    parsed = ParsedFile(delimiter=delimiter, columns=columns, ignored_columns=ignored)
    try:
        for index, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue  # Excel leaves rows of bare delimiters at the end
            parsed.rows.append(
                (index, {key: (cells[pos] if pos < len(cells) else "").strip() for key, pos in positions.items()})
            )
    except csv.Error as error:
        raise CsvFileError(_("The file is not valid CSV: %(error)s") % {"error": error}) from error
    if not parsed.rows:
        raise CsvFileError(_("The file has a header row but no customers."))
    return parsed


def row_clean(
    number: int, cells: dict[str, str], *, personas: dict[str, tuple[int, bool]]
) -> tuple[CleanRow, list[RowError]]:
    """Check one row. `personas` maps a lower-cased persona name to (id, is_active)."""
    values: dict[str, object] = {}
    errors: list[RowError] = []

    def fail(field_name: str, message: str) -> None:
        errors.append(RowError(row=number, field=field_name, message=message))

    for key, limit in MAX_LENGTHS.items():
        if len(cells.get(key, "")) > limit:
            fail(key, _("Longer than %(limit)s characters.") % {"limit": limit})

    if cells.get("name"):
        values["full_name"] = " ".join(cells["name"].split())
    email = cells.get("email", "").lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            fail("email", _("'%(value)s' is not a valid email address.") % {"value": cells["email"]})
        else:
            values["email"] = email
    if cells.get("phone"):
        normalized = phone_normalize(cells["phone"])
        if normalized is None:
            fail("phone", _("'%(value)s' is not a phone number.") % {"value": cells["phone"]})
        else:
            values["phone"] = cells["phone"]
            values["phone_normalized"] = normalized
    if not email and not cells.get("phone"):
        fail("email", _("Email is missing. A customer needs an email (to be surveyed) or at least a phone number."))
    if cells.get("language"):
        language = LANGUAGES.get(cells["language"].lower())
        if language is None:
            fail("language", _("Unknown language '%(value)s': use fi or en.") % {"value": cells["language"]})
        else:
            values["language"] = language
    if cells.get("segment"):
        values["segment"] = " ".join(cells["segment"].split())
    if cells.get("persona"):
        found = personas.get(cells["persona"].lower())
        if found is None:
            fail("persona", _("Unknown persona '%(value)s'.") % {"value": cells["persona"]})
        elif not found[1]:
            fail("persona", _("The persona '%(value)s' is archived.") % {"value": cells["persona"]})
        else:
            values["persona_id"] = found[0]
    if cells.get("consent"):
        answer = cells["consent"].lower()
        if answer in YES:
            values["survey_consent"] = True
        elif answer in NO:
            values["survey_consent"] = False
        else:
            fail("consent", _("Consent must be yes or no (kyllä/ei), not '%(value)s'.") % {"value": cells["consent"]})
    if cells.get("external_id"):
        values["external_id"] = cells["external_id"]
    return CleanRow(row=number, values=values), errors


def rows_deduplicate(rows: list[CleanRow]) -> tuple[list[CleanRow], list[RowError]]:
    """Keep the first of rows that describe the same customer (same external id, email, or phone alone)."""
    seen: dict[tuple[str, str], int] = {}
    kept: list[CleanRow] = []
    errors: list[RowError] = []
    for row in rows:
        keys = []
        if row.values.get("external_id"):
            keys.append(("external_id", str(row.values["external_id"])))
        if row.values.get("email"):
            keys.append(("email", str(row.values["email"])))
        if not keys and row.values.get("phone_normalized"):
            keys.append(("phone", str(row.values["phone_normalized"])))
        duplicate = next((key for key in keys if key in seen), None)
        if duplicate is not None:
            errors.append(
                RowError(
                    row=row.row,
                    field=duplicate[0],
                    message=_("Duplicate of row %(row)s (same %(field)s).")
                    % {"row": seen[duplicate], "field": FIELD_LABELS[duplicate[0]]},
                )
            )
            continue
        for key in keys:
            seen[key] = row.row
        kept.append(row)
    return kept, errors


def csv_rows_write(rows: Iterator[list[str]], *, delimiter: str) -> Iterator[str]:
    """Lines of CSV text for streaming; the first carries the BOM so Excel reads UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    yield "\ufeff"
    for row in rows:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
