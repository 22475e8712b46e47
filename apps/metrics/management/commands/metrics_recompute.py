import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import tenant_context

from apps.core.tenancy import tenant_list_active
from apps.metrics.services import metrics_recompute_full


class Command(BaseCommand):
    help = "Rebuild the score roll-ups of one company or of every active company from the raw rows, now."

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--company", metavar="SLUG", help="the company's identifier (its schema name)")
        target.add_argument("--all", action="store_true", help="every active company, one after another")

    def handle(self, *args: object, **options: object) -> None:
        companies = tenant_list_active()
        if options["company"]:
            companies = companies.filter(schema_name=options["company"])
            if not companies.exists():
                raise CommandError(f"No active company {options['company']!r}.")
        companies = list(companies)
        started = time.monotonic()
        total_rows = 0
        for number, tenant in enumerate(companies, 1):
            company_started = time.monotonic()
            with tenant_context(tenant):
                run = metrics_recompute_full(trigger="command")
            total_rows += run.rows
            self.stdout.write(
                f"{number}/{len(companies)} {tenant.schema_name}: {run.rows} rows "
                f"in {time.monotonic() - company_started:.1f} s"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Recomputed {len(companies)} {'company' if len(companies) == 1 else 'companies'}, "
                f"{total_rows} rows in {time.monotonic() - started:.1f} s."
            )
        )
