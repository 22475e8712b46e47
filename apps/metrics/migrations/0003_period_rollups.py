"""Week and month roll-ups, and the grains without a touchpoint.

Both are sums of the daily rows a company already has; they are written by the full
rebuild in 0004_location_dimension, which follows.
"""

from django.db import migrations, models


def derive_from_daily_rows(apps: object, schema_editor: object) -> None:
    # Nothing to do any more: 0004_location_dimension rebuilds every roll-up row, these included, and
    # today's statements name columns this table does not have yet at this step.
    return None


def drop_derived_daily_rows(apps: object, schema_editor: object) -> None:
    schema_editor.execute("DELETE FROM metrics_dailyrollup WHERE grain IN ('co', 'ps', 'emp')")


class Migration(migrations.Migration):

    dependencies = [
        ('metrics', '0002_dirty_mark_triggers'),
    ]

    operations = [
        migrations.AlterField(
            model_name='dailyrollup',
            name='grain',
            field=models.CharField(choices=[('tp', 'Touchpoint'), ('aud', 'Touchpoint, persona and segment'), ('staff', 'Touchpoint and employee'), ('co', 'Whole company'), ('ps', 'Persona and segment'), ('emp', 'Employee')], max_length=5),
        ),
        migrations.CreateModel(
            name='PeriodRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('grain', models.CharField(choices=[('tp', 'Touchpoint'), ('aud', 'Touchpoint, persona and segment'), ('staff', 'Touchpoint and employee'), ('co', 'Whole company'), ('ps', 'Persona and segment'), ('emp', 'Employee')], max_length=5)),
                ('touchpoint_id', models.IntegerField(null=True)),
                ('persona_id', models.IntegerField(null=True)),
                ('segment_id', models.IntegerField(null=True)),
                ('employee_id', models.IntegerField(null=True)),
                ('encounters', models.IntegerField(default=0)),
                ('encounters_raised', models.IntegerField(default=0)),
                ('peak_feel_n', models.IntegerField(default=0)),
                ('peak_feel_sum', models.IntegerField(default=0)),
                ('end_feel_n', models.IntegerField(default=0)),
                ('end_feel_sum', models.IntegerField(default=0)),
                ('invitations_delivered', models.IntegerField(default=0)),
                ('invitations_answered', models.IntegerField(default=0)),
                ('responses', models.IntegerField(default=0)),
                ('nps_n', models.IntegerField(default=0)),
                ('nps_promoters', models.IntegerField(default=0)),
                ('nps_detractors', models.IntegerField(default=0)),
                ('csat_n', models.IntegerField(default=0)),
                ('csat_satisfied', models.IntegerField(default=0)),
                ('ces_n', models.IntegerField(default=0)),
                ('ces_sum', models.IntegerField(default=0)),
                ('ces_easy', models.IntegerField(default=0)),
                ('feel_n', models.IntegerField(default=0)),
                ('feel_sum', models.DecimalField(decimal_places=4, default=0, max_digits=16)),
                ('gap_n', models.IntegerField(default=0)),
                ('gap_staff_sum', models.IntegerField(default=0)),
                ('gap_customer_sum', models.DecimalField(decimal_places=4, default=0, max_digits=16)),
                ('gap_over', models.IntegerField(default=0)),
                ('gap_under', models.IntegerField(default=0)),
                ('span', models.CharField(choices=[('week', 'ISO week'), ('month', 'Month')], max_length=5)),
                ('day', models.DateField()),
            ],
            options={
                'verbose_name': 'period roll-up',
                'verbose_name_plural': 'period roll-ups',
                'indexes': [models.Index(fields=['span', 'day'], name='period_rollup_span_day')],
                'constraints': [models.UniqueConstraint(fields=('grain', 'span', 'day', 'touchpoint_id', 'persona_id', 'segment_id', 'employee_id'), name='period_rollup_bucket_unique', nulls_distinct=False)],
            },
        ),
        migrations.RunPython(derive_from_daily_rows, drop_derived_daily_rows),
    ]
