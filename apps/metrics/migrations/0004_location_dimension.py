"""The location dimension of the roll-ups: a location_id column and the grains cut by it.

The new grains come from the source rows (an answer's location is its encounter's), so
the company's roll-ups are rebuilt once, in its own time zone.
"""

from django.db import migrations, models


def rebuild_with_locations(apps: object, schema_editor: object) -> None:
    from apps.metrics.rollup import rollup_rebuild_all
    from apps.tenants.selectors import company_time_zone

    # A new company has nothing to roll up; skipping it also keeps a fresh database from running
    # today's roll-up statement against the tables as they stood at this migration.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM encounters_encounter) OR EXISTS (SELECT 1 FROM surveys_invitation)"
            " OR EXISTS (SELECT 1 FROM surveys_response)"
        )
        if not cursor.fetchone()[0]:
            return
    rollup_rebuild_all(time_zone=company_time_zone().key)


def drop_location_rows(apps: object, schema_editor: object) -> None:
    for table in ("metrics_dailyrollup", "metrics_periodrollup"):
        schema_editor.execute(
            f"DELETE FROM {table} WHERE grain IN ('tpl', 'stfl', 'loc', 'empl')"  # noqa: S608
        )


class Migration(migrations.Migration):
    dependencies = [
        ("metrics", "0003_period_rollups"),
        ("encounters", "0003_encounter_location"),
        ("surveys", "0008_invitation_channels"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="dailyrollup",
            name="rollup_bucket_unique",
        ),
        migrations.RemoveConstraint(
            model_name="periodrollup",
            name="period_rollup_bucket_unique",
        ),
        migrations.AddField(
            model_name="dailyrollup",
            name="location_id",
            field=models.IntegerField(null=True),
        ),
        migrations.AddField(
            model_name="periodrollup",
            name="location_id",
            field=models.IntegerField(null=True),
        ),
        migrations.AlterField(
            model_name="dailyrollup",
            name="grain",
            field=models.CharField(
                choices=[
                    ("tp", "Touchpoint"),
                    ("aud", "Touchpoint, persona and segment"),
                    ("staff", "Touchpoint and employee"),
                    ("tpl", "Touchpoint and location"),
                    ("stfl", "Touchpoint, employee and location"),
                    ("co", "Whole company"),
                    ("ps", "Persona and segment"),
                    ("emp", "Employee"),
                    ("loc", "Location"),
                    ("empl", "Employee and location"),
                ],
                max_length=5,
            ),
        ),
        migrations.AlterField(
            model_name="periodrollup",
            name="grain",
            field=models.CharField(
                choices=[
                    ("tp", "Touchpoint"),
                    ("aud", "Touchpoint, persona and segment"),
                    ("staff", "Touchpoint and employee"),
                    ("tpl", "Touchpoint and location"),
                    ("stfl", "Touchpoint, employee and location"),
                    ("co", "Whole company"),
                    ("ps", "Persona and segment"),
                    ("emp", "Employee"),
                    ("loc", "Location"),
                    ("empl", "Employee and location"),
                ],
                max_length=5,
            ),
        ),
        migrations.AddConstraint(
            model_name="dailyrollup",
            constraint=models.UniqueConstraint(
                fields=("grain", "day", "touchpoint_id", "persona_id", "segment_id", "employee_id", "location_id"),
                name="rollup_bucket_unique",
                nulls_distinct=False,
            ),
        ),
        migrations.AddConstraint(
            model_name="periodrollup",
            constraint=models.UniqueConstraint(
                fields=(
                    "grain",
                    "span",
                    "day",
                    "touchpoint_id",
                    "persona_id",
                    "segment_id",
                    "employee_id",
                    "location_id",
                ),
                name="period_rollup_bucket_unique",
                nulls_distinct=False,
            ),
        ),
        migrations.RunPython(rebuild_with_locations, drop_location_rows),
    ]
