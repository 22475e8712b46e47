from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import schema_context

from apps.locations.importing import location_import
from apps.tenants.models import Tenant


class Command(BaseCommand):
    help = (
        "Import locations from a CSV file (code, name, region path, address, city) into a company. "
        "All or nothing: if any row has a problem, nothing is written and every problem is printed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("schema", help="the company's schema name, e.g. demo")
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check the file and print the report only")

    def handle(self, *args: object, **options: object) -> None:
        schema = str(options["schema"])
        path: Path = options["file"]  # type: ignore[assignment]
        if not Tenant.objects.filter(schema_name=schema).exclude(schema_name="public").exists():
            raise CommandError(f"No company with the schema '{schema}'.")
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        with schema_context(schema):
            report = location_import(content=path.read_bytes(), dry_run=bool(options["dry_run"]))
        if report.file_error:
            raise CommandError(report.file_error)
        for problem in report.problems:
            self.stderr.write(f"row {problem.row}: {problem.message}")
        if report.problems:
            raise CommandError(f"{len(report.problems)} problems; nothing was written.")
        self.stdout.write(
            f"{report.rows} rows: {len(report.created)} locations added, {len(report.updated)} updated, "
            f"{len(report.regions_created)} regions added."
        )
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")
