"""Development settings: scripts/dev.py runs the app with these."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = ["*"]
SITE_SCHEME = env("SITE_SCHEME", default="http")
SITE_PORT = env("SITE_PORT", default="8000")
# Text messages land in the mail catcher, beside the emails (docs/sms.md).
SMS_BACKEND = env("SMS_BACKEND", default="apps.outbox.sms_backends.CatcherBackend")
