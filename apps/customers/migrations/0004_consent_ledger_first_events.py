"""The consent wording every company starts with, and each customer's consent as their first ledger events.

Before the ledger a customer's consent was only its current state on the Customer row. Each
consenting customer gets a "given" event at consent_given_at through consent_source, and each
unsubscribed one an "unsubscribed" event at unsubscribed_at; both marked `migrated` and tied to
wording version 1, the text the encounter form and the survey pages have always stood for. A
channel or time the columns did not keep is "not recorded" and the row's creation (or last
change) time. The columns themselves are left as they are: the events replay to exactly them.
"""

from django.db import migrations
from django.db.models import Q

BATCH_SIZE = 2000

# What the frontline staff ask ("the customer agreed to a follow-up survey") and what every
# survey email's unsubscribe link lets the customer take back.
WORDING_1_FI = (
    "Suostun siihen, että minulle lähetetään sähköpostitse lyhyitä palautekyselyjä asioinnin jälkeen. "
    "Voin perua suostumukseni milloin tahansa kyselyviestissä olevasta linkistä."
)
WORDING_1_EN = (
    "I agree to receive short feedback surveys by email after my visits. "
    "I can withdraw my consent at any time through the link in any survey email."
)
UNRECORDED = "unrecorded"


def consent_ledger_from_columns(apps, schema_editor) -> None:  # noqa: ANN001 - a migration's signature
    Customer = apps.get_model("customers", "Customer")
    ConsentEvent = apps.get_model("customers", "ConsentEvent")
    ConsentWording = apps.get_model("customers", "ConsentWording")

    wording = ConsentWording.objects.filter(version=1).first()
    if wording is None:
        wording = ConsentWording.objects.create(version=1, text_fi=WORDING_1_FI, text_en=WORDING_1_EN)
    already = set(ConsentEvent.objects.values_list("customer_id", flat=True).distinct())
    customers = (
        Customer.objects.filter(Q(survey_consent=True) | Q(unsubscribed=True))
        .order_by("id")
        .values_list(
            "id",
            "survey_consent",
            "consent_given_at",
            "consent_source",
            "unsubscribed",
            "unsubscribed_at",
            "created_at",
            "updated_at",
        )
    )
    events = []
    for pk, consent, given_at, source, unsubscribed, unsubscribed_at, created_at, updated_at in customers.iterator():
        if pk in already:
            continue
        if consent:
            events.append(
                ConsentEvent(
                    customer_id=pk,
                    kind="given",
                    at=given_at or created_at,
                    source=source or UNRECORDED,
                    wording=wording,
                    migrated=True,
                )
            )
        if unsubscribed:
            events.append(
                ConsentEvent(
                    customer_id=pk,
                    kind="unsubscribed",
                    at=unsubscribed_at or updated_at,
                    source=UNRECORDED,
                    wording=wording,
                    migrated=True,
                )
            )
        if len(events) >= BATCH_SIZE:
            ConsentEvent.objects.bulk_create(events)
            events = []
    ConsentEvent.objects.bulk_create(events)


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_consent_ledger")]

    operations = [migrations.RunPython(consent_ledger_from_columns, migrations.RunPython.noop)]
