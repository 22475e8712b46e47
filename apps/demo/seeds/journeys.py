"""Service paths of the demo inspection chain (seed 000): the periodic inspection and a complaint.

Owners sit on most touchpoints but not all: the unowned ones show up as defects on
the ownership page, and one touchpoint has no intended experience written, so the
maturity page has ad hoc touchpoints to explain. Everything is written through the
journeys services, so the positions, the end-moment rule and the ownership history
hold as in real use; the maps are then dated to before the demo's year of encounters,
and the waiting room got its owner only in the spring.
"""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from apps.demo.seeds.context import DemoContext
from apps.journeys.models import OwnershipChange, ServicePath, Stage, Touchpoint
from apps.journeys.services.ownership import touchpoint_assign_owner
from apps.journeys.services.paths import path_create
from apps.journeys.services.stages import stage_add
from apps.journeys.services.touchpoints import touchpoint_add

# The maps were drawn this long before the demo's "now", before its year of encounters.
MAPPED_DAYS_AGO = 400
# Touchpoints that got their owner later (days before "now"): ad hoc before, designed since.
LATE_OWNERS = {"Odotustila": 200}

# (stage, [touchpoint, ...]); a touchpoint: name, channel, does, thinks, feels, what good looks like,
# planned emotion, flags ("peak", "end"), target NPS, owner key, backup key.
INSPECTION = (
    "Määräaikaiskatsastus",
    "Henkilöauton määräaikaiskatsastus muistutuksesta jälkitarkastukseen. Asiakas haluaa auton katsastettua "
    "vaivatta ja tietää, mitä autolle pitää tehdä.",
    [
        (
            "Ajanvaraus",
            [
                (
                    "Muistutus katsastuksesta",
                    "email",
                    "Saa sähköpostin, että auton määräaikaiskatsastus lähestyy.",
                    "Ai niin, se on taas se aika vuodesta.",
                    "Pientä harmitusta: yksi asia lisää kalenteriin.",
                    "Muistutus tulee kolme viikkoa ennen eräpäivää, kertoo hinnan ja vie yhdellä napautuksella "
                    "varaukseen.",
                    0,
                    (),
                    20,
                    "cx_lead",
                    None,
                ),
                (
                    "Verkkoajanvaraus",
                    "web",
                    "Valitsee aseman ja ajan puhelimella ja maksaa ennakkoon.",
                    "Löytyykö aikaa ennen töitä?",
                    "Helpottunut, kun vapaa aika löytyy heti huomiselle.",
                    "Varaus onnistuu alle kahdessa minuutissa ilman kirjautumista; vahvistus ja kalenterikutsu "
                    "tulevat heti.",
                    1,
                    (),
                    40,
                    "service_desk",
                    "cx_lead",
                ),
                (
                    "Ajanvaraus puhelimessa",
                    "phone",
                    "Soittaa asiakaspalveluun, koska verkkovaraus tuntuu hankalalta.",
                    "Joudunko taas jonottamaan?",
                    "Kärsimätön.",
                    "Puheluun vastataan minuutissa; palvelija varaa ajan ja kertoo, mitä mukaan tarvitaan.",
                    0,
                    (),
                    30,
                    "service_desk",
                    None,
                ),
            ],
        ),
        (
            "Saapuminen",
            [
                (
                    "Pysäköinti ja opasteet",
                    "store",
                    "Etsii asemaa ja oikeaa kaistaa pihalla.",
                    "Mihin tässä pitää ajaa?",
                    "Epävarma ja vähän hermostunut.",
                    "Selkeät opasteet tieltä katsastuskaistalle; vapaa asiakaspaikka oven vieressä.",
                    -1,
                    (),
                    None,
                    None,
                    None,
                ),
                (
                    "Ilmoittautuminen tiskillä",
                    "store",
                    "Ilmoittautuu ja antaa auton avaimet.",
                    "Toivottavasti tämä käy nopeasti.",
                    "Hieman jännittynyt.",
                    "Asiakas tervehditään nimellä heti ovella, ilmoittautuminen vie alle minuutin ja hän tietää, "
                    "kauanko katsastus kestää.",
                    1,
                    (),
                    50,
                    "station_lead",
                    "service_desk",
                ),
            ],
        ),
        (
            "Odotus",
            [
                (
                    "Odotustila",
                    "store",
                    "Odottaa aulassa katsastuksen ajan.",
                    "Kauanko tässä menee?",
                    "Tylsistynyt.",
                    "Kahvi, wifi ja näkymä halliin; näytöltä näkee oman auton vaiheen.",
                    0,
                    (),
                    None,
                    "station_lead",
                    None,
                ),
                (
                    "Tekstiviesti viivästyksestä",
                    "phone",
                    "Saa viestin, että katsastus kestää kymmenen minuuttia arvioitua kauemmin.",
                    "Hyvä, että kerrottiin.",
                    "Rauhoittunut.",
                    "Viivästyksestä kerrotaan ennen kuin asiakas ehtii kysyä, syyn ja uuden arvion kanssa.",
                    0,
                    (),
                    None,
                    None,
                    None,
                ),
            ],
        ),
        (
            "Katsastus",
            [
                (
                    "Katsastus hallissa",
                    "store",
                    "Seuraa katsastusta hallissa katsastajan vieressä.",
                    "Löytyykö jotain kallista?",
                    "Jännittynyt.",
                    "Katsastaja kertoo, mitä tarkistaa ja miksi; asiakas saa kysyä koko ajan.",
                    -1,
                    (),
                    40,
                    "inspector_1",
                    "inspector_2",
                ),
                (
                    "Katsastajan selitys havainnoista",
                    "store",
                    "Kuuntelee, kun katsastaja näyttää kuluneet jarrupalat.",
                    "Onneksi joku selittää tämän ymmärrettävästi.",
                    "Luottavainen.",
                    "Katsastaja näyttää havainnon, kertoo kiireellisyyden ja mitä korjaus suunnilleen maksaa, "
                    "ilman myyntipuhetta.",
                    2,
                    ("peak",),
                    60,
                    "inspector_1",
                    "inspector_2",
                ),
            ],
        ),
        (
            "Tulos",
            [
                (
                    "Tulos ja todistus",
                    "store",
                    "Saa katsastustodistuksen ja huomautukset myös sähköpostiin.",
                    "Hyväksytty, hienoa!",
                    "Helpottunut.",
                    "Tulos kerrotaan kasvokkain selkokielellä; todistus ja huomautukset tulevat myös sähköpostiin.",
                    1,
                    (),
                    50,
                    "inspector_2",
                    "inspector_1",
                ),
                (
                    "Maksu ja lähtö",
                    "store",
                    "Maksaa, saa avaimet ja löytää auton valmiina ovelta.",
                    "Olipa sujuvaa.",
                    "Tyytyväinen.",
                    "Auto odottaa ovella; lähtiessä kiitetään nimellä. Pieni yllätys lopuksi: tuulilasi on pesty.",
                    2,
                    ("end",),
                    60,
                    "station_lead",
                    "service_desk",
                ),
            ],
        ),
        (
            "Jälkihoito",
            [
                (
                    "Palautekysely",
                    "email",
                    "Saa seuraavana päivänä lyhyen kyselyn.",
                    "Taas kysely…",
                    "Neutraali.",
                    "Yksi kysymys ja vapaa kenttä, vastaaminen vie alle minuutin, ja huonoon vastaukseen reagoidaan.",
                    0,
                    (),
                    30,
                    "cx_lead",
                    None,
                ),
                (
                    "Muistutus jälkitarkastuksesta",
                    "email",
                    "Saa muistutuksen hylätyn katsastuksen jälkitarkastuksen määräajasta.",
                    "Milloin ehdin korjaamolle?",
                    "Stressaantunut.",
                    "Muistutus kertoo määräajan ja lähimmät korjaamot ja varaa jälkitarkastuksen samalla.",
                    -1,
                    (),
                    None,
                    None,
                    None,
                ),
            ],
        ),
    ],
)

COMPLAINT = (
    "Reklamaatio",
    "Asiakas epäilee, että katsastuksessa jäi vika huomaamatta. Hyvin hoidettu ongelma voi kääntää kokemuksen.",
    [
        (
            "Yhteydenotto",
            [
                (
                    "Reklamaatio verkkolomakkeella",
                    "web",
                    "Kertoo, että korjaamo löysi viikko katsastuksen jälkeen vian, joka olisi pitänyt huomata.",
                    "Maksoin katsastuksesta, eikö tämä kuulu teille?",
                    "Turhautunut.",
                    "Lomake on lyhyt; asiakas saa heti vahvistuksen, käsittelijän nimen ja lupauksen vastauksesta "
                    "kahden arkipäivän sisällä.",
                    -2,
                    ("peak",),
                    None,
                    "cx_lead",
                    "service_desk",
                ),
                (
                    "Soitto asiakaspalveluun",
                    "phone",
                    "Soittaa perään, koska vastausta ei vielä kuulu.",
                    "Unohdettiinko minut?",
                    "Ärtynyt.",
                    "",
                    -1,
                    (),
                    None,
                    "service_desk",
                    None,
                ),
            ],
        ),
        (
            "Käsittely",
            [
                (
                    "Katsastajan lausunto",
                    "other",
                    "Odottaa, että katsastaja ja asemapäällikkö käyvät tapauksen läpi.",
                    "Ottavatko he tämän vakavasti?",
                    "Epäluuloinen.",
                    "Asiakkaalle kerrotaan, mitä selvitetään ja milloin; katsastajan lausunto liitetään tapaukseen.",
                    -1,
                    (),
                    None,
                    "station_lead",
                    "inspector_1",
                ),
            ],
        ),
        (
            "Ratkaisu",
            [
                (
                    "Ratkaisupuhelu",
                    "phone",
                    "Saa soiton asemapäälliköltä ja tarjouksen maksuttomasta uusintakatsastuksesta.",
                    "Virhe myönnettiin suoraan.",
                    "Positiivisesti yllättynyt.",
                    "Asemapäällikkö soittaa itse, myöntää virheen, tarjoaa maksuttoman uusinnan ja kiittää "
                    "palautteesta.",
                    1,
                    ("end",),
                    0,
                    "station_lead",
                    "cx_lead",
                ),
                (
                    "Vahvistus sähköpostilla",
                    "email",
                    "Saa yhteenvedon sovitusta hyvityksestä.",
                    "Hyvä, että tämä on kirjallisena.",
                    "Rauhallinen.",
                    "Yhteenveto tulee samana päivänä ja kertoo, miten uusinta varataan.",
                    1,
                    (),
                    None,
                    None,
                    None,
                ),
            ],
        ),
    ],
)


def _seed_path(definition: tuple[str, str, list[Any]], context: DemoContext) -> ServicePath | None:
    name, description, stages = definition
    if ServicePath.objects.filter(name=name).exists():
        return None
    users = context.users
    acting = users.get("cx_lead")
    path = path_create(name=name, description=description, created_by=acting)
    for stage_name, touchpoints in stages:
        stage = stage_add(path=path, name=stage_name)
        for tp_name, channel, does, thinks, feels, intended, emotion, flags, target, owner, backup in touchpoints:
            touchpoint = touchpoint_add(
                stage=stage,
                name=tp_name,
                channel=channel,
                customer_does=does,
                customer_thinks=thinks,
                customer_feels=feels,
                intended_experience=intended,
                planned_emotion=emotion,
                is_peak="peak" in flags,
                is_end="end" in flags,
                target_nps=target,
            )
            if owner and tp_name not in LATE_OWNERS:
                touchpoint_assign_owner(
                    touchpoint=touchpoint,
                    owner=users[owner],
                    backup=users[backup] if backup else None,
                    acting_user=acting,
                )
    return path


def _late_owners(definition: tuple[str, str, list[Any]]) -> dict[str, tuple[str, str | None]]:
    _name, _description, stages = definition
    return {
        touchpoint[0]: (touchpoint[9], touchpoint[10])
        for _stage, touchpoints in stages
        for touchpoint in touchpoints
        if touchpoint[0] in LATE_OWNERS and touchpoint[9]
    }


def _date_back(paths: list[ServicePath], *, at: dt.datetime) -> None:
    """Date the new maps, their history and their first owners to `at`."""
    stages: QuerySet[Stage] = Stage.objects.filter(path__in=paths)
    touchpoints: QuerySet[Touchpoint] = Touchpoint.objects.filter(stage__path__in=paths)
    for queryset in (ServicePath.objects.filter(pk__in=[path.pk for path in paths]), stages, touchpoints):
        queryset.update(created_at=at, updated_at=at)
    ServicePath.history.filter(id__in=[path.pk for path in paths]).update(history_date=at)
    Stage.history.filter(id__in=stages.values("pk")).update(history_date=at)
    Touchpoint.history.filter(id__in=touchpoints.values("pk")).update(history_date=at)
    OwnershipChange.objects.filter(touchpoint__in=touchpoints).update(changed_at=at)


def _assign_late(definition: tuple[str, str, list[Any]], context: DemoContext, *, now: dt.datetime) -> None:
    acting = context.users.get("cx_lead")
    for tp_name, (owner, backup) in _late_owners(definition).items():
        touchpoint = Touchpoint.objects.filter(name=tp_name, stage__path__name=definition[0]).first()
        if touchpoint is None:
            continue
        at = now - dt.timedelta(days=LATE_OWNERS[tp_name])
        touchpoint_assign_owner(
            touchpoint=touchpoint,
            owner=context.users[owner],
            backup=context.users[backup] if backup else None,
            acting_user=acting,
            note="Odotustilan uudistus: asemapäällikkö vastaa.",
        )
        latest = Touchpoint.history.filter(id=touchpoint.pk).order_by("-history_date", "-history_id").first()
        if latest is not None:
            Touchpoint.history.filter(history_id=latest.history_id).update(history_date=at)
        OwnershipChange.objects.filter(touchpoint=touchpoint, changed_at__gt=at).update(changed_at=at)


def seed(*, context: DemoContext) -> None:
    now = timezone.now()
    created = [path for path in (_seed_path(INSPECTION, context), _seed_path(COMPLAINT, context)) if path]
    if not created:
        return
    _date_back(created, at=now - dt.timedelta(days=MAPPED_DAYS_AGO))
    for definition in (INSPECTION, COMPLAINT):
        if any(path.name == definition[0] for path in created):
            _assign_late(definition, context, now=now)
