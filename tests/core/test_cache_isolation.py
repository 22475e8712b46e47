"""The cache (real Redis) keeps each company's entries to itself."""

import uuid

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django_tenants.utils import schema_context

pytestmark = pytest.mark.django_db


@pytest.fixture
def key():
    key = f"isolation-{uuid.uuid4().hex}"
    yield key
    for schema in ("alpha", "beta", "public"):
        with schema_context(schema):
            cache.delete(key)


def test_an_entry_written_for_one_company_is_invisible_to_another(key):
    with schema_context("alpha"):
        cache.set(key, "alpha's secret", 60)
    with schema_context("beta"):
        assert cache.get(key) is None
        cache.set(key, "beta's own", 60)
    with schema_context("public"):
        assert cache.get(key) is None
    with schema_context("alpha"):
        assert cache.get(key) == "alpha's secret"


def test_keys_in_redis_carry_the_schema(key):
    with schema_context("beta"):
        cache.set(key, 1, 60)
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        stored = [k.decode() for k in client.scan_iter(match=f"*{key}")]
    finally:
        client.close()
    assert stored == [f"beta:{settings.CACHES['default']['KEY_PREFIX']}:1:{key}"]


def test_every_cache_carries_the_schema_in_its_keys():
    for alias, config in settings.CACHES.items():
        assert config.get("KEY_FUNCTION") == "django_tenants.cache.make_key", alias
        assert config.get("REVERSE_KEY_FUNCTION") == "django_tenants.cache.reverse_key", alias


def test_what_a_request_caches_carries_the_company_of_its_host(client_for):
    """The token endpoint's throttle counts in the cache: on alpha's host, under alpha's keys only."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    pattern = f"*:{settings.CACHES['default']['KEY_PREFIX']}:1:throttle_*"
    try:
        for stale in client.scan_iter(match=pattern):
            client.delete(stale)
        wrong = {"email": "nobody@alpha.example", "password": "not-it"}
        assert client_for().post("/api/v1/auth/token/", wrong, content_type="application/json").status_code == 400
        written = [key.decode() for key in client.scan_iter(match=pattern)]
        for key in written:
            client.delete(key)
    finally:
        client.close()
    assert written, "the request cached nothing; pick a request that does"
    assert all(key.startswith("alpha:") for key in written), written
