from apps.encounters.models import Encounter
from apps.privacy.registry import DataKind, PersonalField, personal_data_register

personal_data_register(
    Encounter,
    customer="customer",
    fields=[
        PersonalField("note", DataKind.STAFF_NOTE),
        PersonalField("external_id", DataKind.IDENTITY),
    ],
    activity="occurred_at",
)
