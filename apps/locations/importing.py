"""The location CSV import: code, name, region path, address, city, teams. All or nothing: a file with any bad row
writes nothing and reports every problem by row; a clean file creates and updates its locations (matched by
code) and the regions its paths name, in one transaction.

The file is read by the customer import's reader (Finnish Excel's Windows-1252 and semicolons included).
"""

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy

from apps.accounts.models import Team
from apps.customers.csv_format import ENCODING_NOTES, CsvFileError, csv_table_read, header_normalize
from apps.locations.models import Location, Region, TeamLocation
from apps.locations.services import region_tree_lock

# Canonical column key -> the headers it is known by (normalised: lower case, spaces as underscores).
_HEADERS = {
    "code": ["code", "koodi", "tunnus", "toimipistekoodi", "location_code", "kod"],
    "name": ["name", "nimi", "toimipiste", "location", "namn"],
    "region": ["region", "alue", "region_path", "alueet", "alue_polku"],
    "address": ["address", "osoite", "katuosoite", "adress"],
    "city": ["city", "kaupunki", "paikkakunta", "postitoimipaikka", "stad", "ort"],
    "teams": ["teams", "team", "tiimit", "tiimi"],
}
ALIASES = {header_normalize(header): key for key, headers in _HEADERS.items() for header in headers}
MAX_LENGTHS = {"code": 32, "name": 120, "address": 200, "city": 100}
REGION_SEPARATOR = ">"
TEAM_SEPARATORS = re.compile(r"[;|]")  # in a semicolon file, "|" (or a quoted cell)

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
    "unknown_team": gettext_lazy("There is no team called '%(value)s'."),
    "archived_teams": gettext_lazy("The location %(value)s is archived: it takes no new teams."),
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
    teams_placed: list[str] = field(default_factory=list)  # "code: team"
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
            "teams_placed": self.teams_placed,
            "problems": [{"row": p.row, "code": p.code, "message": p.message} for p in self.problems],
        }


@dataclass
class _Row:
    number: int
    code: str
    values: dict[str, str]  # the non-blank cells other than the code
    region_path: list[str]
    teams: list[Team] = field(default_factory=list)


def _columns_check(columns: list[str]) -> None:
    if "code" not in columns or "name" not in columns:
        raise CsvFileError("missing_columns")


def _row_check(
    number: int, cells: dict[str, str], problems: list[ImportProblem], *, teams_by_name: dict[str, Team]
) -> _Row | None:
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
    teams: list[Team] = []
    for name in (part.strip() for part in TEAM_SEPARATORS.split(cells.get("teams", ""))):
        if not name:
            continue
        team = teams_by_name.get(name.lower())
        if team is None:
            problems.append(ImportProblem(number, "unknown_team", {"value": name[:100]}))
        elif team not in teams:
            teams.append(team)
    if len(problems) > before:
        return None
    values = {key: cells[key] for key in ("name", "address", "city") if cells.get(key)}
    return _Row(number=number, code=code, values=values, region_path=region_path, teams=teams)


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
    teams_by_name = {team.name.lower(): team for team in Team.objects.all()}
    placed = set(TeamLocation.objects.values_list("location_id", "team_id"))
    rows: list[_Row] = []
    first_row_of_code: dict[str, int] = {}
    for number, cells in parsed.rows:
        row = _row_check(number, cells, report.problems, teams_by_name=teams_by_name)
        if row is None:
            continue
        earlier = first_row_of_code.setdefault(row.code.lower(), number)
        if earlier != number:
            report.problems.append(ImportProblem(number, "duplicate_code", {"value": row.code, "row": earlier}))
            continue
        if row.code.lower() not in existing and "name" not in row.values:
            report.problems.append(ImportProblem(number, "required", {"field": str(FIELD_LABELS["name"])}))
            continue
        location = existing.get(row.code.lower())
        if location is not None and not location.is_active:
            if any((location.pk, team.pk) not in placed for team in row.teams):
                report.problems.append(ImportProblem(number, "archived_teams", {"value": location.code}))
                continue
        rows.append(row)
    if not report.ok:
        return report
    with transaction.atomic():
        _write(rows, existing=existing, placed=placed, report=report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _write(
    rows: list[_Row],
    *,
    existing: dict[str, Location],
    placed: set[tuple[int, int]],
    report: LocationImportReport,
) -> None:
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
            location = Location.objects.create(code=row.code, **fields)
            report.created.append(row.code)
        else:
            changed = [name for name, value in fields.items() if getattr(location, name) != value]
            if changed:
                for name in changed:
                    setattr(location, name, fields[name])
                location.save(update_fields=[*changed, "updated_at"])
                report.updated.append(row.code)
        # The teams named are placed there; ones already placed stay, and none is taken away.
        new_teams = [team for team in row.teams if (location.pk, team.pk) not in placed]
        TeamLocation.objects.bulk_create(
            [TeamLocation(location=location, team=team) for team in new_teams], ignore_conflicts=True
        )
        report.teams_placed += [f"{location.code}: {team.name}" for team in new_teams]
