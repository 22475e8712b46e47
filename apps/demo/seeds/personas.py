"""Buyer personas of the demo vehicle-inspection chain.

Avatars are coloured initials: they render the same on every machine, emoji fonts or not.
"""

from apps.demo.seeds.context import DemoContext
from apps.personas.models import InboundStage, PersonaColour
from apps.personas.selectors import persona_by_name_map
from apps.personas.services import persona_create

DEMO_PERSONAS = [
    {
        "name": "Kiireinen perheellinen",
        "description": "Kaksi lasta, kaksi autoa ja kalenteri täynnä. Katsastus hoidetaan työpäivän lomassa.",
        "goals": "Auto katsastettuna ilman, että päivän aikataulu kaatuu.",
        "needs": "Verkkoajanvaraus iltaisin, tarkka aika, lyhyt odotus, tulos heti.",
        "pains": "Jonottaminen, yllättävät jälkitarkastukset, epäselvät hinnat.",
        "value_proposition": "Varaa aika kahdessa minuutissa ja olet ulkona puolessa tunnissa.",
        "inbound_stage": InboundStage.CONVERT,
        "colour": PersonaColour.TEAL,
    },
    {
        "name": "Yrittäjä jolla pakettiauto",
        "description": "Pakettiauto on työkalu: jokainen seisottu tunti on pois laskutuksesta.",
        "goals": "Auto takaisin töihin samana päivänä, kuitit kirjanpitoon automaattisesti.",
        "needs": "Aamun ensimmäiset ajat, yrityslasku, muistutus ennen määräaikaa.",
        "pains": "Hylätty katsastus ja uusi käynti, paperikuitit, puhelinjonot.",
        "value_proposition": "Aamukatsastus klo 7 ja lasku suoraan yrityksen verkkolaskuosoitteeseen.",
        "inbound_stage": InboundStage.CLOSE,
        "colour": PersonaColour.ORANGE,
    },
    {
        "name": "Eläkeläinen, tarkka ajoneuvostaan",
        "description": "Hoitaa autoaan huolella ja haluaa kuulla, mitä katsastaja havaitsi.",
        "goals": "Varmuus siitä, että auto on kunnossa ja turvallinen.",
        "needs": "Aikaa kysymyksille, selkeä selitys havainnoista, paperinen pöytäkirja.",
        "pains": "Kiirehtiminen, ammattisanasto, sähköiset palvelut ilman neuvoa.",
        "value_proposition": "Katsastaja näyttää havainnot autolla ja kertoo, mitä ne tarkoittavat.",
        "inbound_stage": InboundStage.DELIGHT,
        "colour": PersonaColour.PURPLE,
    },
    {
        "name": "Ensimmäisen auton ostaja",
        "description": "Nuori kuljettaja, jolle katsastus on uusi asia ja käytetty auto iso hankinta.",
        "goals": "Ymmärtää, onko ostettu auto hyvä, ja selvitä katsastuksesta kerralla.",
        "needs": "Ohjeet etukäteen, edullinen hinta, opiskelijatarjoukset.",
        "pains": "Pelko hylkäyksestä, yllättävät korjauskulut.",
        "value_proposition": "Tarkistuslista ennen käyntiä ja katsastaja, joka neuvoo.",
        "inbound_stage": InboundStage.ATTRACT,
        "colour": PersonaColour.BLUE,
    },
]


def seed(*, context: DemoContext) -> None:
    existing = persona_by_name_map()
    for fields in DEMO_PERSONAS:
        persona = existing.get(str(fields["name"]).lower()) or persona_create(**fields)
        context.personas[persona.name] = persona
