from apps.core.personal_data import DataKind, PersonalField, personal_data_register
from apps.encounters.models import Encounter

personal_data_register(
    Encounter,
    customer="customer",
    fields=[
        PersonalField("note", DataKind.STAFF_NOTE),
        PersonalField("external_id", DataKind.IDENTITY),
    ],
    activity="occurred_at",
)
