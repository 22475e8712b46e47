"""Link the case emails already in the outbox to the case's customer (OutboundEmail.customer).

A case email links to its case ("/cases/<id>/" in its text); that case names the customer.
"""

import re

from django.db import migrations

CASE_LINK = re.compile(r"/cases/(\d+)/")


def outbound_customer_fill(apps, schema_editor):
    FollowUpCase = apps.get_model("cases", "FollowUpCase")
    OutboundEmail = apps.get_model("outbox", "OutboundEmail")
    emails = OutboundEmail.objects.filter(kind="case_assigned", customer__isnull=True).only("pk", "body_text")
    for email in emails.iterator(chunk_size=1000):
        found = CASE_LINK.search(email.body_text)
        if found is None:
            continue
        customer_id = FollowUpCase.objects.filter(pk=int(found.group(1))).values_list("customer_id", flat=True).first()
        if customer_id is not None:
            OutboundEmail.objects.filter(pk=email.pk).update(customer_id=customer_id)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_initial"),
        ("outbox", "0002_outboundemail_customer"),
    ]

    operations = [migrations.RunPython(outbound_customer_fill, migrations.RunPython.noop, elidable=True)]
