from random import Random

import pytest

from apps.demo.seeds import journeys, users
from apps.demo.seeds.context import DemoContext
from apps.journeys.models import OwnershipChange, ServicePath, Touchpoint

pytestmark = pytest.mark.django_db


def test_demo_paths_are_realistic_and_idempotent(tenant_alpha):
    context = DemoContext(tenant=tenant_alpha, random=Random(1))
    users.seed(context=context)
    journeys.seed(context=context)
    journeys.seed(context=context)

    assert sorted(ServicePath.objects.values_list("name", flat=True)) == ["Määräaikaiskatsastus", "Reklamaatio"]
    inspection = ServicePath.objects.get(name="Määräaikaiskatsastus")
    assert list(inspection.stages.values_list("name", flat=True)) == [
        "Ajanvaraus",
        "Saapuminen",
        "Odotus",
        "Katsastus",
        "Tulos",
        "Jälkihoito",
    ]
    touchpoints = Touchpoint.objects.filter(stage__path=inspection)
    assert touchpoints.count() == 13
    assert touchpoints.filter(owner__isnull=True).count() == 3
    assert touchpoints.filter(is_end=True).count() == 1
    assert touchpoints.filter(is_peak=True).count() >= 1
    assert all(touchpoint.intended_experience for touchpoint in touchpoints)
    assert OwnershipChange.objects.filter(changed_by=context.users["cx_lead"]).exists()
