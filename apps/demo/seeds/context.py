from collections.abc import Callable
from dataclasses import dataclass, field
from random import Random

from apps.accounts.models import User
from apps.personas.models import BuyerPersona
from apps.tenants.models import Tenant


def _silent(message: str) -> None:
    return None


@dataclass
class DemoContext:
    tenant: Tenant
    random: Random
    users: dict[str, User] = field(default_factory=dict)
    personas: dict[str, BuyerPersona] = field(default_factory=dict)
    customers_seeded: int = 0
    say: Callable[[str], None] = _silent
