from django.db import migrations


class Migration(migrations.Migration):
    """pg_trgm once, in the public schema: every company schema has public on its search_path,
    so their trigram indexes (customer search) find the operator classes there."""

    dependencies: list = []

    operations = [
        migrations.RunSQL(
            "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
