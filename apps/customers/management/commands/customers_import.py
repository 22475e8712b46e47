import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import schema_context
from tqdm import tqdm

from apps.core.exceptions import DomainError
from apps.customers.importing import ImportMode, customer_import_commit, customer_import_create, customer_import_discard
from apps.customers.models import ImportStatus
from apps.customers.selectors import customer_import_report
from apps.tenants.models import Tenant

ERRORS_PRINTED = 200


class Command(BaseCommand):
    help = (
        "Import customers from a CSV file into a company. Every row is checked first; with --commit-valid the "
        "valid rows are written, with --all-or-nothing (the default) nothing is written if any row has an error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("schema", help="the company's schema name, e.g. demo")
        parser.add_argument("file", type=Path)
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--commit-valid", action="store_true", help="write the valid rows, skip the invalid ones")
        mode.add_argument("--all-or-nothing", action="store_true", help="write nothing if any row has an error")
        parser.add_argument("--dry-run", action="store_true", help="only check the file and print the report")

    def handle(self, *args: object, **options: object) -> None:
        schema = str(options["schema"])
        path: Path = options["file"]  # type: ignore[assignment]
        if not Tenant.objects.filter(schema_name=schema).exclude(schema_name="public").exists():
            raise CommandError(f"No company with the schema '{schema}'.")
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        mode = ImportMode.VALID_ROWS if options["commit_valid"] else ImportMode.ALL_OR_NOTHING

        with schema_context(schema):
            started = time.perf_counter()
            customer_import = customer_import_create(file_name=path.name, content=path.read_bytes(), created_by=None)
            if customer_import.status == ImportStatus.FAILED:
                raise CommandError(customer_import_report(customer_import)["file_error"])
            report = customer_import_report(customer_import)
            self._print_report(report, seconds=time.perf_counter() - started)
            if options["dry_run"]:
                customer_import_discard(customer_import=customer_import, user=None)
                self.stdout.write("Dry run: nothing was written.")
                return
            if report["invalid_rows"] and mode == ImportMode.ALL_OR_NOTHING:
                customer_import_discard(customer_import=customer_import, user=None)
                raise CommandError(
                    f"{report['invalid_rows']} rows have errors; nothing was written. "
                    "Fix them, or run with --commit-valid to write the valid rows."
                )
            started = time.perf_counter()
            with tqdm(total=report["valid_rows"], unit="row", desc="Writing", disable=None) as bar:
                try:
                    done = customer_import_commit(
                        customer_import=customer_import, mode=mode, user=None, progress=bar.update
                    )
                except DomainError as error:
                    raise CommandError(error.message) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported in {time.perf_counter() - started:.1f} s: {done.created_count} added, "
                f"{done.updated_count} updated, {done.skipped_count} rows skipped."
            )
        )

    def _print_report(self, report: dict, *, seconds: float) -> None:
        self.stdout.write(
            f"Checked {report['total_rows']} rows in {seconds:.1f} s (delimiter '{report['delimiter_label']}'): "
            f"{report['valid_rows']} valid ({report['to_create']} new, {report['to_update']} updates), "
            f"{report['invalid_rows']} with errors."
        )
        self.stdout.write(report["encoding_note"])
        if report["ignored_columns"]:
            self.stdout.write(f"Ignored columns: {', '.join(report['ignored_columns'])}")
        if report["new_segments"]:
            self.stdout.write(f"New segments: {', '.join(report['new_segments'])}")
        for error in report["errors"][:ERRORS_PRINTED]:
            self.stdout.write(self.style.WARNING(f"  row {error['row']}, {error['field']}: {error['message']}"))
        if report["errors_total"] > ERRORS_PRINTED:
            self.stdout.write(f"  ... and {report['errors_total'] - ERRORS_PRINTED} more")
