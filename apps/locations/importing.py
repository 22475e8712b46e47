"""The location CSV import: code, name, region path, address, city. All or nothing: a file with any bad row
writes nothing and reports every problem by row; a clean file creates and updates its locations (matched by
code) and the regions its paths name, in one transaction.

The file is read by the customer import's reader (Finnish Excel's Windows-1252 and semicolons included).
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy

from apps.customers.csv_format import ENCODING_NOTES, CsvFileError, csv_table_read, header_normalize
from apps.locations.models import Location, Region
from apps.locations.services import region_tree_lock

# Canonical column key -> the headers it is known by (normalised: lower case, spaces as underscores).
_HEADERS = {
    "code": ["code", "koodi", "tunnus", "toimipistekoodi", "location_code", "kod"],
    "name": ["name", "nimi", "toimipiste", "location", "namn"],
    "region": ["region", "alue", "region_path", "alueet", "alue_polku"],
    "address": ["address", "osoite", "katuosoite", "adress"],
    "city": ["city", "kaupunki", "paikkakunta", "postitoimipaikka", "stad", "ort"],
}
ALIASES = {header_normalize(header): key for key, headers in _HEADERS.items() for header in headers}
MAX_LENGTHS = {"code": 32, "name": 120, "address": 200, "city": 100}
REGION_SEPARATOR = ">"

FIELD_LABELS = {
    "code": gettext_lazy("Code"),
    "name": gettext_lazy("Name"),
    "address": gettext_lazy("Address"),
    "city": gettext_lazy("City"),
}
FILE_MESSAGES = {
    "missing_columns": gettext_lazy("The first row must name the columns: at least code and name (koodi, nimi)."),
    "no_rows": gettext_lazy("The file has a header row but no locations."),
}
ROW_MESSAGES = {
    "required": gettext_lazy("%(field)s is missing."),
    "too_long": gettext_lazy("%(field)s is longer than %(limit)s characters."),
    "code_spaces": gettext_lazy("A code has no spaces: '%(value)s'."),
    "duplicate_code": gettext_lazy("The code %(value)s is also on row %(row)s."),
    "region_blank_part": gettext_lazy("The region path '%(value)s' has an empty part."),
    "region_too_long": gettext_lazy("The region name '%(value)s' is longer than 120 characters."),
}


@dataclass(frozen=True)
class ImportProblem:
    row: int  # as a spreadsheet numbers it: the header is row 1
    code: str
    params: dict[str, object] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """In the active language."""
        return str(ROW_MESSAGES[self.code]) % self.params


@dataclass
class LocationImportReport:
    file_error: str = ""
    encoding: str = ""
    rows: int = 0
    created: list[str] = field(default_factory=list)  # codes
    updated: list[str] = field(default_factory=list)
    regions_created: list[str] = field(default_factory=list)  # full paths
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.problems

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "file_error": self.file_error,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "regions_created": self.regions_created,
            "problems": [{"row": p.row, "code": p.code, "message": p.message} for p in self.problems],
        }


@dataclass
class _Row:
    number: int
    code: str
    values: dict[str, str]  # the non-blank cells other than the code
    region_path: list[str]


def _columns_check(columns: list[str]) -> None:
    if "code" not in columns or "name" not in columns:
        raise CsvFileError("missing_columns")


def _row_check(number: int, cells: dict[str, str], problems: list[ImportProblem]) -> _Row | None:
    before = len(problems)
    for key, limit in MAX_LENGTHS.items():
        if len(cells.get(key, "")) > limit:
            problems.append(ImportProblem(number, "too_long", {"field": str(FIELD_LABELS[key]), "limit": limit}))
    code = cells.get("code", "")
    if not code:
        problems.append(ImportProblem(number, "required", {"field": str(FIELD_LABELS["code"])}))
    elif any(character.isspace() for character in code):
        problems.append(ImportProblem(number, "code_spaces", {"value": code}))
    region_path: list[str] = []
    if cells.get("region"):
        region_path = [part.strip() for part in cells["region"].split(REGION_SEPARATOR)]
        if any(not part for part in region_path):
            problems.append(ImportProblem(number, "region_blank_part", {"value": cells["region"]}))
        for part in region_path:
            if len(part) > 120:
                problems.append(ImportProblem(number, "region_too_long", {"value": part[:40]}))
    if len(problems) > before:
        return None
    values = {key: cells[key] for key in ("name", "address", "city") if cells.get(key)}
    return _Row(number=number, code=code, values=values, region_path=region_path)


def location_import(*, content: bytes, dry_run: bool = False) -> LocationImportReport:
    """Check the whole file, then (unless `dry_run` or a row is bad) write it in one transaction."""
    report = LocationImportReport()
    try:
        parsed = csv_table_read(content, aliases=ALIASES, columns_check=_columns_check)
    except CsvFileError as error:
        report.file_error = str(FILE_MESSAGES[error.code]) if error.code in FILE_MESSAGES else error.message
        return report
    report.encoding = str(ENCODING_NOTES.get(parsed.encoding, ""))
    report.rows = len(parsed.rows)
    existing = {location.code.lower(): location for location in Location.objects.all()}
    rows: list[_Row] = []
    first_row_of_code: dict[str, int] = {}
    for number, cells in parsed.rows:
        row = _row_check(number, cells, report.problems)
        if row is None:
            continue
        earlier = first_row_of_code.setdefault(row.code.lower(), number)
        if earlier != number:
            report.problems.append(ImportProblem(number, "duplicate_code", {"value": row.code, "row": earlier}))
            continue
        if row.code.lower() not in existing and "name" not in row.values:
            report.problems.append(ImportProblem(number, "required", {"field": str(FIELD_LABELS["name"])}))
            continue
        rows.append(row)
    if not report.ok:
        return report
    with transaction.atomic():
        _write(rows, existing=existing, report=report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _write(rows: list[_Row], *, existing: dict[str, Location], report: LocationImportReport) -> None:
    region_tree_lock()
    regions = {(region.parent_id, region.name.lower()): region for region in Region.objects.all()}

    def region_for(path: list[str]) -> Region | None:
        parent: Region | None = None
        for depth, name in enumerate(path):
            key = (parent.pk if parent else None, name.lower())
            if key not in regions:
                regions[key] = Region.objects.create(name=name, parent=parent)
                report.regions_created.append(" > ".join(path[: depth + 1]))
            parent = regions[key]
        return parent

    for row in rows:
        fields: dict[str, object] = dict(row.values)
        if row.region_path:
            fields["region"] = region_for(row.region_path)
        location = existing.get(row.code.lower())
        if location is None:
            Location.objects.create(code=row.code, **fields)
            report.created.append(row.code)
        else:
            changed = [name for name, value in fields.items() if getattr(location, name) != value]
            if changed:
                for name in changed:
                    setattr(location, name, fields[name])
                location.save(update_fields=[*changed, "updated_at"])
                report.updated.append(row.code)
