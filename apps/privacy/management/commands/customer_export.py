from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import schema_context

from apps.audit.models import AuditSource
from apps.customers.models import Customer, Language
from apps.customers.services import email_normalize
from apps.privacy.services import personal_data_export_create
from apps.tenants.models import Tenant


class Command(BaseCommand):
    help = (
        "Write everything held about one customer (GDPR Art. 15 and 20) to a zip file: data.json, a readable "
        "index.html and CSV files. The file is also kept for PERSONAL_DATA_EXPORT_TTL and the export is "
        "audit-logged."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("customer_id", nargs="?", type=int, help="the customer's id")
        parser.add_argument("--schema", required=True, help="the company's schema name, e.g. demo")
        parser.add_argument("--by-email", default="", metavar="EMAIL", help="the customer's email instead of an id")
        parser.add_argument("--language", choices=[code for code, _label in Language.choices], default=None)
        parser.add_argument("--output", required=True, help="where to write the zip file")

    def handle(self, *args: object, **options: object) -> None:
        customer_id, email = options["customer_id"], email_normalize(str(options["by_email"] or ""))
        if not customer_id and not email:
            raise CommandError("Name the customer: an id, or --by-email.")
        output = Path(str(options["output"]))
        if not output.parent.is_dir():
            raise CommandError(f"No directory {output.parent}.")
        schema = str(options["schema"])
        if not Tenant.objects.filter(schema_name=schema).exclude(schema_name="public").exists():
            raise CommandError(f"No company with the schema '{schema}'.")
        with schema_context(schema):
            found = Customer.objects.filter(pk=customer_id) if customer_id else Customer.objects.filter(email=email)
            customer = found.first()
            if customer is None:
                raise CommandError("No such customer in this company.")
            export = personal_data_export_create(
                customer=customer, created_by=None, language=options["language"], source=AuditSource.COMMAND
            )
        output.write_bytes(bytes(export.content))
        self.stdout.write(
            f"Wrote {output} ({export.size} bytes, sha256 {export.sha256}); "
            f"the copy is kept until {export.expires_at:%Y-%m-%d %H:%M} UTC."
        )
