"""Test settings: the real PostgreSQL and Redis, fast password hashing, mail kept in memory."""

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = env("TEST_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
WEBHOOK_ALLOW_LOCAL = env.bool("WEBHOOK_ALLOW_LOCAL", default=True)  # the tests' receivers listen on 127.0.0.1
SMS_BACKEND = env("TEST_SMS_BACKEND", default="apps.outbox.sms_backends.LocmemBackend")
# The test Celery worker (tests/celery_worker.py) writes its mail to files here.
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=None)
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default=f"test_{DATABASES['default']['NAME']}")}
CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", default="cxtest")
# No provider rate in tests (tests/surveys/test_sending_batch.py sets one where it is the subject).
EMAIL_SEND_RATE_PER_SECOND = env.float("EMAIL_SEND_RATE_PER_SECOND", default=0)
SMS_SEND_RATE_PER_SECOND = env.float("SMS_SEND_RATE_PER_SECOND", default=0)
