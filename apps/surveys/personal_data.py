from apps.privacy.registry import DataKind, PersonalField, personal_data_register
from apps.surveys.models import Answer, Response

personal_data_register(Answer, customer="response__customer", fields=[PersonalField("text", DataKind.FREE_TEXT)])
# A response holds no text of its own; it is registered for its time, the customer's latest activity.
personal_data_register(Response, customer="customer", fields=[], activity="submitted_at")
