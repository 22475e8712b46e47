import getpass

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.exceptions import DomainError
from apps.tenants.services import company_create


class Command(BaseCommand):
    help = "Create a company: its schema, its domain and its first admin user."
    # An operator's command, like migrate: the system checks (a third of its time, mostly importing every
    # URLconf) are for `manage.py check` and the development server.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="identifier, used for the schema and the subdomain (e.g. acme)")
        parser.add_argument("--name", required=True, help="the company's display name")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", default="")
        parser.add_argument("--admin-password", help="prompted for when omitted and a terminal is attached")
        parser.add_argument("--domain", help="defaults to <slug>.<BASE_DOMAIN>")
        parser.add_argument("--language", default="fi", choices=["fi", "sv", "en"])
        parser.add_argument("--time-zone", default="Europe/Helsinki")

    def handle(self, *args: object, **options: str) -> None:
        password = options["admin_password"]
        if password is None and options.get("interactive", True) and self.stdin_is_tty():
            password = getpass.getpass("Password for the company admin: ")
        self.stdout.write(f"Creating company {options['slug']}...")
        try:
            tenant = company_create(
                name=options["name"],
                slug=options["slug"],
                admin_email=options["admin_email"],
                admin_password=password,
                admin_full_name=options["admin_name"],
                domain=options["domain"],
                language=options["language"],
                time_zone=options["time_zone"],
            )
        except DomainError as error:
            details = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.fields.items())
            raise CommandError(f"{error.message} {details}".strip()) from error
        domain = tenant.domains.get(is_primary=True).domain
        self.stdout.write(self.style.SUCCESS(f"Created {tenant.name} on {domain} (schema {tenant.schema_name})."))

    @staticmethod
    def stdin_is_tty() -> bool:
        import sys

        return sys.stdin is not None and sys.stdin.isatty()
