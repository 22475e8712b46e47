"""The SMS provider's inbound webhook: replies to the company's text messages (see apps.customers.sms_replies)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import View

from apps.customers.sms_replies import customer_sms_reply_record
from apps.outbox.views import webhook_json


class SmsInboundWebhookView(View):
    """POST a GatewayAPI inbound message: {"id", "msisdn", "receiver", "message", "senttime", ...}."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, secret: str) -> HttpResponse:
        body, refused = webhook_json(request, secret)
        if refused is not None:
            return refused
        sender, text = body.get("msisdn"), body.get("message")
        if not isinstance(sender, str | int) or not isinstance(text, str):
            return JsonResponse({"error": "msisdn and message are required"}, status=400)
        stopped = customer_sms_reply_record(sender=str(sender), text=text)
        return JsonResponse({"stopped": stopped})
