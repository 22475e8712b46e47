from apps.cases.models import CaseEvent, FollowUpCase
from apps.core.personal_data import DataKind, PersonalField, personal_data_register

# A system reason (reason_code, reason_scores: "poor answer, NPS 2") is not about the person:
# it stays, so an erased customer's case still says why it was opened. A reason staff wrote
# (reason_text) may say anything about them, so it goes like their other notes.
personal_data_register(
    FollowUpCase,
    customer="customer",
    fields=[
        PersonalField("detail", DataKind.FREE_TEXT),
        PersonalField("resolution_note", DataKind.STAFF_NOTE),
        PersonalField("reason_text", DataKind.STAFF_NOTE),
    ],
    activity="created_at",
)
# `written_at`: when the note was written, for retention (a staff note is no activity of the customer).
personal_data_register(
    CaseEvent, customer="case__customer", fields=[PersonalField("note", DataKind.STAFF_NOTE)], written_at="at"
)
