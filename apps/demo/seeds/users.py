"""Staff of the demo vehicle-inspection chain: one per role, the touchpoint owners and the frontline teams.

Three teams: the customer service desk and counter ("Asiakaspalvelu"), the inspectors
("Katsastajat") and the small station management team ("Asemajohto"). The two frontline
teams have at least three people who log encounters, so their perception gap can be
shown (it is reported per team only from three contributors up).
"""

from django.contrib.auth.hashers import make_password

from apps.accounts.models import Role, Team, User
from apps.accounts.selectors import user_by_email
from apps.demo.seeds.context import DemoContext

DEMO_PASSWORD = "kokeile-heti-2026"  # noqa: S105 - the published demo login

TEAM_SERVICE = "Asiakaspalvelu"
TEAM_INSPECTORS = "Katsastajat"
TEAM_MANAGEMENT = "Asemajohto"

DEMO_STAFF = [
    # key, email, name, role (the first three are the logins a newcomer is told about)
    ("admin", "admin@demo.kokemus.fi", "Aino Admin", Role.ADMIN),
    ("manager", "manager@demo.kokemus.fi", "Matti Manageri", Role.MANAGER),
    ("frontline", "frontline@demo.kokemus.fi", "Fanni Frontline", Role.FRONTLINE),
    ("cx_lead", "liisa.laatu@demo.kokemus.fi", "Liisa Laatu", Role.MANAGER),
    ("station_lead", "pekka.paakkonen@demo.kokemus.fi", "Pekka Pääkkönen", Role.MANAGER),
    ("inspector_1", "iida.inspehtori@demo.kokemus.fi", "Iida Inspehtori", Role.FRONTLINE),
    ("inspector_2", "kalle.katsastaja@demo.kokemus.fi", "Kalle Katsastaja", Role.FRONTLINE),
    ("service_desk", "saara.asiakaspalvelu@demo.kokemus.fi", "Saara Asiakaspalvelu", Role.FRONTLINE),
    ("front_desk", "tiina.toivonen@demo.kokemus.fi", "Tiina Toivonen", Role.FRONTLINE),
    ("phone_desk", "jonna.jarvinen@demo.kokemus.fi", "Jonna Järvinen", Role.FRONTLINE),
    ("inspector_3", "ville.vaisanen@demo.kokemus.fi", "Ville Väisänen", Role.FRONTLINE),
    ("inspector_4", "eero.eskola@demo.kokemus.fi", "Eero Eskola", Role.FRONTLINE),
]

DEMO_TEAMS = {
    TEAM_SERVICE: ["frontline", "service_desk", "front_desk", "phone_desk"],
    TEAM_INSPECTORS: ["inspector_1", "inspector_2", "inspector_3", "inspector_4"],
    TEAM_MANAGEMENT: ["station_lead", "cx_lead", "manager"],
}


def seed(*, context: DemoContext) -> None:
    # One hash for everyone: hashing is slow on purpose, and they all share the published password.
    password_hash = make_password(DEMO_PASSWORD)
    teams = {name: Team.objects.get_or_create(name=name)[0] for name in DEMO_TEAMS}
    team_of = {key: teams[name] for name, keys in DEMO_TEAMS.items() for key in keys}
    for key, email, name, role in DEMO_STAFF:
        user = user_by_email(email=email)
        if user is None:
            user = User(email=email, full_name=name, role=role, language="fi", password=password_hash)
            user.save()
        if key in team_of and user.team_id is None:
            user.team = team_of[key]
            user.save(update_fields=["team"])
        context.users[key] = user
