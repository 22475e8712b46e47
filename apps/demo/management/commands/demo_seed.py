from django.core.management.base import BaseCommand, CommandParser

from apps.demo.services import demo_company_seed, demo_logins
from apps.tenants.selectors import tenant_primary_domain


class Command(BaseCommand):
    help = "Create or top up the demo company (a vehicle inspection chain) with users of every role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--domain", help="defaults to demo.<BASE_DOMAIN>")
        parser.add_argument("--reset", action="store_true", help="drop the demo company first")

    def handle(self, *args: object, **options: object) -> None:
        tenant = demo_company_seed(
            domain=options.get("domain"),  # type: ignore[arg-type]
            reset=bool(options["reset"]),
            progress=lambda message: self.stdout.write(message),
        )
        self.stdout.write(self.style.SUCCESS(f"Demo company ready on {tenant_primary_domain(tenant=tenant)}"))
        for role, email, password in demo_logins():
            self.stdout.write(f"  {role:<14} {email:<32} {password}")
