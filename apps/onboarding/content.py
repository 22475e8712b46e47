"""The starter content of each industry, in Finnish, English and Swedish; no database.

These are texts the company keeps and edits, not UI strings: every language is
written out here (the Swedish as it is written in Finland: besiktning,
besiktningsstation, skötare), so a company gets its path and personas in its own
default language and the follow-up survey in all three, whatever the admin's own
language is. A Text is (Finnish, English, Swedish).
Touchpoints carry no owners: who answers for each is the admin's decision.
"""

from dataclasses import dataclass

from apps.journeys.models import Channel
from apps.personas.models import InboundStage, PersonaColour, PersonaIcon
from apps.surveys.models import QuestionType, ShowIfGroup


@dataclass(frozen=True)
class Text:
    fi: str
    en: str
    sv: str

    def __call__(self, language: str) -> str:
        return {"en": self.en, "sv": self.sv}.get(language, self.fi)


@dataclass(frozen=True)
class TouchpointSeed:
    name: Text
    channel: str
    does: Text
    intended: Text
    emotion: int = 0
    peak: bool = False
    end: bool = False
    # The default follow-up survey goes out after an encounter here.
    follow_up: bool = False


@dataclass(frozen=True)
class StageSeed:
    name: Text
    touchpoints: tuple[TouchpointSeed, ...]


@dataclass(frozen=True)
class PersonaSeed:
    name: Text
    description: Text
    needs: Text
    pains: Text
    inbound_stage: str
    colour: str
    icon: str = PersonaIcon.NONE


@dataclass(frozen=True)
class StarterTemplate:
    key: str
    label: Text
    summary: Text
    path_name: Text
    path_description: Text
    stages: tuple[StageSeed, ...]
    personas: tuple[PersonaSeed, ...]

    @property
    def touchpoint_count(self) -> int:
        return sum(len(stage.touchpoints) for stage in self.stages)


@dataclass(frozen=True)
class QuestionSeed:
    type: str
    required: bool
    # None: the standard wording of the type (apps.surveys.wordings).
    text: Text | None = None
    # A follow-up: shown only when the answer to the question at this position is in the group.
    show_if_position: int | None = None
    show_if_group: str = ""


# The default follow-up survey: the standard NPS question; whether the customer's matter was taken care
# of (yes/no, counted apart from the scores); a "what let you down" for NPS detractors only; and the
# standard free-text question. With a title, an introduction and a thank-you in every language.
SURVEY_QUESTIONS = (
    QuestionSeed(QuestionType.NPS, True),
    QuestionSeed(
        QuestionType.YESNO,
        True,
        Text("Saitko asiasi hoidettua?", "Did you get your matter taken care of?", "Blev ditt ärende ordnat?"),
    ),
    QuestionSeed(
        QuestionType.TEXT,
        False,
        Text(
            "Mikä jäi harmittamaan? Kerro omin sanoin.",
            "What let you down? Tell us in your own words.",
            "Vad var du missnöjd med? Berätta med egna ord.",
        ),
        show_if_position=1,
        show_if_group=ShowIfGroup.DETRACTORS,
    ),
    QuestionSeed(QuestionType.TEXT, False),
)
SURVEY_TITLE = Text("Miten onnistuimme?", "How did we do?", "Hur lyckades vi?")
SURVEY_INTRO = Text(
    "Kiitos käynnistäsi. Vastaamiseen menee alle minuutti, ja luemme jokaisen vastauksen.",
    "Thank you for your visit. Answering takes less than a minute, and we read every answer.",
    "Tack för ditt besök. Det tar mindre än en minut att svara, och vi läser varje svar.",
)
SURVEY_THANK_YOU = Text(
    "Vastauksesi auttaa meitä parantamaan palvelua.",
    "Your answer helps us make the service better.",
    "Ditt svar hjälper oss att göra servicen bättre.",
)

T, TP, S, P = Text, TouchpointSeed, StageSeed, PersonaSeed

VEHICLE_INSPECTION = StarterTemplate(
    key="vehicle_inspection",
    label=T("Katsastus", "Vehicle inspection", "Besiktning"),
    summary=T(
        "Määräaikaiskatsastus ajanvarauksesta tulokseen ja jälkitarkastukseen.",
        "A periodic inspection from booking to the result and the re-inspection.",
        "En periodisk besiktning från tidsbokningen till resultatet och efterkontrollen.",
    ),
    path_name=T("Määräaikaiskatsastus", "Periodic inspection", "Periodisk besiktning"),
    path_description=T(
        "Asiakas haluaa auton katsastettua vaivatta ja tietää, mitä autolle pitää tehdä.",
        "The customer wants the car inspected without fuss and to know what it needs.",
        "Kunden vill få bilen besiktad utan krångel och veta vad som behöver åtgärdas.",
    ),
    stages=(
        S(
            T("Ajanvaraus", "Booking", "Tidsbokning"),
            (
                TP(
                    T("Muistutus katsastuksesta", "Inspection reminder", "Påminnelse om besiktning"),
                    Channel.EMAIL,
                    T(
                        "Saa muistutuksen, että katsastus lähestyy.",
                        "Gets a reminder that the inspection is due.",
                        "Får en påminnelse om att det är dags för besiktning.",
                    ),
                    T(
                        "Muistutus tulee ajoissa, kertoo hinnan ja vie suoraan varaukseen.",
                        "The reminder comes in good time, states the price and leads straight to booking.",
                        "Påminnelsen kommer i god tid, anger priset och leder direkt till tidsbokningen.",
                    ),
                ),
                TP(
                    T("Verkkoajanvaraus", "Online booking", "Tidsbokning på nätet"),
                    Channel.WEB,
                    T(
                        "Valitsee aseman ja ajan.",
                        "Chooses a station and a time.",
                        "Väljer besiktningsstation och tid.",
                    ),
                    T(
                        "Varaus onnistuu parissa minuutissa, ja vahvistus tulee heti.",
                        "Booking takes a couple of minutes and the confirmation arrives at once.",
                        "Bokningen tar ett par minuter och bekräftelsen kommer genast.",
                    ),
                    emotion=1,
                ),
            ),
        ),
        S(
            T("Saapuminen", "Arrival", "Ankomst"),
            (
                TP(
                    T("Ilmoittautuminen", "Check-in", "Anmälan"),
                    Channel.STORE,
                    T(
                        "Ilmoittautuu ja antaa auton avaimet.",
                        "Checks in and hands over the keys.",
                        "Anmäler sig och lämnar över bilnycklarna.",
                    ),
                    T(
                        "Asiakas otetaan vastaan heti ja hän tietää, kauanko katsastus kestää.",
                        "The customer is greeted at once and knows how long the inspection takes.",
                        "Kunden tas emot genast och vet hur länge besiktningen tar.",
                    ),
                    follow_up=True,
                ),
                TP(
                    T("Odotustila", "Waiting room", "Väntrum"),
                    Channel.STORE,
                    T(
                        "Odottaa katsastuksen ajan.",
                        "Waits while the car is inspected.",
                        "Väntar medan bilen besiktas.",
                    ),
                    T(
                        "Odotus on mukavaa, ja asiakas näkee, missä vaiheessa katsastus on.",
                        "The wait is comfortable and the customer can see how far the inspection is.",
                        "Väntan är bekväm och kunden ser hur långt besiktningen har kommit.",
                    ),
                ),
            ),
        ),
        S(
            T("Katsastus", "Inspection", "Besiktning"),
            (
                TP(
                    T(
                        "Katsastajan selitys havainnoista",
                        "The inspector explains the findings",
                        "Besiktningsteknikern förklarar anmärkningarna",
                    ),
                    Channel.STORE,
                    T(
                        "Kuuntelee, mitä autosta löytyi.",
                        "Hears what was found on the car.",
                        "Får höra vad som hittades på bilen.",
                    ),
                    T(
                        "Katsastaja näyttää havainnot, kertoo niiden kiireellisyyden ja vastaa kysymyksiin.",
                        "The inspector shows the findings, says how urgent they are and answers questions.",
                        "Besiktningsteknikern visar anmärkningarna, berättar hur brådskande de är "
                        "och svarar på frågor.",
                    ),
                    emotion=2,
                    peak=True,
                    follow_up=True,
                ),
            ),
        ),
        S(
            T("Tulos", "Result", "Resultat"),
            (
                TP(
                    T("Maksu ja lähtö", "Payment and departure", "Betalning och avfärd"),
                    Channel.STORE,
                    T(
                        "Maksaa ja saa auton takaisin.",
                        "Pays and gets the car back.",
                        "Betalar och får tillbaka bilen.",
                    ),
                    T(
                        "Tulos ja todistus tulevat selkokielellä myös sähköpostiin, ja auto odottaa ovella.",
                        "The result and certificate also arrive by email in plain words; the car waits at the door.",
                        "Resultatet och intyget kommer också per e-post på klarspråk, och bilen väntar vid dörren.",
                    ),
                    emotion=1,
                    end=True,
                    follow_up=True,
                ),
                TP(
                    T("Muistutus jälkitarkastuksesta", "Re-inspection reminder", "Påminnelse om efterkontroll"),
                    Channel.EMAIL,
                    T(
                        "Saa muistutuksen jälkitarkastuksen määräajasta.",
                        "Is reminded of the re-inspection deadline.",
                        "Blir påmind om tidsfristen för efterkontrollen.",
                    ),
                    T(
                        "Muistutus kertoo määräajan ja tarjoaa ajan jälkitarkastukseen.",
                        "The reminder gives the deadline and offers a time for the re-inspection.",
                        "Påminnelsen anger tidsfristen och erbjuder en tid för efterkontrollen.",
                    ),
                    emotion=-1,
                ),
            ),
        ),
    ),
    personas=(
        P(
            T("Kiireinen perheellinen", "Busy parent", "Småbarnsförälder med bråttom"),
            T(
                "Katsastus hoidetaan työpäivän lomassa, kalenteri on täynnä.",
                "Fits the inspection into a working day with a full calendar.",
                "Klämmer in besiktningen under en arbetsdag med fullbokad kalender.",
            ),
            T(
                "Ilta-ajat, tarkka aikataulu, tulos heti.",
                "Evening times, a schedule that holds, the result at once.",
                "Kvällstider, en tidtabell som håller och resultatet genast.",
            ),
            T(
                "Jonottaminen ja yllättävät jälkitarkastukset.",
                "Queues and unexpected re-inspections.",
                "Köer och oväntade efterkontroller.",
            ),
            InboundStage.CONVERT,
            PersonaColour.TEAL,
            PersonaIcon.FAMILY,
        ),
        P(
            T("Yrittäjä, jolla on pakettiauto", "Tradesperson with a van", "Företagare med paketbil"),
            T(
                "Pakettiauto on työkalu, ja jokainen seisottu tunti on pois laskutuksesta.",
                "The van is a tool: every hour it stands still is an hour not billed.",
                "Paketbilen är ett arbetsredskap: varje timme den står stilla är en timme som inte faktureras.",
            ),
            T(
                "Aamun ensimmäiset ajat ja yrityslasku.",
                "The first slots of the morning and a company invoice.",
                "Morgonens första tider och faktura till företaget.",
            ),
            T(
                "Hylätty katsastus ja uusi käynti.",
                "A failed inspection and a second visit.",
                "En underkänd besiktning och ett nytt besök.",
            ),
            InboundStage.CLOSE,
            PersonaColour.ORANGE,
            PersonaIcon.VAN,
        ),
    ),
)

RETAIL_STORE = StarterTemplate(
    key="retail_store",
    label=T("Kivijalkamyymälä", "Retail store", "Butik"),
    summary=T(
        "Myymäläkäynti tuotteen etsimisestä kassalle ja mahdolliseen palautukseen.",
        "A store visit from looking for a product to the till and a possible return.",
        "Ett butiksbesök från att leta efter en produkt till kassan och en eventuell retur.",
    ),
    path_name=T("Myymäläkäynti", "Store visit", "Butiksbesök"),
    path_description=T(
        "Asiakas haluaa löytää sopivan tuotteen nopeasti ja saada hyvää neuvontaa.",
        "The customer wants to find the right product quickly and get good advice.",
        "Kunden vill hitta rätt produkt snabbt och få goda råd.",
    ),
    stages=(
        S(
            T("Ennen käyntiä", "Before the visit", "Före besöket"),
            (
                TP(
                    T("Saatavuuden tarkistus verkossa", "Checking availability online", "Kollar tillgången på nätet"),
                    Channel.WEB,
                    T(
                        "Katsoo verkosta, onko tuotetta myymälässä.",
                        "Checks online whether the store has the product.",
                        "Kollar på nätet om butiken har produkten.",
                    ),
                    T(
                        "Saatavuus on ajan tasalla, ja tuotteen voi varata noudettavaksi.",
                        "Availability is up to date and the product can be reserved for pick-up.",
                        "Tillgången är aktuell och produkten kan reserveras för avhämtning.",
                    ),
                ),
            ),
        ),
        S(
            T("Myymälässä", "In the store", "I butiken"),
            (
                TP(
                    T("Tuotteen etsiminen", "Finding the product", "Att hitta produkten"),
                    Channel.STORE,
                    T(
                        "Etsii hyllyistä oikeaa tuotetta.",
                        "Looks for the right product on the shelves.",
                        "Letar efter rätt produkt på hyllorna.",
                    ),
                    T(
                        "Opasteet ovat selkeät, ja tuote löytyy siitä, missä sitä odottaa.",
                        "Signs are clear and the product is where one would expect it.",
                        "Skyltningen är tydlig och produkten finns där man väntar sig.",
                    ),
                    emotion=-1,
                ),
                TP(
                    T("Myyjän neuvonta", "Advice from staff", "Råd av personalen"),
                    Channel.STORE,
                    T("Kysyy myyjältä neuvoa.", "Asks a member of staff for advice.", "Ber personalen om råd."),
                    T(
                        "Myyjä huomaa asiakkaan, kysyy tarpeesta ja suosittelee rehellisesti.",
                        "Staff notice the customer, ask about the need and recommend honestly.",
                        "Personalen lägger märke till kunden, frågar om behovet och rekommenderar ärligt.",
                    ),
                    emotion=2,
                    peak=True,
                    follow_up=True,
                ),
            ),
        ),
        S(
            T("Ostos", "Purchase", "Köp"),
            (
                TP(
                    T("Kassa", "Till", "Kassa"),
                    Channel.STORE,
                    T("Maksaa ostoksensa.", "Pays for the purchase.", "Betalar sina inköp."),
                    T(
                        "Jono on lyhyt, maksaminen sujuu ja kuitin saa myös sähköpostiin.",
                        "The queue is short, paying is smooth and the receipt can come by email.",
                        "Kön är kort, betalningen går smidigt och kvittot kan fås per e-post.",
                    ),
                    emotion=1,
                    end=True,
                    follow_up=True,
                ),
            ),
        ),
        S(
            T("Oston jälkeen", "After the purchase", "Efter köpet"),
            (
                TP(
                    T("Palautus tai vaihto", "Return or exchange", "Retur eller byte"),
                    Channel.STORE,
                    T(
                        "Palauttaa tai vaihtaa tuotteen.",
                        "Returns or exchanges the product.",
                        "Returnerar eller byter produkten.",
                    ),
                    T(
                        "Palautus hoituu ilman selittelyä ja rahat palautuvat heti.",
                        "The return is handled without questions and the money comes back at once.",
                        "Returen sköts utan krångel och pengarna betalas tillbaka genast.",
                    ),
                    emotion=-1,
                    follow_up=True,
                ),
                TP(
                    T("Asiakaspalvelu puhelimessa", "Customer service by phone", "Kundtjänst per telefon"),
                    Channel.PHONE,
                    T(
                        "Soittaa kysyäkseen tilauksesta tai takuusta.",
                        "Calls about an order or a warranty.",
                        "Ringer om en beställning eller en garanti.",
                    ),
                    T(
                        "Puheluun vastataan nopeasti, ja asia hoituu yhdellä soitolla.",
                        "The call is answered quickly and the matter is settled in one call.",
                        "Samtalet besvaras snabbt och ärendet blir klart med ett samtal.",
                    ),
                ),
            ),
        ),
    ),
    personas=(
        P(
            T("Tavoitteellinen ostaja", "Goal-driven shopper", "Målmedveten köpare"),
            T(
                "Tietää, mitä tarvitsee, ja haluaa sen heti.",
                "Knows what they need and wants it now.",
                "Vet vad hen behöver och vill ha det nu.",
            ),
            T(
                "Ajantasainen saatavuus ja nopea kassa.",
                "Up-to-date availability and a quick till.",
                "Aktuell tillgång och en snabb kassa.",
            ),
            T("Loppuneet tuotteet ja jonot.", "Products out of stock and queues.", "Slutsålda produkter och köer."),
            InboundStage.CLOSE,
            PersonaColour.BLUE,
        ),
        P(
            T("Neuvoa kaipaava asiakas", "Customer looking for advice", "Kund som söker råd"),
            T(
                "Vertailee vaihtoehtoja ja arvostaa asiantuntevaa myyjää.",
                "Compares options and values knowledgeable staff.",
                "Jämför alternativ och uppskattar kunnig personal.",
            ),
            T(
                "Aikaa kysymyksille ja rehellinen suositus.",
                "Time for questions and an honest recommendation.",
                "Tid för frågor och en ärlig rekommendation.",
            ),
            T(
                "Tyrkyttäminen ja se, ettei apua löydy.",
                "Pushy selling, or no help to be found.",
                "Påträngande försäljning, eller att ingen hjälp finns att få.",
            ),
            InboundStage.ATTRACT,
            PersonaColour.ROSE,
        ),
    ),
)

CLINIC = StarterTemplate(
    key="clinic",
    label=T("Klinikka tai terveyspalvelu", "Clinic or health service", "Klinik eller hälsotjänst"),
    summary=T(
        "Vastaanottokäynti ajanvarauksesta jatkohoitoon.",
        "An appointment from booking to follow-up care.",
        "Ett mottagningsbesök från tidsbokningen till eftervården.",
    ),
    path_name=T("Vastaanottokäynti", "Appointment", "Mottagningsbesök"),
    path_description=T(
        "Asiakas haluaa apua vaivaansa ja tuntea olevansa hyvissä käsissä.",
        "The patient wants help with their problem and to feel in good hands.",
        "Patienten vill få hjälp med sina besvär och känna sig i goda händer.",
    ),
    stages=(
        S(
            T("Ajanvaraus", "Booking", "Tidsbokning"),
            (
                TP(
                    T(
                        "Ajanvaraus verkossa tai puhelimessa",
                        "Booking online or by phone",
                        "Tidsbokning på nätet eller per telefon",
                    ),
                    Channel.WEB,
                    T(
                        "Varaa ajan sopivalle ammattilaiselle.",
                        "Books a time with the right professional.",
                        "Bokar tid hos rätt yrkesperson.",
                    ),
                    T(
                        "Sopiva aika löytyy helposti, ja vahvistus kertoo, miten käyntiin valmistaudutaan.",
                        "A suitable time is easy to find and the confirmation says how to prepare.",
                        "Det är lätt att hitta en passande tid och bekräftelsen berättar hur man förbereder sig.",
                    ),
                ),
                TP(
                    T("Muistutus käynnistä", "Appointment reminder", "Påminnelse om besöket"),
                    Channel.EMAIL,
                    T(
                        "Saa muistutuksen edellisenä päivänä.",
                        "Gets a reminder the day before.",
                        "Får en påminnelse dagen före.",
                    ),
                    T(
                        "Muistutus kertoo ajan, paikan ja miten aika perutaan.",
                        "The reminder gives the time, the place and how to cancel.",
                        "Påminnelsen anger tid och plats och hur man avbokar.",
                    ),
                ),
            ),
        ),
        S(
            T("Saapuminen", "Arrival", "Ankomst"),
            (
                TP(
                    T("Ilmoittautuminen ja odotus", "Check-in and waiting", "Anmälan och väntan"),
                    Channel.STORE,
                    T(
                        "Ilmoittautuu ja odottaa vuoroaan.",
                        "Checks in and waits to be called.",
                        "Anmäler sig och väntar på sin tur.",
                    ),
                    T(
                        "Ilmoittautuminen on nopeaa, ja viivästyksestä kerrotaan ennen kuin asiakas ehtii kysyä.",
                        "Check-in is quick and any delay is announced before the patient has to ask.",
                        "Anmälan går snabbt och förseningar meddelas innan patienten behöver fråga.",
                    ),
                    emotion=-1,
                ),
            ),
        ),
        S(
            T("Vastaanotto", "Consultation", "Mottagning"),
            (
                TP(
                    T("Vastaanotto", "Consultation", "Mottagning"),
                    Channel.STORE,
                    T(
                        "Kertoo vaivastaan ja saa hoitoa.",
                        "Describes the problem and is treated.",
                        "Berättar om sina besvär och får vård.",
                    ),
                    T(
                        "Ammattilainen kuuntelee, selittää selkokielellä ja kertoo, mitä seuraavaksi tapahtuu.",
                        "The professional listens, explains in plain words and says what happens next.",
                        "Yrkespersonen lyssnar, förklarar på klarspråk och berättar vad som händer härnäst.",
                    ),
                    emotion=2,
                    peak=True,
                    follow_up=True,
                ),
                TP(
                    T("Maksu ja jatkoajan varaus", "Payment and next appointment", "Betalning och ny tid"),
                    Channel.STORE,
                    T(
                        "Maksaa käynnin ja varaa tarvittaessa uuden ajan.",
                        "Pays and books a follow-up if needed.",
                        "Betalar besöket och bokar vid behov en ny tid.",
                    ),
                    T(
                        "Maksu sujuu vaivatta ja jatkoaika varataan samalla kertaa.",
                        "Paying is easy and the next appointment is booked at the same time.",
                        "Betalningen går smidigt och nästa tid bokas på samma gång.",
                    ),
                    emotion=1,
                    end=True,
                    follow_up=True,
                ),
            ),
        ),
        S(
            T("Jatkohoito", "Follow-up care", "Eftervård"),
            (
                TP(
                    T("Tulokset ja hoito-ohjeet", "Results and care instructions", "Resultat och vårdanvisningar"),
                    Channel.WEB,
                    T(
                        "Saa tutkimustulokset ja ohjeet.",
                        "Receives test results and instructions.",
                        "Får provsvar och anvisningar.",
                    ),
                    T(
                        "Tulokset tulevat luvatussa ajassa ja niiden merkitys selitetään.",
                        "Results arrive when promised and what they mean is explained.",
                        "Resultaten kommer inom utlovad tid och deras betydelse förklaras.",
                    ),
                ),
                TP(
                    T("Soitto hoitajalle", "Calling a nurse", "Samtal till skötaren"),
                    Channel.PHONE,
                    T(
                        "Soittaa kysyäkseen hoidosta.",
                        "Calls to ask about the treatment.",
                        "Ringer för att fråga om vården.",
                    ),
                    T(
                        "Hoitaja vastaa tai soittaa takaisin samana päivänä.",
                        "A nurse answers or calls back the same day.",
                        "En skötare svarar eller ringer upp samma dag.",
                    ),
                    follow_up=True,
                ),
            ),
        ),
    ),
    personas=(
        P(
            T("Huolestunut ensikävijä", "Worried first-time patient", "Orolig förstagångspatient"),
            T(
                "Tulee ensimmäistä kertaa ja jännittää, mitä vaivasta selviää.",
                "Comes for the first time and is anxious about what the problem is.",
                "Kommer för första gången och är orolig för vad besvären beror på.",
            ),
            T(
                "Selkeät ohjeet ja aikaa kysymyksille.",
                "Clear instructions and time for questions.",
                "Tydliga anvisningar och tid för frågor.",
            ),
            T("Epätietoisuus ja ammattisanasto.", "Uncertainty and medical jargon.", "Ovisshet och facktermer."),
            InboundStage.ATTRACT,
            PersonaColour.PURPLE,
        ),
        P(
            T("Pitkäaikainen asiakas", "Long-term patient", "Långvarig patient"),
            T(
                "Käy säännöllisesti ja haluaa saman ammattilaisen vastaanotolle.",
                "Visits regularly and wants to see the same professional.",
                "Kommer regelbundet och vill träffa samma yrkesperson.",
            ),
            T(
                "Tuttu hoitaja tai lääkäri ja joustavat ajat.",
                "A familiar nurse or doctor and flexible times.",
                "En bekant skötare eller läkare och flexibla tider.",
            ),
            T(
                "Asioiden kertominen aina uudestaan.",
                "Having to tell everything again every time.",
                "Att behöva berätta allt på nytt varje gång.",
            ),
            InboundStage.DELIGHT,
            PersonaColour.OLIVE,
            PersonaIcon.SENIOR,
        ),
    ),
)

B2B_SERVICES = StarterTemplate(
    key="b2b_services",
    label=T("Yrityspalvelut", "B2B services", "Företagstjänster"),
    summary=T(
        "Asiakassuhde ensimmäisestä yhteydenotosta toimitukseen ja jatkoon.",
        "A client relationship from the first contact to delivery and renewal.",
        "En kundrelation från den första kontakten till leveransen och fortsättningen.",
    ),
    path_name=T("Asiakassuhde", "Client relationship", "Kundrelation"),
    path_description=T(
        "Asiakasyritys haluaa kumppanin, joka ymmärtää sen tarpeen ja pitää lupauksensa.",
        "The client wants a partner who understands its need and keeps its promises.",
        "Kundföretaget vill ha en partner som förstår dess behov och håller vad den lovar.",
    ),
    stages=(
        S(
            T("Yhteydenotto", "First contact", "Första kontakten"),
            (
                TP(
                    T("Tarjouspyyntö", "Request for a quote", "Offertförfrågan"),
                    Channel.WEB,
                    T(
                        "Lähettää tarjouspyynnön verkkosivuilta.",
                        "Sends a request for a quote from the website.",
                        "Skickar en offertförfrågan via webbplatsen.",
                    ),
                    T(
                        "Pyyntöön vastataan seuraavana arkipäivänä nimetyn yhteyshenkilön kautta.",
                        "The request is answered the next working day by a named contact person.",
                        "Förfrågan besvaras följande vardag av en namngiven kontaktperson.",
                    ),
                ),
                TP(
                    T("Tarvekartoitus", "Needs assessment", "Behovskartläggning"),
                    Channel.PHONE,
                    T(
                        "Kertoo tarpeestaan ja tavoitteistaan.",
                        "Explains the need and the goals.",
                        "Berättar om sitt behov och sina mål.",
                    ),
                    T(
                        "Kuuntelemme ensin ja kysymme tarkentavia kysymyksiä ennen kuin ehdotamme mitään.",
                        "We listen first and ask before we propose anything.",
                        "Vi lyssnar först och ställer preciserande frågor innan vi föreslår något.",
                    ),
                    emotion=1,
                    follow_up=True,
                ),
            ),
        ),
        S(
            T("Sopimus", "Agreement", "Avtal"),
            (
                TP(
                    T("Tarjous ja sopimus", "Proposal and contract", "Offert och avtal"),
                    Channel.EMAIL,
                    T(
                        "Saa tarjouksen ja allekirjoittaa sopimuksen.",
                        "Receives a proposal and signs the contract.",
                        "Får en offert och undertecknar avtalet.",
                    ),
                    T(
                        "Tarjous on selkeä: mitä tehdään, milloin ja millä hinnalla.",
                        "The proposal is clear: what, when and at what price.",
                        "Offerten är tydlig: vad som görs, när och till vilket pris.",
                    ),
                ),
            ),
        ),
        S(
            T("Toimitus", "Delivery", "Leverans"),
            (
                TP(
                    T("Aloituspalaveri", "Kick-off meeting", "Startmöte"),
                    Channel.OTHER,
                    T(
                        "Tapaa tiimin ja sopii työn kulusta.",
                        "Meets the team and agrees how the work runs.",
                        "Träffar teamet och kommer överens om hur arbetet ska gå till.",
                    ),
                    T(
                        "Kaikki tietävät roolinsa, aikataulun ja sen, miten yhteyttä pidetään.",
                        "Everyone knows their role, the schedule and how to stay in touch.",
                        "Alla känner till sin roll, tidtabellen och hur man håller kontakten.",
                    ),
                    emotion=1,
                    follow_up=True,
                ),
                TP(
                    T("Tilannekatsaus", "Progress update", "Lägesrapport"),
                    Channel.EMAIL,
                    T(
                        "Saa säännöllisen katsauksen työn etenemisestä.",
                        "Gets regular updates on progress.",
                        "Får regelbundna rapporter om hur arbetet framskrider.",
                    ),
                    T(
                        "Katsaus tulee sovitusti ja kertoo myös ongelmista ajoissa.",
                        "Updates come as agreed and raise problems early.",
                        "Rapporterna kommer som överenskommet och lyfter fram problem i tid.",
                    ),
                ),
                TP(
                    T("Luovutus", "Handover", "Överlämning"),
                    Channel.OTHER,
                    T("Ottaa valmiin työn vastaan.", "Receives the finished work.", "Tar emot det färdiga arbetet."),
                    T(
                        "Työ valmistuu luvattuna päivänä, ja tulokset käydään yhdessä läpi.",
                        "The work is ready on the promised day and the results are reviewed together.",
                        "Arbetet blir klart på utlovad dag och resultaten gås igenom tillsammans.",
                    ),
                    emotion=2,
                    peak=True,
                    follow_up=True,
                ),
            ),
        ),
        S(
            T("Jatko", "Renewal", "Fortsättning"),
            (
                TP(
                    T("Laskutus", "Invoicing", "Fakturering"),
                    Channel.EMAIL,
                    T("Saa laskun.", "Receives the invoice.", "Får fakturan."),
                    T(
                        "Lasku vastaa sovittua eikä sisällä yllätyksiä.",
                        "The invoice matches what was agreed, with no surprises.",
                        "Fakturan motsvarar det som avtalats och innehåller inga överraskningar.",
                    ),
                ),
                TP(
                    T("Jatkopalaveri", "Review meeting", "Uppföljningsmöte"),
                    Channel.PHONE,
                    T(
                        "Käy läpi, mitä saavutettiin ja mitä seuraavaksi.",
                        "Reviews what was achieved and what next.",
                        "Går igenom vad som uppnåddes och vad som kommer härnäst.",
                    ),
                    T(
                        "Asiakas kokee, että häntä kuunneltiin ja että yhteistyö kannattaa.",
                        "The client feels heard and that working together pays off.",
                        "Kunden upplever att hen blev hörd och att samarbetet lönar sig.",
                    ),
                    emotion=1,
                    end=True,
                    follow_up=True,
                ),
            ),
        ),
    ),
    personas=(
        P(
            T("Ostopäätöksen tekijä", "Decision-maker", "Beslutsfattare"),
            T(
                "Johtaja, joka vastaa budjetista ja tuloksista.",
                "A director who answers for the budget and the results.",
                "En direktör som ansvarar för budgeten och resultaten.",
            ),
            T(
                "Selkeä hinta, luotettava aikataulu ja mitattavat tulokset.",
                "A clear price, a reliable schedule, measurable results.",
                "Ett tydligt pris, en pålitlig tidtabell och mätbara resultat.",
            ),
            T(
                "Venyvät projektit ja yllättävät kulut.",
                "Projects that drag on and unexpected costs.",
                "Projekt som drar ut på tiden och oväntade kostnader.",
            ),
            InboundStage.CLOSE,
            PersonaColour.BLUE,
            PersonaIcon.BRIEFCASE,
        ),
        P(
            T("Yhteyshenkilö", "Day-to-day contact", "Kontaktperson"),
            T(
                "Asiantuntija, joka tekee yhteistyötä tiimin kanssa päivittäin.",
                "A specialist who works with the team every day.",
                "En sakkunnig som samarbetar med teamet varje dag.",
            ),
            T(
                "Nopeat vastaukset ja yksi tuttu yhteyshenkilö.",
                "Quick answers and one familiar contact.",
                "Snabba svar och en bekant kontaktperson.",
            ),
            T(
                "Asioiden selittäminen uudelleen uusille ihmisille.",
                "Explaining things again to new people.",
                "Att förklara allt på nytt för nya människor.",
            ),
            InboundStage.DELIGHT,
            PersonaColour.TEAL,
        ),
    ),
)

STARTER_TEMPLATES: dict[str, StarterTemplate] = {
    template.key: template for template in (VEHICLE_INSPECTION, RETAIL_STORE, CLINIC, B2B_SERVICES)
}
