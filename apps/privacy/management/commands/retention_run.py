from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.audit.models import AuditSource
from apps.core.tenancy import tenant_list_active
from apps.privacy.retention.services import retention_run


class Command(BaseCommand):
    help = (
        "Anonymise what is past its retention period in every active company (or one), as the nightly task "
        "does; --dry-run counts it only. Safe to run twice and to stop at any point."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--schema", help="one company, by its schema name")
        parser.add_argument("--dry-run", action="store_true", help="count what would be anonymised, change nothing")
        parser.add_argument("--batch-size", type=int, help="rows per transaction (default RETENTION_BATCH_SIZE)")

    def handle(self, *args: object, **options: object) -> None:
        companies = tenant_list_active()
        if options["schema"]:
            companies = companies.filter(schema_name=options["schema"])
            if not companies:
                raise CommandError(f"No active company with the schema {options['schema']!r}.")
        if options["batch_size"] is not None and options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        dry_run = bool(options["dry_run"])
        now = timezone.now()
        totals: dict[str, int] = {}
        for tenant in companies:
            with tenant_context(tenant):
                report = retention_run(
                    now=now,
                    source=AuditSource.COMMAND,
                    dry_run=dry_run,
                    batch_size=options["batch_size"],
                    progress=lambda step, done, schema=tenant.schema_name: self.stderr.write(
                        f"  {schema}: {step} {done}…"
                    ),
                )
            state = "on" if report.enabled else "off (fixed-time deletions only)"
            counts = ", ".join(f"{name} {count}" for name, count in report.counts.items())
            self.stdout.write(f"{tenant.schema_name} (retention {state}): {counts}")
            for name, count in report.counts.items():
                totals[name] = totals.get(name, 0) + count
        verb = "Would anonymise" if dry_run else "Anonymised"
        summary = ", ".join(f"{name} {count}" for name, count in totals.items()) or "nothing"
        self.stdout.write(self.style.SUCCESS(f"{verb} in {len(companies)} companies: {summary}"))
