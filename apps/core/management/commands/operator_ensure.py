"""Ensure a platform operator (a superuser of the public schema) exists; idempotent."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django_tenants.utils import get_public_schema_name, schema_context


class Command(BaseCommand):
    help = "Create the operators' superuser in the public schema unless it exists (an existing password is kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", required=True)

    def handle(self, *args: object, **options: str) -> None:
        user_model = get_user_model()
        email = options["email"].strip().lower()
        with schema_context(get_public_schema_name()), transaction.atomic():
            operator = user_model.objects.filter(email__iexact=email).first()
            if operator is None:
                user_model.objects.create_superuser(email, options["password"], full_name="Platform operator")
                self.stdout.write(f"Operator {email} created.")
            elif not operator.is_superuser:
                operator.is_superuser = True
                operator.save(update_fields=["is_superuser"])
                self.stdout.write(f"Operator {email} made a superuser.")
            else:
                self.stdout.write(f"Operator {email} exists.")
