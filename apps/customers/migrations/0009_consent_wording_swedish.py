"""Consent wordings get a Swedish text, and version 1 (the wording every company ships with) gets its
Swedish translation.

Version 1's meaning is unchanged: the same two sentences, now also in Swedish, so a Swedish-speaking
customer sees in their own language the words the Finnish and English texts already stand for. Its
Finnish and English texts are not touched, and no other version is: a company's own later versions
stay as their admins wrote them (their Swedish text falls back to another language until a new
version is written with one).
"""

from django.db import migrations, models

WORDING_1_SV = (
    "Jag samtycker till att få korta responsenkäter per e-post efter mina besök. "
    "Jag kan när som helst återkalla mitt samtycke via länken i enkätmeddelandet."
)


def wording_1_swedish(apps, schema_editor) -> None:  # noqa: ANN001 - a migration's signature
    ConsentWording = apps.get_model("customers", "ConsentWording")
    ConsentWording.objects.filter(version=1, text_sv="").update(text_sv=WORDING_1_SV)


def wording_1_swedish_remove(apps, schema_editor) -> None:  # noqa: ANN001 - a migration's signature
    ConsentWording = apps.get_model("customers", "ConsentWording")
    ConsentWording.objects.filter(version=1, text_sv=WORDING_1_SV).update(text_sv="")


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0008_sms_stopped_consent"),
    ]

    operations = [
        # Version 1 was written by a data migration. When every migration runs in one transaction (a
        # company migrated inside a test), those rows' deferred foreign-key checks are still pending, and
        # PostgreSQL refuses to ALTER a table with pending trigger events: run the checks now, then defer
        # again. In a migration's own transaction (production) there is nothing pending and this is a no-op.
        migrations.RunSQL(
            "SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED;",
            reverse_sql="SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED;",
        ),
        migrations.AddField(
            model_name="consentwording",
            name="text_sv",
            field=models.TextField(blank=True, default="", verbose_name="text in Swedish"),
        ),
        migrations.RunPython(wording_1_swedish, wording_1_swedish_remove),
    ]
