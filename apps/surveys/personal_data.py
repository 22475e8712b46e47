from apps.core.personal_data import DataKind, PersonalField, personal_data_register
from apps.surveys.models import Answer, Response

# `written_at`: when the text was written, for retention (the answer has no time of its own).
personal_data_register(
    Answer,
    customer="response__customer",
    fields=[PersonalField("text", DataKind.FREE_TEXT)],
    written_at="response__submitted_at",
)
# A response holds no text of its own; it is registered for its time, the customer's latest activity.
personal_data_register(Response, customer="customer", fields=[], activity="submitted_at")
