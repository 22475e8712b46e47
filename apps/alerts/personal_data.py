from apps.alerts.models import Destination
from apps.core.personal_data import DataKind, PersonalField, personal_data_register

# An email destination lists staff addresses (a team's or a person's): about no customer.
# Events hold ids, scores, the touchpoint's and location's names and a link, never a comment or a
# customer's name (apps/alerts/services/events.py builds them), so AlertEvent.payload holds nothing to
# register; the outbox's copies of alert emails are registered with the outbox.
personal_data_register(Destination, customer=None, fields=[PersonalField("emails", DataKind.IDENTITY)])
