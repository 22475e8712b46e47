"""Handing a webhook to its receiver: the address check (SSRF), the Standard Webhooks signature, the POST.

A webhook row of the outbox (channel "webhook") holds the JSON body it sends and, in its
headers, the id the receiver deduplicates by (`webhook_id`): the same on every try and on a
replay. Where it goes, and with which secret, the kind that queued it answers at every try
(`OutboxKind.webhook_target`), so a regenerated secret or a corrected address applies to the
retries too, and no secret is copied into the outbox.

Signed targets follow the Standard Webhooks specification (https://www.standardwebhooks.com/),
signed with its maintained library: headers `webhook-id`, `webhook-timestamp` (the time of
this try, which receivers check against replays of old requests) and `webhook-signature`
(`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`). Slack and Teams incoming webhooks take
no signature; their secret is the URL itself.

A 2xx answer is delivered; a 4xx other than 408 and 429 will not change on a retry (the
receiver refused it), so it fails at once; anything else (5xx, 408, 429, a timeout, a refused
connection) is retried with the outbox's backoff.
"""

import datetime as dt
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from standardwebhooks.webhooks import Webhook


@dataclass(frozen=True)
class WebhookTarget:
    url: str
    # "whsec_..." for a Standard Webhooks receiver; "" for one that takes no signature (Slack, Teams).
    secret: str = ""


class WebhookTemporaryError(Exception):
    """The receiver could not take the call now; a later try may succeed."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class WebhookRejectedError(Exception):
    """The receiver refused the call, or the target may not be called; trying again will not help."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


def _address_is_local(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return not ip.is_global or ip.is_multicast


def webhook_url_problem(url: str, *, resolve: bool = True) -> str:
    """Why `url` may not be a webhook target ("" when it may).

    Unless WEBHOOK_ALLOW_LOCAL (development), only https to a name whose every address is
    public: a company could otherwise make our servers call their own internal network
    (server-side request forgery). `resolve` also looks the name up; the send checks again,
    since a name can point elsewhere later.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return _("Enter a full web address starting with https://.")
    if parts.username or parts.password:
        return _("The address may not contain a user name or password.")
    if settings.WEBHOOK_ALLOW_LOCAL:
        return ""
    if parts.scheme != "https":
        return _("The address must start with https://.")
    host = parts.hostname
    try:
        addresses = [host] if _is_ip(host) else ([] if not resolve else _resolve(host, parts.port))
    except OSError:
        return _("The address's server name could not be found.")
    if any(_address_is_local(address) for address in addresses):
        return _("The address points to a private or local network, which webhooks may not call.")
    return ""


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _resolve(host: str, port: int | None) -> list[str]:
    return sorted({info[4][0] for info in socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)})


def webhook_headers(*, target: WebhookTarget, webhook_id: str, body: str, at: dt.datetime) -> dict[str, str]:
    headers = {"Content-Type": "application/json", "User-Agent": "Kokemus-Webhooks/1"}
    if target.secret:
        signature = Webhook(target.secret).sign(msg_id=webhook_id, timestamp=at.astimezone(dt.UTC), data=body)
        headers.update(
            {
                "webhook-id": webhook_id,
                "webhook-timestamp": str(int(at.timestamp())),
                "webhook-signature": signature,
            }
        )
    return headers


def webhook_post(*, target: WebhookTarget, webhook_id: str, body: str, at: dt.datetime) -> int:
    """POST `body` to the target; returns the receiver's 2xx status, or raises one of the errors above."""
    problem = webhook_url_problem(target.url)
    if problem:
        raise WebhookRejectedError(problem)
    headers = webhook_headers(target=target, webhook_id=webhook_id, body=body, at=at)
    timeout = settings.WEBHOOK_TIMEOUT_SECONDS
    try:
        response = requests.post(
            target.url,
            data=body.encode(),
            headers=headers,
            timeout=(min(timeout, 5), timeout),
            allow_redirects=False,  # a redirect could lead past the address check
        )
    except requests.RequestException as error:
        raise WebhookTemporaryError(f"{type(error).__name__}: {error}") from error
    code = response.status_code
    if 200 <= code < 300:
        return code
    message = f"HTTP {code}: {response.text[:200]}"
    if 400 <= code < 500 and code not in (408, 429):
        raise WebhookRejectedError(message, status_code=code)
    raise WebhookTemporaryError(message, status_code=code)
