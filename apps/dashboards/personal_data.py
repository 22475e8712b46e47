from apps.core.personal_data import DataKind, PersonalField, personal_data_register
from apps.dashboards.models import DigestExternalRecipient

# The digest's addresses without an account are staff's or partners' (a board member, an owner), about
# no customer; an admin erases one by removing it from the list (docs/leadership-report.md).
personal_data_register(DigestExternalRecipient, customer=None, fields=[PersonalField("email", DataKind.IDENTITY)])
