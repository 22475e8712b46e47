"""The starter content of each industry, in Finnish and English; no database.

These are texts the company keeps and edits, not UI strings: both languages are
written out here, so a company gets its path and personas in its own default
language and the follow-up survey in both, whatever the admin's own language is.
Touchpoints carry no owners: who answers for each is the admin's decision.
"""

from dataclasses import dataclass

from apps.journeys.models import Channel
from apps.personas.models import InboundStage, PersonaColour, PersonaIcon
from apps.surveys.models import QuestionType


@dataclass(frozen=True)
class Text:
    fi: str
    en: str

    def __call__(self, language: str) -> str:
        return self.en if language == "en" else self.fi


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


# The default follow-up survey: the standard NPS and free-text questions (their wording comes
# from apps.surveys.wordings), with a title, an introduction and a thank-you in both languages.
# (question type, required), in order.
SURVEY_QUESTIONS = ((QuestionType.NPS, True), (QuestionType.TEXT, False))
SURVEY_TITLE = Text("Miten onnistuimme?", "How did we do?")
SURVEY_INTRO = Text(
    "Kiitos käynnistäsi. Vastaamiseen menee alle minuutti, ja luemme jokaisen vastauksen.",
    "Thank you for your visit. Answering takes less than a minute, and we read every answer.",
)
SURVEY_THANK_YOU = Text(
    "Vastauksesi auttaa meitä parantamaan palvelua.",
    "Your answer helps us make the service better.",
)

T, TP, S, P = Text, TouchpointSeed, StageSeed, PersonaSeed

VEHICLE_INSPECTION = StarterTemplate(
    key="vehicle_inspection",
    label=T("Katsastus", "Vehicle inspection"),
    summary=T(
        "Määräaikaiskatsastus ajanvarauksesta tulokseen ja jälkitarkastukseen.",
        "A periodic inspection from booking to the result and the re-inspection.",
    ),
    path_name=T("Määräaikaiskatsastus", "Periodic inspection"),
    path_description=T(
        "Asiakas haluaa auton katsastettua vaivatta ja tietää, mitä autolle pitää tehdä.",
        "The customer wants the car inspected without fuss and to know what it needs.",
    ),
    stages=(
        S(
            T("Ajanvaraus", "Booking"),
            (
                TP(
                    T("Muistutus katsastuksesta", "Inspection reminder"),
                    Channel.EMAIL,
                    T("Saa muistutuksen, että katsastus lähestyy.", "Gets a reminder that the inspection is due."),
                    T(
                        "Muistutus tulee ajoissa, kertoo hinnan ja vie suoraan varaukseen.",
                        "The reminder comes in good time, states the price and leads straight to booking.",
                    ),
                ),
                TP(
                    T("Verkkoajanvaraus", "Online booking"),
                    Channel.WEB,
                    T("Valitsee aseman ja ajan.", "Chooses a station and a time."),
                    T(
                        "Varaus onnistuu parissa minuutissa, ja vahvistus tulee heti.",
                        "Booking takes a couple of minutes and the confirmation arrives at once.",
                    ),
                    emotion=1,
                ),
            ),
        ),
        S(
            T("Saapuminen", "Arrival"),
            (
                TP(
                    T("Ilmoittautuminen", "Check-in"),
                    Channel.STORE,
                    T("Ilmoittautuu ja antaa auton avaimet.", "Checks in and hands over the keys."),
                    T(
                        "Asiakas otetaan vastaan heti ja hän tietää, kauanko katsastus kestää.",
                        "The customer is greeted at once and knows how long the inspection takes.",
                    ),
                    follow_up=True,
                ),
                TP(
                    T("Odotustila", "Waiting room"),
                    Channel.STORE,
                    T("Odottaa katsastuksen ajan.", "Waits while the car is inspected."),
                    T(
                        "Odotus on mukavaa, ja asiakas näkee, missä vaiheessa katsastus on.",
                        "The wait is comfortable and the customer can see how far the inspection is.",
                    ),
                ),
            ),
        ),
        S(
            T("Katsastus", "Inspection"),
            (
                TP(
                    T("Katsastajan selitys havainnoista", "The inspector explains the findings"),
                    Channel.STORE,
                    T("Kuuntelee, mitä autosta löytyi.", "Hears what was found on the car."),
                    T(
                        "Katsastaja näyttää havainnot, kertoo niiden kiireellisyyden ja vastaa kysymyksiin.",
                        "The inspector shows the findings, says how urgent they are and answers questions.",
                    ),
                    emotion=2,
                    peak=True,
                    follow_up=True,
                ),
            ),
        ),
        S(
            T("Tulos", "Result"),
            (
                TP(
                    T("Maksu ja lähtö", "Payment and departure"),
                    Channel.STORE,
                    T("Maksaa ja saa auton takaisin.", "Pays and gets the car back."),
                    T(
                        "Tulos ja todistus tulevat selkokielellä myös sähköpostiin, ja auto odottaa ovella.",
                        "The result and certificate also arrive by email in plain words; the car waits at the door.",
                    ),
                    emotion=1,
                    end=True,
                    follow_up=True,
                ),
                TP(
                    T("Muistutus jälkitarkastuksesta", "Re-inspection reminder"),
                    Channel.EMAIL,
                    T("Saa muistutuksen jälkitarkastuksen määräajasta.", "Is reminded of the re-inspection deadline."),
                    T(
                        "Muistutus kertoo määräajan ja tarjoaa ajan jälkitarkastukseen.",
                        "The reminder gives the deadline and offers a time for the re-inspection.",
                    ),
                    emotion=-1,
                ),
            ),
        ),
    ),
    personas=(
        P(
            T("Kiireinen perheellinen", "Busy parent"),
            T(
                "Katsastus hoidetaan työpäivän lomassa, kalenteri on täynnä.",
                "Fits the inspection into a working day with a full calendar.",
            ),
            T("Ilta-ajat, tarkka aikataulu, tulos heti.", "Evening times, a schedule that holds, the result at once."),
            T("Jonottaminen ja yllättävät jälkitarkastukset.", "Queues and unexpected re-inspections."),
            InboundStage.CONVERT,
            PersonaColour.TEAL,
            PersonaIcon.FAMILY,
        ),
        P(
            T("Yrittäjä, jolla on pakettiauto", "Tradesperson with a van"),
            T(
                "Pakettiauto on työkalu, ja jokainen seisottu tunti on pois laskutuksesta.",
                "The van is a tool: every hour it stands still is an hour not billed.",
            ),
            T("Aamun ensimmäiset ajat ja yrityslasku.", "The first slots of the morning and a company invoice."),
            T("Hylätty katsastus ja uusi käynti.", "A failed inspection and a second visit."),
            InboundStage.CLOSE,
            PersonaColour.ORANGE,
            PersonaIcon.VAN,
        ),
    ),
)

RETAIL_STORE = StarterTemplate(
    key="retail_store",
    label=T("Kivijalkamyymälä", "Retail store"),
    summary=T(
        "Myymäläkäynti tuotteen etsimisestä kassalle ja mahdolliseen palautukseen.",
        "A store visit from looking for a product to the till and a possible return.",
    ),
    path_name=T("Myymäläkäynti", "Store visit"),
    path_description=T(
        "Asiakas haluaa löytää sopivan tuotteen nopeasti ja saada hyvää neuvontaa.",
        "The customer wants to find the right product quickly and get good advice.",
    ),
    stages=(
        S(
            T("Ennen käyntiä", "Before the visit"),
            (
                TP(
                    T("Saatavuuden tarkistus verkossa", "Checking availability online"),
                    Channel.WEB,
                    T("Katsoo verkosta, onko tuotetta myymälässä.", "Checks online whether the store has the product."),
                    T(
                        "Saatavuus on ajan tasalla, ja tuotteen voi varata noudettavaksi.",
                        "Availability is up to date and the product can be reserved for pick-up.",
                    ),
                ),
            ),
        ),
        S(
            T("Myymälässä", "In the store"),
            (
                TP(
                    T("Tuotteen etsiminen", "Finding the product"),
                    Channel.STORE,
                    T("Etsii hyllyistä oikeaa tuotetta.", "Looks for the right product on the shelves."),
                    T(
                        "Opasteet ovat selkeät, ja tuote löytyy siitä, missä sitä odottaa.",
                        "Signs are clear and the product is where one would expect it.",
                    ),
                    emotion=-1,
                ),
                TP(
                    T("Myyjän neuvonta", "Advice from staff"),
                    Channel.STORE,
                    T("Kysyy myyjältä neuvoa.", "Asks a member of staff for advice."),
                    T(
                        "Myyjä huomaa asiakkaan, kysyy tarpeesta ja suosittelee rehellisesti.",
                        "Staff notice the customer, ask about the need and recommend honestly.",
                    ),
                    emotion=2,
                    peak=True,
                    follow_up=True,
                ),
            ),
        ),
        S(
            T("Ostos", "Purchase"),
            (
                TP(
                    T("Kassa", "Till"),
                    Channel.STORE,
                    T("Maksaa ostoksensa.", "Pays for the purchase."),
                    T(
                        "Jono on lyhyt, maksaminen sujuu ja kuitin saa myös sähköpostiin.",
                        "The queue is short, paying is smooth and the receipt can come by email.",
                    ),
                    emotion=1,
                    end=True,
                    follow_up=True,
                ),
            ),
        ),
        S(
            T("Oston jälkeen", "After the purchase"),
            (
                TP(
                    T("Palautus tai vaihto", "Return or exchange"),
                    Channel.STORE,
                    T("Palauttaa tai vaihtaa tuotteen.", "Returns or exchanges the product."),
                    T(
                        "Palautus hoituu ilman selittelyä ja rahat palautuvat heti.",
                        "The return is handled without questions and the money comes back at once.",
                    ),
                    emotion=-1,
                    follow_up=True,
                ),
                TP(
                    T("Asiakaspalvelu puhelimessa", "Customer service by phone"),
                    Channel.PHONE,
                    T("Soittaa kysyäkseen tilauksesta tai takuusta.", "Calls about an order or a warranty."),
                    T(
                        "Puheluun vastataan nopeasti, ja asia hoituu yhdellä soitolla.",
                        "The call is answered quickly and the matter is settled in one call.",
                    ),
                ),
            ),
        ),
    ),
    personas=(
        P(
            T("Tavoitteellinen ostaja", "Goal-driven shopper"),
            T("Tietää, mitä tarvitsee, ja haluaa sen heti.", "Knows what they need and wants it now."),
            T("Ajantasainen saatavuus ja nopea kassa.", "Up-to-date availability and a quick till."),
            T("Loppuneet tuotteet ja jonot.", "Products out of stock and queues."),
            InboundStage.CLOSE,
            PersonaColour.BLUE,
        ),
        P(
            T("Neuvoa kaipaava asiakas", "Customer looking for advice"),
            T(
                "Vertailee vaihtoehtoja ja arvostaa asiantuntevaa myyjää.",
                "Compares options and values knowledgeable staff.",
            ),
            T("Aikaa kysymyksille ja rehellinen suositus.", "Time for questions and an honest recommendation."),
            T("Tyrkyttäminen ja se, ettei apua löydy.", "Pushy selling, or no help to be found."),
            InboundStage.ATTRACT,
            PersonaColour.ROSE,
        ),
    ),
)

CLINIC = StarterTemplate(
    key="clinic",
    label=T("Klinikka tai terveyspalvelu", "Clinic or health service"),
    summary=T(
        "Vastaanottokäynti ajanvarauksesta jatkohoitoon.",
        "An appointment from booking to follow-up care.",
    ),
    path_name=T("Vastaanottokäynti", "Appointment"),
    path_description=T(
        "Asiakas haluaa apua vaivaansa ja tuntea olevansa hyvissä käsissä.",
        "The patient wants help with their problem and to feel in good hands.",
    ),
    stages=(
        S(
            T("Ajanvaraus", "Booking"),
            (
                TP(
                    T("Ajanvaraus verkossa tai puhelimessa", "Booking online or by phone"),
                    Channel.WEB,
                    T("Varaa ajan sopivalle ammattilaiselle.", "Books a time with the right professional."),
                    T(
                        "Sopiva aika löytyy helposti, ja vahvistus kertoo, miten käyntiin valmistaudutaan.",
                        "A suitable time is easy to find and the confirmation says how to prepare.",
                    ),
                ),
                TP(
                    T("Muistutus käynnistä", "Appointment reminder"),
                    Channel.EMAIL,
                    T("Saa muistutuksen edellisenä päivänä.", "Gets a reminder the day before."),
                    T(
                        "Muistutus kertoo ajan, paikan ja miten aika perutaan.",
                        "The reminder gives the time, the place and how to cancel.",
                    ),
                ),
            ),
        ),
        S(
            T("Saapuminen", "Arrival"),
            (
                TP(
                    T("Ilmoittautuminen ja odotus", "Check-in and waiting"),
                    Channel.STORE,
                    T("Ilmoittautuu ja odottaa vuoroaan.", "Checks in and waits to be called."),
                    T(
                        "Ilmoittautuminen on nopeaa, ja viivästyksestä kerrotaan ennen kuin asiakas ehtii kysyä.",
                        "Check-in is quick and any delay is announced before the patient has to ask.",
                    ),
                    emotion=-1,
                ),
            ),
        ),
        S(
            T("Vastaanotto", "Consultation"),
            (
                TP(
                    T("Vastaanotto", "Consultation"),
                    Channel.STORE,
                    T("Kertoo vaivastaan ja saa hoitoa.", "Describes the problem and is treated."),
                    T(
                        "Ammattilainen kuuntelee, selittää selkokielellä ja kertoo, mitä seuraavaksi tapahtuu.",
                        "The professional listens, explains in plain words and says what happens next.",
                    ),
                    emotion=2,
                    peak=True,
                    follow_up=True,
                ),
                TP(
                    T("Maksu ja jatkoajan varaus", "Payment and next appointment"),
                    Channel.STORE,
                    T("Maksaa käynnin ja varaa tarvittaessa uuden ajan.", "Pays and books a follow-up if needed."),
                    T(
                        "Maksu sujuu vaivatta ja jatkoaika varataan samalla kertaa.",
                        "Paying is easy and the next appointment is booked at the same time.",
                    ),
                    emotion=1,
                    end=True,
                    follow_up=True,
                ),
            ),
        ),
        S(
            T("Jatkohoito", "Follow-up care"),
            (
                TP(
                    T("Tulokset ja hoito-ohjeet", "Results and care instructions"),
                    Channel.WEB,
                    T("Saa tutkimustulokset ja ohjeet.", "Receives test results and instructions."),
                    T(
                        "Tulokset tulevat luvatussa ajassa ja niiden merkitys selitetään.",
                        "Results arrive when promised and what they mean is explained.",
                    ),
                ),
                TP(
                    T("Soitto hoitajalle", "Calling a nurse"),
                    Channel.PHONE,
                    T("Soittaa kysyäkseen hoidosta.", "Calls to ask about the treatment."),
                    T(
                        "Hoitaja vastaa tai soittaa takaisin samana päivänä.",
                        "A nurse answers or calls back the same day.",
                    ),
                    follow_up=True,
                ),
            ),
        ),
    ),
    personas=(
        P(
            T("Huolestunut ensikävijä", "Worried first-time patient"),
            T(
                "Tulee ensimmäistä kertaa ja jännittää, mitä vaivasta selviää.",
                "Comes for the first time and is anxious about what the problem is.",
            ),
            T("Selkeät ohjeet ja aikaa kysymyksille.", "Clear instructions and time for questions."),
            T("Epätietoisuus ja ammattisanasto.", "Uncertainty and medical jargon."),
            InboundStage.ATTRACT,
            PersonaColour.PURPLE,
        ),
        P(
            T("Pitkäaikainen asiakas", "Long-term patient"),
            T(
                "Käy säännöllisesti ja haluaa saman ammattilaisen vastaanotolle.",
                "Visits regularly and wants to see the same professional.",
            ),
            T("Tuttu hoitaja tai lääkäri ja joustavat ajat.", "A familiar nurse or doctor and flexible times."),
            T("Asioiden kertominen aina uudestaan.", "Having to tell everything again every time."),
            InboundStage.DELIGHT,
            PersonaColour.OLIVE,
            PersonaIcon.SENIOR,
        ),
    ),
)

B2B_SERVICES = StarterTemplate(
    key="b2b_services",
    label=T("Yrityspalvelut", "B2B services"),
    summary=T(
        "Asiakassuhde ensimmäisestä yhteydenotosta toimitukseen ja jatkoon.",
        "A client relationship from the first contact to delivery and renewal.",
    ),
    path_name=T("Asiakassuhde", "Client relationship"),
    path_description=T(
        "Asiakasyritys haluaa kumppanin, joka ymmärtää sen tarpeen ja pitää lupauksensa.",
        "The client wants a partner who understands its need and keeps its promises.",
    ),
    stages=(
        S(
            T("Yhteydenotto", "First contact"),
            (
                TP(
                    T("Tarjouspyyntö", "Request for a quote"),
                    Channel.WEB,
                    T("Lähettää tarjouspyynnön verkkosivuilta.", "Sends a request for a quote from the website."),
                    T(
                        "Pyyntöön vastataan seuraavana arkipäivänä nimetyn yhteyshenkilön kautta.",
                        "The request is answered the next working day by a named contact person.",
                    ),
                ),
                TP(
                    T("Tarvekartoitus", "Needs assessment"),
                    Channel.PHONE,
                    T("Kertoo tarpeestaan ja tavoitteistaan.", "Explains the need and the goals."),
                    T(
                        "Kuuntelemme ensin ja kysymme tarkentavia kysymyksiä ennen kuin ehdotamme mitään.",
                        "We listen first and ask before we propose anything.",
                    ),
                    emotion=1,
                    follow_up=True,
                ),
            ),
        ),
        S(
            T("Sopimus", "Agreement"),
            (
                TP(
                    T("Tarjous ja sopimus", "Proposal and contract"),
                    Channel.EMAIL,
                    T("Saa tarjouksen ja allekirjoittaa sopimuksen.", "Receives a proposal and signs the contract."),
                    T(
                        "Tarjous on selkeä: mitä tehdään, milloin ja millä hinnalla.",
                        "The proposal is clear: what, when and at what price.",
                    ),
                ),
            ),
        ),
        S(
            T("Toimitus", "Delivery"),
            (
                TP(
                    T("Aloituspalaveri", "Kick-off meeting"),
                    Channel.OTHER,
                    T("Tapaa tiimin ja sopii työn kulusta.", "Meets the team and agrees how the work runs."),
                    T(
                        "Kaikki tietävät roolinsa, aikataulun ja sen, miten yhteyttä pidetään.",
                        "Everyone knows their role, the schedule and how to stay in touch.",
                    ),
                    emotion=1,
                    follow_up=True,
                ),
                TP(
                    T("Tilannekatsaus", "Progress update"),
                    Channel.EMAIL,
                    T("Saa säännöllisen katsauksen työn etenemisestä.", "Gets regular updates on progress."),
                    T(
                        "Katsaus tulee sovitusti ja kertoo myös ongelmista ajoissa.",
                        "Updates come as agreed and raise problems early.",
                    ),
                ),
                TP(
                    T("Luovutus", "Handover"),
                    Channel.OTHER,
                    T("Ottaa valmiin työn vastaan.", "Receives the finished work."),
                    T(
                        "Työ valmistuu luvattuna päivänä, ja tulokset käydään yhdessä läpi.",
                        "The work is ready on the promised day and the results are reviewed together.",
                    ),
                    emotion=2,
                    peak=True,
                    follow_up=True,
                ),
            ),
        ),
        S(
            T("Jatko", "Renewal"),
            (
                TP(
                    T("Laskutus", "Invoicing"),
                    Channel.EMAIL,
                    T("Saa laskun.", "Receives the invoice."),
                    T(
                        "Lasku vastaa sovittua eikä sisällä yllätyksiä.",
                        "The invoice matches what was agreed, with no surprises.",
                    ),
                ),
                TP(
                    T("Jatkopalaveri", "Review meeting"),
                    Channel.PHONE,
                    T("Käy läpi, mitä saavutettiin ja mitä seuraavaksi.", "Reviews what was achieved and what next."),
                    T(
                        "Asiakas kokee, että häntä kuunneltiin ja että yhteistyö kannattaa.",
                        "The client feels heard and that working together pays off.",
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
            T("Ostopäätöksen tekijä", "Decision-maker"),
            T(
                "Johtaja, joka vastaa budjetista ja tuloksista.",
                "A director who answers for the budget and the results.",
            ),
            T(
                "Selkeä hinta, luotettava aikataulu ja mitattavat tulokset.",
                "A clear price, a reliable schedule, measurable results.",
            ),
            T("Venyvät projektit ja yllättävät kulut.", "Projects that drag on and unexpected costs."),
            InboundStage.CLOSE,
            PersonaColour.BLUE,
            PersonaIcon.BRIEFCASE,
        ),
        P(
            T("Yhteyshenkilö", "Day-to-day contact"),
            T(
                "Asiantuntija, joka tekee yhteistyötä tiimin kanssa päivittäin.",
                "A specialist who works with the team every day.",
            ),
            T("Nopeat vastaukset ja yksi tuttu yhteyshenkilö.", "Quick answers and one familiar contact."),
            T("Asioiden selittäminen uudelleen uusille ihmisille.", "Explaining things again to new people."),
            InboundStage.DELIGHT,
            PersonaColour.TEAL,
        ),
    ),
)

STARTER_TEMPLATES: dict[str, StarterTemplate] = {
    template.key: template for template in (VEHICLE_INSPECTION, RETAIL_STORE, CLINIC, B2B_SERVICES)
}
