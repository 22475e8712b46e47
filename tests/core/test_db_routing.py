"""The replica router leaves everything on the primary unless a replica is configured and the read
is marked; the real replica's behaviour is in test_read_replica.py."""

import pytest
from django.db import transaction

from apps.core import db_routing
from apps.core.db_routing import ReplicaRouter, replica_reads
from apps.journeys.models import ServicePath

router = ReplicaRouter()


def test_without_a_replica_marked_reads_stay_on_the_primary(settings):
    assert "replica" not in settings.DATABASES
    with replica_reads():
        assert router.db_for_read(ServicePath) is None
    assert router.db_for_write(ServicePath) is None


@pytest.fixture
def replica_configured(monkeypatch):
    monkeypatch.setattr(db_routing, "replica_configured", lambda: True)


@pytest.mark.django_db
def test_inside_a_transaction_marked_reads_stay_on_the_primary(replica_configured):
    with transaction.atomic(), replica_reads():
        assert router.db_for_read(ServicePath) is None


def test_unmarked_reads_and_migrations_never_reach_the_replica(replica_configured):
    assert router.db_for_read(ServicePath) is None
    assert router.db_for_write(ServicePath) == "default"
    assert router.allow_migrate("replica", "journeys") is False
    assert router.allow_migrate("default", "journeys") is None


def test_the_mark_ends_with_its_block():
    @replica_reads()
    def marked() -> bool:
        from apps.core.db_routing import _replica_reads

        return _replica_reads.get()

    assert marked() is True
    from apps.core.db_routing import _replica_reads

    assert _replica_reads.get() is False
