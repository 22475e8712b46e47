from apps.outbox.models import OutboundEmail
from apps.privacy.registry import DataKind, PersonalField, personal_data_register

# An email names its recipient and often the customer it is about; the outbox does
# not know which customer that is, so erasure finds these rows by their text and
# retention by their age.
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
