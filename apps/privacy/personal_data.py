from apps.core.personal_data import DataKind, PersonalField, personal_data_register
from apps.privacy.models import PersonalDataExport

# A prepared export is a copy of everything about the customer; it expires after PERSONAL_DATA_EXPORT_TTL.
personal_data_register(
    PersonalDataExport, customer="customer", fields=[PersonalField("content", DataKind.FILE, erased=b"")]
)
