from apps.core.personal_data import DataKind, PersonalField, personal_data_register
from apps.customers.models import ConsentEvent, Customer, CustomerImport

personal_data_register(
    Customer,
    customer="",
    fields=[
        PersonalField("full_name", DataKind.IDENTITY),
        PersonalField("email", DataKind.IDENTITY),
        PersonalField("phone", DataKind.IDENTITY),
        PersonalField("phone_normalized", DataKind.IDENTITY),
        PersonalField("external_id", DataKind.IDENTITY),
    ],
    activity="created_at",
)
# An uploaded customer file names many people: reached by age, not by person.
personal_data_register(
    CustomerImport,
    customer=None,
    fields=[
        PersonalField("content", DataKind.FILE, erased=b""),
        PersonalField("report", DataKind.FILE, erased={}),
        PersonalField("file_error", DataKind.FILE),
        PersonalField("commit_error", DataKind.FILE),
    ],
)
# The consent ledger holds no personal text (ids, times, codes): exported with the person,
# and kept by erasure as the proof of what they agreed to and when they said no.
personal_data_register(ConsentEvent, customer="customer", fields=[], activity="at")
