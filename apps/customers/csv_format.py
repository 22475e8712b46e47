"""The customer CSV format: columns, their Finnish and English names, and the checks of one row.

Pure: no ORM, no settings. The import service feeds it bytes and the company's
personas; the export writes the same columns, so an exported file imports back.

Files are read as UTF-8 (with or without a BOM) and, failing that, as Windows-1252, which
Excel writes in Finnish and Swedish Windows (ISO-8859-1 text reads the same). A file that
is neither, or that mixes UTF-8 with other bytes, is refused rather than guessed.

Problems are stored as a code and its parameters, not as text, so each reader sees them
in their own language: `row_error_message`, `file_error_message` and `commit_error_message`
render them.
"""

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy, ngettext_lazy

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
# Swedish headers too, as a Finland-Swedish company's booking system exports them.
_EXTRA_ALIASES = {
    "name": ["full_name", "koko_nimi", "asiakas", "namn", "kund"],
    "email": ["sahkoposti", "e_mail", "sposti", "s_posti", "e_post", "epost"],
    "phone": ["puhelinnumero", "matkapuhelin", "gsm", "mobile", "phone_number", "telefon", "telefonnummer", "mobil"],
    "language": ["lang", "asiointikieli", "språk", "sprak"],
    "consent": ["survey_consent", "kyselysuostumus", "samtycke"],
    "external_id": ["asiakasnumero", "customer_number", "ulkoinen_tunnus", "externt_id", "kundnummer"],
}
ALIASES: dict[str, str] = {}
for _key, _headers in COLUMNS.items():
    for _header in (*_headers, *_EXTRA_ALIASES.get(_key, [])):
        ALIASES[_header.replace("-", "_").replace(" ", "_")] = _key

# Finnish, Swedish and English. An empty cell is no answer: a new customer has no consent and
# an existing customer's consent stays as it is (withdrawing it takes a "no").
YES = {"kyllä", "kylla", "k", "joo", "juu", "ja", "yes", "y", "true", "1", "x"}
NO = {"ei", "e", "nej", "no", "n", "false", "0"}
LANGUAGES = {
    "fi": "fi",
    "fin": "fi",
    "suomi": "fi",
    "finnish": "fi",
    "sv": "sv",
    "swe": "sv",
    "svenska": "sv",
    "ruotsi": "sv",
    "swedish": "sv",
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


UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
WINDOWS_1252 = "cp1252"
ENCODING_NOTES = {
    UTF8: gettext_lazy("Read as UTF-8."),
    UTF8_BOM: gettext_lazy("Read as UTF-8."),
    WINDOWS_1252: gettext_lazy("Read as Windows-1252 (Excel)."),
}
# UTF-8 bytes of Latin-1 letters and signs (ä, ö, å, é, °, a no-break space: C2 xx, C3 xx) and of
# dashes, quotes and the euro sign (E2 80-84 xx). In Windows-1252 they read "Ã¤" or "â€“": no
# Finnish or Swedish text has those, so a file that has them is UTF-8 with some other bytes mixed in.
_UTF8_SEQUENCES = re.compile(rb"[\xc2\xc3][\x80-\xbf]|\xe2[\x80-\x84][\x80-\xbf]")

FILE_MESSAGES = {
    "empty": gettext_lazy("The file is empty."),
    "encoding_unknown": gettext_lazy(
        "The file is neither UTF-8 nor Windows-1252 text (line %(line)s cannot be read). "
        "In Excel choose Save as > 'CSV UTF-8 (comma delimited)' and upload again."
    ),
    "encoding_mixed": gettext_lazy(
        "The file mixes character encodings: it is mostly UTF-8, but line %(line)s is not. "
        "In Excel choose Save as > 'CSV UTF-8 (comma delimited)' and upload again."
    ),
    "encoding_utf16": gettext_lazy(
        "The file is UTF-16 text (Excel's 'Unicode text'). "
        "In Excel choose Save as > 'CSV UTF-8 (comma delimited)' and upload again."
    ),
    "binary": gettext_lazy("The file looks like a binary file, not CSV text."),
    "column_twice": gettext_lazy("The column %(column)s appears twice."),
    "no_contact_column": gettext_lazy(
        "The first row must name the columns, with at least an email or a phone column. Known columns: %(known)s"
    ),
    "not_csv": gettext_lazy("The file is not valid CSV: %(error)s"),
    "no_rows": gettext_lazy("The file has a header row but no customers."),
}
ROW_MESSAGES = {
    "too_long": gettext_lazy("Longer than %(limit)s characters."),
    "email_invalid": gettext_lazy("'%(value)s' is not a valid email address."),
    "phone_invalid": gettext_lazy("'%(value)s' is not a phone number."),
    "contact_missing": gettext_lazy(
        "Email is missing. A customer needs an email (to be surveyed) or at least a phone number."
    ),
    "language_unknown": gettext_lazy("Unknown language '%(value)s': use fi, sv or en."),
    "persona_unknown": gettext_lazy("Unknown persona '%(value)s'."),
    "persona_archived": gettext_lazy("The persona '%(value)s' is archived."),
    "consent_unknown": gettext_lazy("Consent must be yes or no (kyllä/ei), not '%(value)s'."),
    "duplicate_row": gettext_lazy("Duplicate of row %(row)s (same %(field)s)."),
    "email_taken": gettext_lazy("Another customer (external id %(other)s) already has this email."),
    "email_of_other_external_id": gettext_lazy("This email belongs to the customer with external id %(other)s."),
    "same_customer": gettext_lazy("Same customer as row %(row)s."),
}
# Why a confirmed import wrote nothing. A file that can no longer be read when it is written
# keeps the code of FILE_MESSAGES.
COMMIT_MESSAGES = {
    "conflict": gettext_lazy(
        "Customers changed while importing (a duplicate email or external id). Nothing was written; try again."
    ),
    "row_errors": ngettext_lazy(
        "%(count)s row has errors; nothing was imported.",
        "%(count)s rows have errors; nothing was imported.",
        "count",
    ),
}


def _message(templates: dict[str, object], code: str, params: dict[str, object]) -> str:
    template = templates.get(code)
    if template is None:
        return code
    values = dict(params)
    if "field" in values:  # a column named in the message reads in the reader's language
        values["field"] = FIELD_LABELS.get(str(values["field"]), values["field"])
    if code == "no_contact_column":
        values["known"] = ", ".join(f"{fi}/{en}" for fi, en in COLUMNS.values())
    try:
        return str(template % values)
    except (KeyError, TypeError, ValueError):  # a stored report edited by hand: show the text without its values
        return str(template) or code


class CsvFileError(Exception):
    """The file as a whole cannot be read; nothing in it is imported."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def message(self) -> str:
        """In the active language."""
        return _message(FILE_MESSAGES, self.code, self.params)

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "params": self.params}


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    field: str
    code: str
    params: dict[str, object] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """In the active language."""
        return _message(ROW_MESSAGES, self.code, self.params)

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "field": self.field, "code": self.code, "params": self.params}


def row_error_message(error: dict[str, object]) -> str:
    """A stored row error in the active language (a report from before codes keeps its text)."""
    if "code" not in error:
        return str(error.get("message", ""))
    params = error.get("params")
    return _message(ROW_MESSAGES, str(error["code"]), params if isinstance(params, dict) else {})


def file_error_message(error: dict[str, object]) -> str:
    """A stored file-level error in the active language."""
    params = error.get("params")
    return _message(FILE_MESSAGES, str(error.get("code", "")), params if isinstance(params, dict) else {})


def commit_error_message(error: dict[str, object]) -> str:
    """Why a stored import's write failed, in the active language. A reason without a known code
    is shown as the text stored with it."""
    code = str(error.get("code", ""))
    params = error.get("params")
    params = params if isinstance(params, dict) else {}
    for templates in (COMMIT_MESSAGES, FILE_MESSAGES):
        if code in templates:
            return _message(templates, code, params)
    return str(error.get("text", "")) or code


@dataclass(frozen=True)
class DecodedFile:
    text: str
    encoding: str  # UTF8, UTF8_BOM or WINDOWS_1252


@dataclass
class ParsedFile:
    encoding: str
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


def csv_decode(content: bytes) -> DecodedFile:
    """The file's text: strict UTF-8 first, then Windows-1252; never a guess that garbles letters."""
    if not content.strip():
        raise CsvFileError("empty")
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CsvFileError("encoding_utf16")
    try:
        text = content.decode(UTF8_BOM)
    except UnicodeDecodeError as utf8_error:
        line = content.count(b"\n", 0, utf8_error.start) + 1
        if _UTF8_SEQUENCES.search(content):
            raise CsvFileError("encoding_mixed", line=line) from utf8_error
        try:
            text = content.decode(WINDOWS_1252)
        except UnicodeDecodeError as error:  # bytes 81, 8D, 8F, 90, 9D mean nothing in Windows-1252
            raise CsvFileError("encoding_unknown", line=content.count(b"\n", 0, error.start) + 1) from error
        encoding = WINDOWS_1252
    else:
        encoding = UTF8_BOM if content.startswith(codecs.BOM_UTF8) else UTF8
    if "\x00" in text:
        raise CsvFileError("binary")
    return DecodedFile(text=text, encoding=encoding)


def csv_delimiter_sniff(header_line: str) -> str:
    """The separator of a file from its header line: semicolon (Excel in Finland), comma or tab."""
    try:
        return csv.Sniffer().sniff(header_line, delimiters=";,\t").delimiter
    except csv.Error:
        return max([",", ";", "\t"], key=header_line.count)


def csv_table_read(
    content: bytes, *, aliases: dict[str, str], columns_check: Callable[[list[str]], None] | None = None
) -> ParsedFile:
    """Decode, sniff the delimiter and map the header row through `aliases` (a normalised header ->
    a column key); raise CsvFileError for file-level problems. `columns_check` sees the mapped
    columns before any row is read and raises CsvFileError when a needed one is missing.

    Shared by every CSV import (customers, locations), so each reads Excel's files the same way."""
    decoded = csv_decode(content)
    text = decoded.text
    header_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = csv_delimiter_sniff(header_line)
    reader = csv.reader(io.StringIO(text.lstrip("\r\n"), newline=""), delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration as error:
        raise CsvFileError("empty") from error

    columns: list[str] = []
    ignored: list[str] = []
    positions: dict[str, int] = {}
    for position, header in enumerate(headers):
        key = aliases.get(header_normalize(header))
        if key is None:
            if header.strip():
                ignored.append(header.strip())
            continue
        if key in positions:
            raise CsvFileError("column_twice", column=header.strip())
        positions[key] = position
        columns.append(key)
    if columns_check is not None:
        columns_check(columns)

    parsed = ParsedFile(encoding=decoded.encoding, delimiter=delimiter, columns=columns, ignored_columns=ignored)
    try:
        for index, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue  # Excel leaves rows of bare delimiters at the end
            parsed.rows.append(
                (index, {key: (cells[pos] if pos < len(cells) else "").strip() for key, pos in positions.items()})
            )
    except csv.Error as error:
        raise CsvFileError("not_csv", error=str(error)) from error
    if not parsed.rows:
        raise CsvFileError("no_rows")
    return parsed


def _contact_column_check(columns: list[str]) -> None:
    if "email" not in columns and "phone" not in columns:
        raise CsvFileError("no_contact_column")


def csv_parse(content: bytes) -> ParsedFile:
    """The customer file: decoded, its header mapped, with an email or a phone column."""
    return csv_table_read(content, aliases=ALIASES, columns_check=_contact_column_check)


def row_clean(
    number: int, cells: dict[str, str], *, personas: dict[str, tuple[int, bool]]
) -> tuple[CleanRow, list[RowError]]:
    """Check one row. `personas` maps a lower-cased persona name to (id, is_active)."""
    values: dict[str, object] = {}
    errors: list[RowError] = []

    def fail(field_name: str, code: str, **params: object) -> None:
        errors.append(RowError(row=number, field=field_name, code=code, params=params))

    for key, limit in MAX_LENGTHS.items():
        if len(cells.get(key, "")) > limit:
            fail(key, "too_long", limit=limit)

    if cells.get("name"):
        values["full_name"] = " ".join(cells["name"].split())
    email = cells.get("email", "").lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            fail("email", "email_invalid", value=cells["email"])
        else:
            values["email"] = email
    if cells.get("phone"):
        normalized = phone_normalize(cells["phone"])
        if normalized is None:
            fail("phone", "phone_invalid", value=cells["phone"])
        else:
            values["phone"] = cells["phone"]
            values["phone_normalized"] = normalized
    if not email and not cells.get("phone"):
        fail("email", "contact_missing")
    if cells.get("language"):
        language = LANGUAGES.get(cells["language"].lower())
        if language is None:
            fail("language", "language_unknown", value=cells["language"])
        else:
            values["language"] = language
    if cells.get("segment"):
        values["segment"] = " ".join(cells["segment"].split())
    if cells.get("persona"):
        found = personas.get(cells["persona"].lower())
        if found is None:
            fail("persona", "persona_unknown", value=cells["persona"])
        elif not found[1]:
            fail("persona", "persona_archived", value=cells["persona"])
        else:
            values["persona_id"] = found[0]
    if cells.get("consent"):
        answer = cells["consent"].lower()
        if answer in YES:
            values["survey_consent"] = True
        elif answer in NO:
            values["survey_consent"] = False
        else:
            fail("consent", "consent_unknown", value=cells["consent"])
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
                    code="duplicate_row",
                    params={"row": seen[duplicate], "field": duplicate[0]},
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
