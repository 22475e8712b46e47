"""The SMS provider's delivery reports (public by design: the provider has no account; see webhooks.py)."""

import datetime as dt
import json
import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views import View

from apps.outbox.services import outbound_sms_report_record
from apps.outbox.webhooks import sms_webhook_secret_check

logger = logging.getLogger(__name__)


def webhook_json(request: HttpRequest, secret: str) -> tuple[dict | None, HttpResponse | None]:
    """The JSON body of a provider's call, or the response that refuses it (a wrong secret, bad JSON)."""
    if not sms_webhook_secret_check(secret):
        return None, JsonResponse({"error": "not found"}, status=404)
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        return None, JsonResponse({"error": "the body is not JSON"}, status=400)
    if not isinstance(body, dict):
        return None, JsonResponse({"error": "the body is not a JSON object"}, status=400)
    return body, None


class SmsStatusWebhookView(View):
    """POST a GatewayAPI delivery report: {"id", "msisdn", "time", "status", "error", "userref", ...}."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, secret: str) -> HttpResponse:
        body, refused = webhook_json(request, secret)
        if refused is not None:
            return refused
        status = body.get("status")
        if not isinstance(status, str) or not status:
            return JsonResponse({"error": "status is missing"}, status=400)
        try:
            at = dt.datetime.fromtimestamp(float(body["time"]), tz=dt.UTC)
        except (KeyError, TypeError, ValueError, OverflowError, OSError):
            at = None  # no time, or none a clock can hold: the time the report came
        detail = " ".join(str(body[key]) for key in ("code", "error") if body.get(key))
        found = outbound_sms_report_record(
            provider_ref=str(body.get("id") or ""),
            reference=str(body.get("userref") or ""),
            state=status,
            detail=detail,
            at=min(at, timezone.now()) if at else None,
        )
        if not found:
            # Not this company's (or long removed): a 2xx all the same, or the provider retries it for a day.
            logger.info("an SMS delivery report matched no message of this company")
        return JsonResponse({"recorded": found})
