from dataclasses import dataclass, field
from random import Random

from apps.accounts.models import User
from apps.tenants.models import Tenant


@dataclass
class DemoContext:
    tenant: Tenant
    random: Random
    users: dict[str, User] = field(default_factory=dict)
