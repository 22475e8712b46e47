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
