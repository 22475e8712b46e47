from apps.cases.models import CaseEvent, FollowUpCase
from apps.privacy.registry import DataKind, PersonalField, personal_data_register

personal_data_register(
    FollowUpCase,
    customer="customer",
    fields=[
        PersonalField("reason", DataKind.STAFF_NOTE),
        PersonalField("detail", DataKind.FREE_TEXT),
        PersonalField("resolution_note", DataKind.STAFF_NOTE),
    ],
    activity="created_at",
)
# `written_at`: when the note was written, for retention (a staff note is no activity of the customer).
personal_data_register(
    CaseEvent, customer="case__customer", fields=[PersonalField("note", DataKind.STAFF_NOTE)], written_at="at"
)
