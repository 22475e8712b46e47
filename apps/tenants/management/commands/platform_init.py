from django.core.management.base import BaseCommand, CommandParser

from apps.tenants.services import public_tenant_ensure


class Command(BaseCommand):
    help = "Ensure the public schema's tenant and domain exist (idempotent); run after migrate_schemas --shared."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--domain", help="the operators' domain; defaults to BASE_DOMAIN")

    def handle(self, *args: object, **options: str) -> None:
        tenant = public_tenant_ensure(domain=options.get("domain"))
        self.stdout.write(f"Public tenant ready: {', '.join(d.domain for d in tenant.domains.all())}")
