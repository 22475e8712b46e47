from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import schema_context
from tqdm import tqdm

from apps.audit.models import AuditSource
from apps.customers.models import Customer
from apps.customers.services import email_normalize
from apps.privacy.erasure import customer_erase
from apps.tenants.models import Tenant


class Command(BaseCommand):
    help = (
        "Erase customers' personal data (GDPR Art. 17) in one company: name, email, phone, external ids, "
        "free-text answers, staff notes and their copies. Scores, times and touchpoints stay. Final; an erased "
        "customer is skipped. With --dry-run nothing changes and the command says what would."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ids", nargs="*", type=int, help="customer ids")
        parser.add_argument("--schema", required=True, help="the company's schema name, e.g. demo")
        parser.add_argument("--by-email", action="append", default=[], metavar="EMAIL", help="a customer's email")
        parser.add_argument("--dry-run", action="store_true", help="count what would change; change nothing")

    def handle(self, *args: object, **options: object) -> None:
        schema = str(options["schema"])
        if not Tenant.objects.filter(schema_name=schema).exclude(schema_name="public").exists():
            raise CommandError(f"No company with the schema '{schema}'.")
        ids: list[int] = list(options["ids"])  # type: ignore[call-overload]
        emails = [email_normalize(str(email)) for email in options["by_email"]]  # type: ignore[attr-defined]
        if not ids and not emails:
            raise CommandError("Name at least one customer: ids, or --by-email.")
        dry_run = bool(options["dry_run"])

        with schema_context(schema):
            customers = list(Customer.objects.filter(pk__in=ids).order_by("pk"))
            found_ids = {customer.pk for customer in customers}
            missing = [str(pk) for pk in ids if pk not in found_ids]
            by_email = {customer.email: customer for customer in Customer.objects.filter(email__in=emails)}
            missing += [email for email in emails if email not in by_email]
            customers += [customer for customer in by_email.values() if customer.pk not in found_ids]
            if missing:
                raise CommandError(f"No such customer: {', '.join(missing)}. Nothing was erased.")

            erased = skipped = 0
            totals: dict[str, int] = {}
            with tqdm(total=len(customers), unit="customer", desc="Erasing", disable=None) as bar:
                for customer in customers:
                    result = customer_erase(
                        customer=customer, acting_user=None, source=AuditSource.COMMAND, dry_run=dry_run
                    )
                    if result.already_erased:
                        skipped += 1
                        bar.write(f"#{customer.pk}: erased before, skipped")
                    else:
                        erased += 1
                        changed = ", ".join(f"{label} {count}" for label, count in sorted(result.counts.items()))
                        bar.write(f"#{customer.pk}: {'would change' if dry_run else 'changed'} {changed}")
                        for label, count in result.counts.items():
                            totals[label] = totals.get(label, 0) + count
                    bar.update(1)

        verb = "Would erase" if dry_run else "Erased"
        self.stdout.write(f"{verb} {erased} customers; {skipped} were erased before.")
        for label, count in sorted(totals.items()):
            self.stdout.write(f"  {label}: {count} rows")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
