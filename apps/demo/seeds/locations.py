"""The demo chain's stations: three regions, six inspection stations, who works where, and the station
of every demo encounter.

Runs after the encounters and only fills in encounters without a station, so the year's figures
(scores, counts, cases) are the same as without locations; which station an encounter was at follows
from who logged it, without a random draw, so nothing else in the seed shifts.
"""

from django.db.models import F

from apps.demo.seeds.context import DemoContext
from apps.encounters.models import Encounter
from apps.locations.models import Location, LocationMembership, Region

# code, name, region path, address, city
STATIONS = [
    ("HKI1", "Kivi Konala", ("Uusimaa", "Helsinki"), "Ristipellontie 20", "Helsinki"),
    ("HKI2", "Kivi Herttoniemi", ("Uusimaa", "Helsinki"), "Kirvesmiehenkatu 4", "Helsinki"),
    ("ESP1", "Kivi Niittykumpu", ("Uusimaa", "Espoo"), "Niittyportti 2", "Espoo"),
    ("VAN1", "Kivi Tikkurila", ("Uusimaa", "Vantaa"), "Valimotie 11", "Vantaa"),
    ("TRE1", "Kivi Hervanta", ("Pirkanmaa", "Tampere"), "Insinöörinkatu 40", "Tampere"),
    ("TKU1", "Kivi Kupittaa", ("Varsinais-Suomi", "Turku"), "Lemminkäisenkatu 9", "Turku"),
]

# Who works where (users.DEMO_STAFF keys). The first login, Fanni, has one station, so the phone form
# preselects it; the station lead runs two; the chain's managers and admin belong to none.
MEMBERSHIPS = {
    "frontline": ["HKI1"],
    "service_desk": ["HKI1"],
    "inspector_1": ["HKI1"],
    "front_desk": ["HKI2"],
    "inspector_2": ["HKI2", "VAN1"],
    "phone_desk": ["ESP1", "VAN1"],
    "inspector_3": ["TRE1", "ESP1"],
    "inspector_4": ["TKU1"],
    "station_lead": ["HKI1", "HKI2"],
}


def _region(path: tuple[str, ...]) -> Region:
    parent: Region | None = None
    for name in path:
        parent, _created = Region.objects.get_or_create(name=name, parent=parent)
    assert parent is not None
    return parent


def seed(*, context: DemoContext) -> None:
    stations: dict[str, Location] = {}
    for code, name, path, address, city in STATIONS:
        stations[code], _created = Location.objects.get_or_create(
            code=code, defaults={"name": name, "region": _region(path), "address": address, "city": city}
        )
    for key, codes in MEMBERSHIPS.items():
        user = context.users.get(key)
        if user is None:
            continue
        for code in codes:
            LocationMembership.objects.get_or_create(location=stations[code], user=user)
        # An employee of several stations logged at each in turn (by the encounter's id).
        unplaced = Encounter.objects.filter(logged_by=user, location__isnull=True)
        for index, code in enumerate(codes):
            unplaced.annotate(turn=F("id") % len(codes)).filter(turn=index).update(location=stations[code])
    # The rest (integrations, and managers serving at the counter) spread over the whole chain.
    everywhere = list(stations.values())
    unplaced = Encounter.objects.filter(location__isnull=True)
    for index, station in enumerate(everywhere):
        unplaced.annotate(turn=F("id") % len(everywhere)).filter(turn=index).update(location=station)
