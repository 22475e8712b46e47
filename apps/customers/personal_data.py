from apps.customers.models import Customer, CustomerImport
from apps.privacy.registry import DataKind, PersonalField, personal_data_register

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
