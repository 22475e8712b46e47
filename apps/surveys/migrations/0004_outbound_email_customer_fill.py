"""Link the survey emails already in the outbox to their customer (OutboundEmail.customer)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def outbound_customer_fill(apps, schema_editor):
    InvitationEmail = apps.get_model("surveys", "InvitationEmail")
    OutboundEmail = apps.get_model("outbox", "OutboundEmail")
    customer = InvitationEmail.objects.filter(outbound_id=OuterRef("pk")).values("invitation__customer_id")[:1]
    OutboundEmail.objects.filter(customer__isnull=True, invitation_email__isnull=False).update(
        customer_id=Subquery(customer)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0002_outboundemail_customer"),
        ("surveys", "0003_quiet_hours_defaults_callable"),
    ]

    operations = [migrations.RunPython(outbound_customer_fill, migrations.RunPython.noop, elidable=True)]
