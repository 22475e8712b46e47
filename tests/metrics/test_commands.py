"""manage.py metrics_recompute: one company or all, with progress."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.metrics.models import DailyRollup
from tests.factories import CustomerFactory
from tests.journeys.factories import map_build, touchpoint_named
from tests.metrics.factories import encounter_add

pytestmark = pytest.mark.django_db


def test_recompute_one_company_rebuilds_its_rollups() -> None:
    path = map_build(name="Katsastus", stages={"Käynti": ["Tarkastus"]})
    customer = CustomerFactory(full_name="Anna", email="anna@example.fi")
    encounter_add(
        customer=customer, touchpoint=touchpoint_named(path, "Tarkastus"), at=dt.datetime(2026, 9, 7, tzinfo=dt.UTC)
    )
    out = StringIO()
    call_command("metrics_recompute", "--company", "alpha", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("1/1 alpha: ") and lines[0].endswith(" s")
    assert lines[-1].startswith("Recomputed 1 company, ")
    assert DailyRollup.objects.filter(day=dt.date(2026, 9, 7), grain="tp").get().encounters == 1


def test_recompute_all_lists_every_company() -> None:
    out = StringIO()
    call_command("metrics_recompute", "--all", stdout=out)
    text = out.getvalue()
    assert " alpha: " in text and " beta: " in text and "Recomputed" in text


def test_unknown_company_and_missing_target_are_refused() -> None:
    with pytest.raises(CommandError):
        call_command("metrics_recompute", "--company", "gamma")
    with pytest.raises(CommandError):
        call_command("metrics_recompute")
