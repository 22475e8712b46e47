from apps.core.personal_data import DataKind, PersonalField, personal_data_register
from apps.outbox.models import OutboundEmail

# An email names its recipient and often the customer it is about. Survey and case
# emails carry a link to their customer (OutboundEmail.customer), which erasure uses
# with a text search for older and unlinked ones (apps/privacy/erasure.py); retention
# reaches every email by its age.
personal_data_register(
    OutboundEmail,
    customer=None,
    fields=[
        PersonalField("recipient", DataKind.MESSAGE),
        PersonalField("subject", DataKind.MESSAGE),
        PersonalField("body_text", DataKind.MESSAGE),
        PersonalField("body_html", DataKind.MESSAGE),
        PersonalField("headers", DataKind.MESSAGE, erased={}),
    ],
)
