"""Carry the keys of rest_framework.authtoken over as hashed ApiTokens, then drop the plain-text table.

Runs in every schema accounts lives in (the public one and each company's, by
migrate_schemas). Where the old table never existed (a fresh database, a company
created after this change) it does nothing. Each old key keeps working as a token
named "Migrated token" for MIGRATED_TOKEN_DAYS, time for its owner to issue a
named one; the key itself is not kept anywhere.
"""

import datetime as dt
import hashlib

from django.db import migrations
from django.utils import timezone

MIGRATED_TOKEN_DAYS = 90
OLD_TABLE = "authtoken_token"


def authtoken_to_api_tokens(apps, schema_editor):
    connection = schema_editor.connection
    # django-tenants' search path also holds public: look in this schema only.
    schema = getattr(connection, "schema_name", None) or "public"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = %s", [schema, OLD_TABLE]
        )
        if cursor.fetchone() is None:
            return
        table = f"{schema_editor.quote_name(schema)}.{schema_editor.quote_name(OLD_TABLE)}"
        cursor.execute(f"SELECT key, user_id, created FROM {table}")  # noqa: S608 - names, not input
        rows = cursor.fetchall()
        ApiToken = apps.get_model("accounts", "ApiToken")
        expires_at = timezone.now() + dt.timedelta(days=MIGRATED_TOKEN_DAYS)
        ApiToken.objects.bulk_create(
            ApiToken(
                user_id=user_id,
                name="Migrated token",
                prefix=key[:8],
                digest=hashlib.sha256(key.encode()).hexdigest(),
                created_at=created,
                expires_at=expires_at,
            )
            for key, user_id, created in rows
        )
        cursor.execute(f"DROP TABLE {table}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_api_token")]

    operations = [migrations.RunPython(authtoken_to_api_tokens, migrations.RunPython.noop)]
