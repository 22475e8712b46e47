"""Staff of the demo vehicle-inspection chain: one per role, plus the people who own touchpoints."""

from apps.accounts.models import Role, User
from apps.demo.seeds.context import DemoContext

DEMO_PASSWORD = "kokeile-heti-2026"  # noqa: S105 - the published demo login

DEMO_STAFF = [
    # key, email, name, role
    ("admin", "admin@demo.kokemus.fi", "Aino Admin", Role.ADMIN),
    ("manager", "manager@demo.kokemus.fi", "Matti Manageri", Role.MANAGER),
    ("frontline", "frontline@demo.kokemus.fi", "Fanni Frontline", Role.FRONTLINE),
    ("cx_lead", "liisa.laatu@demo.kokemus.fi", "Liisa Laatu", Role.MANAGER),
    ("station_lead", "pekka.paakkonen@demo.kokemus.fi", "Pekka Pääkkönen", Role.MANAGER),
    ("inspector_1", "iida.inspehtori@demo.kokemus.fi", "Iida Inspehtori", Role.FRONTLINE),
    ("inspector_2", "kalle.katsastaja@demo.kokemus.fi", "Kalle Katsastaja", Role.FRONTLINE),
    ("service_desk", "saara.asiakaspalvelu@demo.kokemus.fi", "Saara Asiakaspalvelu", Role.FRONTLINE),
]


def seed(*, context: DemoContext) -> None:
    for key, email, name, role in DEMO_STAFF:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=DEMO_PASSWORD, full_name=name, role=role, language="fi"
            )
        context.users[key] = user
