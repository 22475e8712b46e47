"""The SMS provider's calls to us: delivery reports and replies, each to the company's own address.

The provider is told one address per company, on the company's domain, with a secret in
the path (GatewayAPI's webhooks carry no signature we could check without a per-account
JWT secret, and a secret in the URL is what its docs suggest besides). The secret is
derived from SECRET_KEY and the company's schema, so it needs no storage, differs for
every company, and a company's secret is refused on another company's domain: a call
reaches only the rows of the company its domain names.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import connection
from django.urls import reverse

_CONTEXT = b"kokemus.sms-webhook.v1:"


def sms_webhook_secret(*, schema_name: str | None = None) -> str:
    schema = schema_name or connection.schema_name
    return hmac.new(settings.SECRET_KEY.encode(), _CONTEXT + schema.encode(), hashlib.sha256).hexdigest()[:40]


def sms_webhook_secret_check(secret: str) -> bool:
    return hmac.compare_digest(secret.encode(), sms_webhook_secret().encode())


def sms_webhook_path(name: str) -> str:
    """The path (without the site) of this company's "status" or "inbound" webhook."""
    return reverse(f"sms_webhooks:{name}", kwargs={"secret": sms_webhook_secret()})
