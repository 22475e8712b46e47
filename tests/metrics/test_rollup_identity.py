"""The incremental refresh and the full recompute give the same roll-ups, whatever happens in between."""

import datetime as dt
from random import Random
from typing import Any

import pytest
from django.db import connection

from apps.encounters.models import Encounter
from apps.metrics.models import DailyRollup, DirtyMark, PeriodRollup
from apps.metrics.services import metrics_recompute_full, metrics_refresh_dirty
from apps.surveys.models import Invitation, InvitationStatus, Response
from tests.factories import CustomerFactory, PersonaFactory, SegmentFactory, UserFactory
from tests.journeys.factories import map_build
from tests.metrics.factories import encounter_add, invitation_answer, invitation_deliver, scored_survey_build

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 1, 6, 0, tzinfo=dt.UTC)


def rollup_rows() -> list[tuple[Any, ...]]:
    """Every daily, weekly and monthly roll-up row, without ids, in a stable order."""
    rows: list[tuple[Any, ...]] = []
    for model in (DailyRollup, PeriodRollup):
        names = [f.attname for f in model._meta.fields if f.attname != "id"]
        rows.extend((model.__name__, *row) for row in model.objects.values_list(*names))
    return sorted(rows, key=repr)


def world_build(random: Random) -> dict[str, list[Any]]:
    paths = [
        map_build(name="Katsastus", stages={"Ennen": ["Varaus", "Saapuminen"], "Käynti": ["Tarkastus", "Maksu"]}),
        map_build(name="Huolto", stages={"Yhteys": ["Puhelu"], "Korjaus": ["Korjaus", "Nouto"]}),
    ]
    touchpoints = [tp for path in paths for stage in path.stages.all() for tp in stage.touchpoints.all()]
    personas = PersonaFactory.create_batch(3)
    segments = SegmentFactory.create_batch(2)
    customers = [
        CustomerFactory(persona=random.choice([None, *personas]), segment=random.choice([None, *segments]))
        for _ in range(25)
    ]
    staff = [UserFactory(role="frontline") for _ in range(4)]
    return {
        "touchpoints": touchpoints,
        "personas": personas,
        "segments": segments,
        "customers": customers,
        "staff": staff,
    }


def random_moment(random: Random) -> dt.datetime:
    # Spread over 40 days and all hours, so local-day edges around midnight are crossed.
    return START + dt.timedelta(minutes=random.randrange(0, 40 * 24 * 60))


def random_step(random: Random, world: dict[str, list[Any]], survey: Any) -> None:
    action = random.choices(
        ["visit", "visit_answered", "campaign_answer", "move", "persona", "feeling", "delete", "expire"],
        weights=[4, 6, 1, 1, 1, 1, 1, 1],
    )[0]
    if action in ("visit", "visit_answered"):
        at = random_moment(random)
        encounter = encounter_add(
            customer=random.choice(world["customers"]),
            touchpoint=random.choice(world["touchpoints"]),
            at=at,
            by=random.choice([None, *world["staff"]]),
            end_feeling=random.choice([None, -2, -1, 0, 1, 2]),
            peak_feeling=random.choice([None, -1, 2]),
            raised_to_management=random.random() < 0.1,
        )
        if action == "visit_answered" or random.random() < 0.5:
            invitation = invitation_deliver(
                survey=survey,
                customer=encounter.customer,
                encounter=encounter,
                at=at + dt.timedelta(hours=random.randrange(1, 30)),
            )
            if action == "visit_answered":
                invitation_answer(
                    invitation=invitation,
                    at=invitation.sent_at + dt.timedelta(hours=random.randrange(0, 72)),
                    scores={
                        "nps": random.choice([None, *range(11)]),
                        "csat": random.choice([None, 1, 2, 3, 4, 5]),
                        "ces": random.choice([None, *range(1, 8)]),
                    },
                )
    elif action == "campaign_answer":
        customer = random.choice(world["customers"])
        invitation = invitation_deliver(survey=survey, customer=customer, at=random_moment(random))
        invitation_answer(invitation=invitation, at=invitation.sent_at + dt.timedelta(days=1), scores={"nps": 9})
    elif action == "move":
        encounter = Encounter.objects.order_by("?").first()
        if encounter:
            encounter.touchpoint = random.choice(world["touchpoints"])
            encounter.occurred_at = random_moment(random)
            encounter.save()
    elif action == "persona":
        customer = random.choice(world["customers"])
        customer.persona = random.choice([None, *world["personas"]])
        customer.segment = random.choice([None, *world["segments"]])
        customer.save()
    elif action == "feeling":
        Encounter.objects.filter(pk__in=Encounter.objects.order_by("?").values("pk")[:1]).update(
            end_feeling=random.choice([None, -2, 2]), logged_by=random.choice([None, *world["staff"]])
        )
    elif action == "delete":
        response = Response.objects.order_by("?").first()
        if response:
            invitation = response.invitation
            response.delete()
            Invitation.objects.filter(pk=invitation.pk).update(status=InvitationStatus.SENT, answered_at=None)
    elif action == "expire":
        Invitation.objects.filter(pk__in=Invitation.objects.order_by("?").values("pk")[:1]).update(
            status=InvitationStatus.FAILED
        )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_incremental_refresh_equals_full_recompute_on_random_data(seed: int) -> None:
    random = Random(seed)
    world = world_build(random)
    survey = scored_survey_build()
    metrics_recompute_full()

    for _ in range(160):
        random_step(random, world, survey)
        if random.random() < 0.15:
            metrics_refresh_dirty(batch_size=random.choice([1, 3, 50]))
    metrics_refresh_dirty()
    assert not DirtyMark.objects.exists()
    incremental = rollup_rows()

    metrics_recompute_full()
    full = rollup_rows()

    assert len(full) > 50
    assert incremental == full


def test_rollups_follow_the_company_time_zone() -> None:
    """An answer at 23:30 UTC on 1 March is 2 March in Helsinki."""
    random = Random(4)
    world = world_build(random)
    survey = scored_survey_build()
    at = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)
    encounter = encounter_add(customer=world["customers"][0], touchpoint=world["touchpoints"][0], at=at)
    invitation_answer(
        invitation=invitation_deliver(survey=survey, customer=encounter.customer, encounter=encounter, at=at),
        at=at,
        scores={"nps": 10},
    )
    assert connection.tenant.time_zone == "Europe/Helsinki"

    metrics_refresh_dirty()

    row = DailyRollup.objects.get(grain="tp", touchpoint_id=world["touchpoints"][0].pk)
    assert row.day == dt.date(2026, 3, 2)
    assert (row.encounters, row.invitations_delivered, row.invitations_answered, row.nps_n, row.nps_promoters) == (
        1,
        1,
        1,
        1,
        1,
    )
