# The SMS provider's webhooks: delivery reports (apps.outbox) and replies (here), one address each per company.
from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from apps.customers.sms_views import SmsInboundWebhookView
from apps.outbox.views import SmsStatusWebhookView

app_name = "sms_webhooks"


def _public(view_class: type) -> object:
    return login_not_required(csrf_exempt(view_class.as_view()))


# Public: the SMS provider calls these without an account; the company's secret in the path is the key.
urlpatterns = [
    path("<str:secret>/status/", _public(SmsStatusWebhookView), name="status"),
    path("<str:secret>/inbound/", _public(SmsInboundWebhookView), name="inbound"),
]
