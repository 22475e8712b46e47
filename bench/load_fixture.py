"""What the load run's simulated users need from the seeded demo company, for bench/load.py.

    python bench/load_fixture.py --invitations 3000 --out FILE

Run by bench/load.py with the run's environment (its database and SECRET_KEY), after
`demo_seed`. Writes open survey invitations in bulk, one per link a customer will
answer: each follows an encounter logged one to three days ago at a touchpoint that
has a follow-up survey, and its email went out two hours after it, as the sender
would have left them (status sent, a sent initial email, the link valid for the
company's `link_valid_days`). The link tokens are derived from the nonces with the
run's SECRET_KEY, so only this process and the server know them.

Writes a JSON file with the tokens, the service path and touchpoint ids the managers
open, customers the frontline picks (ids and search words) and the logins.
"""

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from random import Random

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings.production")

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from apps.accounts.models import Role, User  # noqa: E402
from apps.customers.models import Customer  # noqa: E402
from apps.demo.seeds.users import DEMO_PASSWORD  # noqa: E402
from apps.demo.services import DEMO_SLUG  # noqa: E402
from apps.encounters.models import Encounter, Outcome  # noqa: E402
from apps.journeys.models import ServicePath, Touchpoint  # noqa: E402
from apps.surveys.models import (  # noqa: E402
    EmailKind,
    EmailStatus,
    Invitation,
    InvitationEmail,
    InvitationStatus,
    TouchpointSurvey,
)
from apps.surveys.selectors import survey_settings_get  # noqa: E402
from apps.surveys.tokens import token_for, token_hash, token_nonce_new  # noqa: E402

BATCH = 1000
SEARCH_CUSTOMERS = 200


def invitations_open(*, count: int, random: Random) -> list[str]:
    """`count` answerable invitations with their encounters; returns their link tokens."""
    follow_ups = list(
        TouchpointSurvey.objects.filter(
            touchpoint__stage__path__archived_at__isnull=True, survey__is_active=True
        ).select_related("touchpoint", "survey")
    )
    customers = list(Customer.objects.exclude(email="").filter(unsubscribed=False))
    staff = list(User.objects.filter(role=Role.FRONTLINE, is_active=True))
    link_valid_days = survey_settings_get().link_valid_days
    now = timezone.now()
    encounters, invitations, tokens = [], [], []
    for _number in range(count):
        follow_up = random.choice(follow_ups)
        customer = random.choice(customers)
        occurred_at = now - dt.timedelta(minutes=random.randint(24 * 60, 3 * 24 * 60))
        sent_at = occurred_at + dt.timedelta(hours=2)
        encounter = Encounter(
            customer=customer,
            touchpoint=follow_up.touchpoint,
            logged_by=random.choice(staff),
            occurred_at=occurred_at,
            outcome=Outcome.RESOLVED,
            peak_feeling=random.choice([0, 1, 1, 2]),
            end_feeling=random.choice([0, 1, 2, 2]),
            survey_agreed=True,
        )
        nonce = token_nonce_new()
        token = token_for(nonce)
        encounters.append(encounter)
        tokens.append(token)
        invitations.append(
            Invitation(
                survey=follow_up.survey,
                customer=customer,
                encounter=encounter,
                touchpoint=follow_up.touchpoint,
                language=customer.language,
                status=InvitationStatus.SENT,
                token_nonce=nonce,
                token_hash=token_hash(token),
                sent_at=sent_at,
                expires_at=sent_at + dt.timedelta(days=link_valid_days),
            )
        )
    with transaction.atomic():
        Encounter.objects.bulk_create(encounters, batch_size=BATCH)
        for invitation in invitations:
            invitation.encounter_id = invitation.encounter.pk
        Invitation.objects.bulk_create(invitations, batch_size=BATCH)
        InvitationEmail.objects.bulk_create(
            [
                InvitationEmail(
                    invitation=invitation,
                    kind=EmailKind.INITIAL,
                    status=EmailStatus.SENT,
                    due_at=invitation.sent_at,
                    sent_at=invitation.sent_at,
                )
                for invitation in invitations
            ],
            batch_size=BATCH,
        )
    return tokens


def fixture_build(*, invitations: int) -> dict[str, object]:
    random = Random(10)
    with schema_context(DEMO_SLUG):
        tokens = invitations_open(count=invitations, random=random)
        customers = list(Customer.objects.exclude(full_name="").order_by("pk").values("pk", "full_name"))
        picked = random.sample(customers, min(SEARCH_CUSTOMERS, len(customers)))
        staff = User.objects.filter(is_active=True).order_by("email")
        paths = ServicePath.objects.filter(archived_at__isnull=True).order_by("pk")
        touchpoints = Touchpoint.objects.filter(stage__path__archived_at__isnull=True).order_by("pk")
        return {
            "password": DEMO_PASSWORD,
            "managers": list(staff.filter(role__in=[Role.MANAGER, Role.ADMIN]).values_list("email", flat=True)),
            "frontline": list(staff.filter(role=Role.FRONTLINE).values_list("email", flat=True)),
            "paths": list(paths.values_list("pk", flat=True)),
            "touchpoints": list(touchpoints.values_list("pk", flat=True)),
            "customers": [customer["pk"] for customer in picked],
            # The frontline types a surname into the type-ahead, as at the counter.
            "search_words": sorted({customer["full_name"].split()[-1] for customer in picked}),
            "tokens": tokens,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invitations", type=int, required=True, help="open survey links to write")
    parser.add_argument("--out", type=Path, required=True, help="the JSON file to write")
    args = parser.parse_args()
    fixture = fixture_build(invitations=args.invitations)
    args.out.write_text(json.dumps(fixture))
    print(f"{len(fixture['tokens'])} open survey links, {len(fixture['customers'])} customers to pick from.")


if __name__ == "__main__":
    main()
