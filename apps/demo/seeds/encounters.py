"""Two months of frontline life at the demo inspection station: encounters, surveys, answers and cases.

A follow-up survey (NPS, CSAT and a free-text question, in Finnish and English)
follows most touchpoints where staff meet customers. The frontline staff log a few
hundred encounters over the last ~60 days; a realistic share of the customers agree
to the survey and answer it, and the poor answers open real follow-up cases, most
of them handled, some still overdue. Everything goes through the services with an
injected clock, in time order, so consent, the frequency cap, case assignment and
due times hold as in real use. Deterministic (context.random) and run once.
"""

import datetime as dt
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.accounts.models import User
from apps.cases.models import FollowUpCase
from apps.cases.services import case_mark_contacted, case_resolve
from apps.customers.models import Customer
from apps.demo.seeds.context import DemoContext
from apps.encounters.models import Encounter, Outcome
from apps.encounters.services import encounter_log
from apps.journeys.models import Touchpoint
from apps.journeys.selectors import touchpoint_list
from apps.surveys.models import (
    EmailKind,
    EmailStatus,
    Invitation,
    InvitationEmail,
    InvitationStatus,
    Question,
    QuestionType,
    Survey,
    SurveySettings,
    TouchpointSurvey,
)
from apps.surveys.responses import response_submit
from apps.surveys.selectors import survey_settings_get
from apps.surveys.sending import invitation_create

SURVEY_NAME = "Käynnin jälkeen"
DAYS = 60
ENCOUNTERS = 320

# Who logs where (touchpoint names of the demo paths), and how busy they are.
STAFF_TOUCHPOINTS = {
    "frontline": (
        ["Ilmoittautuminen tiskillä", "Maksu ja lähtö", "Odotustila", "Pysäköinti ja opasteet"],
        [5, 4, 2, 1],
        0.34,
    ),
    "inspector_1": (["Katsastus hallissa", "Katsastajan selitys havainnoista", "Tulos ja todistus"], [3, 3, 2], 0.22),
    "inspector_2": (["Katsastus hallissa", "Tulos ja todistus", "Katsastajan selitys havainnoista"], [3, 3, 1], 0.18),
    "service_desk": (["Ajanvaraus puhelimessa", "Soitto asiakaspalveluun", "Ratkaisupuhelu"], [5, 3, 1], 0.20),
    "station_lead": (["Ratkaisupuhelu", "Katsastajan lausunto"], [2, 1], 0.06),
}
# Minutes from the encounter to the survey email, by channel (other channels use the company default).
DELAYS = {"phone": 60, "store": 120, "web": 30}

NOTES_POOR = [
    "Asiakas joutui odottamaan yli 20 minuuttia, vaikka hänellä oli varattu aika.",
    "Jälkitarkastuksen syy jäi asiakkaalle epäselväksi, selitin uudelleen.",
    "Korttimaksu ei toiminut kaistalla, asiakas joutui käymään tiskillä.",
    "Verkkovarauksen vahvistusviesti ei ollut tullut perille.",
    "Asiakas piti hintaa kalliina verrattuna naapuriasemaan.",
    "Pysäköintipaikat taas täynnä, asiakas kiersi pihaa kymmenen minuuttia.",
    "Asiakas pyysi, että tulos kerrotaan ilman lyhenteitä. Pöytäkirja on vaikeaselkoinen.",
    "Asiakas oli närkästynyt, kun hylkäys tuli pienestä valoviasta.",
]
NOTES_GOOD = [
    "Asiakas kiitteli nopeasta palvelusta.",
    "Kerroin renkaiden kunnosta, asiakas oli iloinen vinkistä.",
    "Auto oli valmis ennen kuin asiakas ehti juoda kahvinsa.",
    "Vakioasiakas kehui uutta odotustilaa.",
    "Näytin jarrulevyn kulumisen kuvasta, asiakas ymmärsi heti.",
]
NOTES_IDEA = [
    "Asiakas kysyi, voisiko katsastusajan varata myös iltaisin.",
    "Toive: muistutus tekstiviestinä sähköpostin lisäksi.",
    "Asiakas halusi kuitin sähköpostiin paperin sijaan.",
    "Ehdotus: odotustilan kahviautomaattiin korttimaksu.",
    "Pakettiautoilija kysyi lauantaiaikoja, niitä ei nyt ole.",
]
COMMENTS = {
    "fi": {
        "poor": [
            "Jonotin puoli tuntia varatusta ajasta huolimatta.",
            "Kukaan ei kertonut kunnolla, miksi auto hylättiin.",
            "Hinta oli korkeampi kuin verkossa luki.",
            "Palvelu tiskillä oli tylyä ja kiireistä.",
        ],
        "mid": [
            "Ihan ok, mutta odotustila voisi olla viihtyisämpi.",
            "Varaus toimi, pihalla oli vaikea löytää oikea kaista.",
        ],
        "good": [
            "Nopea ja ystävällinen palvelu, kiitos!",
            "Katsastaja selitti viat selkeästi.",
            "Helppo varata ja sujuva käynti.",
            "Hyvä kokemus, tulen uudelleen.",
        ],
    },
    "en": {
        "poor": ["I waited half an hour despite my booking.", "Nobody explained why the car failed."],
        "mid": ["Fine, but the waiting room could be nicer."],
        "good": ["Quick and friendly, thank you!", "The inspector explained everything clearly."],
    },
}
RESOLUTIONS = [
    "Soitin asiakkaalle ja pahoittelin odotusta. Tarjosimme seuraavan katsastuksen 20 % alennuksella.",
    "Kävin hylkäyksen syyt läpi puhelimessa ja varasimme jälkitarkastuksen sopivaan aikaan.",
    "Hintaero hyvitetty asiakkaalle ja verkkosivun hinta korjattu.",
    "Asiakas tyytyväinen soittoon, kertoi arvostavansa yhteydenottoa.",
]


def _survey_ensure() -> Survey:
    survey = Survey.objects.filter(name=SURVEY_NAME).first()
    if survey is not None:
        return survey
    survey = Survey.objects.create(
        name=SURVEY_NAME,
        title_fi="Miten käyntisi sujui?",
        title_en="How did your visit go?",
        intro_fi="Kaksi pikakysymystä ja vapaa sana. Vastaaminen vie alle minuutin.",
        intro_en="Two quick questions and a free word. Answering takes under a minute.",
        thank_you_fi="Kiitos! Luemme jokaisen vastauksen, ja huonoon kokemukseen otamme yhteyttä.",
        thank_you_en="Thank you! We read every answer and follow up on every poor experience.",
    )
    Question.objects.bulk_create(
        [
            Question(
                survey=survey,
                position=1,
                type=QuestionType.NPS,
                text_fi="Kuinka todennäköisesti suosittelisit meitä ystävällesi tai kollegallesi?",
                text_en="How likely are you to recommend us to a friend or colleague?",
            ),
            Question(
                survey=survey,
                position=2,
                type=QuestionType.CSAT,
                text_fi="Kuinka tyytyväinen olit tämänkertaiseen palveluun?",
                text_en="How satisfied were you with the service this time?",
            ),
            Question(
                survey=survey,
                position=3,
                type=QuestionType.TEXT,
                text_fi="Mitä voisimme tehdä paremmin?",
                text_en="What could we do better?",
                required=False,
            ),
        ]
    )
    return survey


def _attach(survey: Survey) -> None:
    """The survey follows every touchpoint where staff meet the customer (emails need none)."""
    for touchpoint in touchpoint_list():
        if touchpoint.channel == "email":
            continue
        TouchpointSurvey.objects.get_or_create(
            touchpoint=touchpoint, defaults={"survey": survey, "delay_minutes": DELAYS.get(touchpoint.channel)}
        )


def _moment(random: Random, *, now: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """A working-hours moment in the last DAYS days (weekdays 8-17, a few Saturdays)."""
    while True:
        day = (now - dt.timedelta(days=random.randint(0, DAYS - 1))).astimezone(zone).date()
        if day.weekday() == 6 or (day.weekday() == 5 and random.random() < 0.7):
            continue
        local = dt.datetime.combine(day, dt.time(8, 0), tzinfo=zone) + dt.timedelta(minutes=random.randint(0, 9 * 60))
        moment = local.astimezone(dt.UTC)
        if moment < now - dt.timedelta(minutes=10):
            return moment


def _feelings(random: Random, touchpoint: Touchpoint) -> tuple[str, int, int]:
    mood = random.random()
    if mood < 0.14:
        outcome = random.choice([Outcome.UNRESOLVED, Outcome.ESCALATED, Outcome.UNRESOLVED])
        peak, end = random.choice([-2, -2, -1]), random.choice([-2, -1, -1, 0])
    else:
        outcome = Outcome.RESOLVED
        base = touchpoint.planned_emotion
        peak = max(-2, min(2, base + random.choice([-2, -1, 0, 0, 1])))
        end = max(-2, min(2, random.choice([0, 1, 1, 1, 2, 2, -1])))
    return outcome, peak, end


def _note(random: Random, end: int) -> tuple[str, bool]:
    roll = random.random()
    if end < 0 and roll < 0.75:
        return random.choice(NOTES_POOR), random.random() < 0.6
    if roll < 0.12:
        return random.choice(NOTES_IDEA), random.random() < 0.5
    if end > 0 and roll < 0.3:
        return random.choice(NOTES_GOOD), False
    return "", False


def _answers(random: Random, invitation: Invitation, end: int) -> dict[str, str]:
    nps = max(0, min(10, round(7.2 + 1.3 * end + random.gauss(0, 1.6))))
    csat = max(1, min(5, round(3.6 + 0.8 * end + random.gauss(0, 0.7))))
    mood = "poor" if nps <= 6 else ("mid" if nps <= 8 else "good")
    raw = {}
    for question in invitation.survey.questions.all():
        if question.type == QuestionType.NPS:
            raw[f"q{question.pk}"] = str(nps)
        elif question.type == QuestionType.CSAT:
            raw[f"q{question.pk}"] = str(csat)
        elif random.random() < (0.8 if mood == "poor" else 0.4):
            raw[f"q{question.pk}"] = random.choice(COMMENTS.get(invitation.language, COMMENTS["fi"])[mood])
    return raw


def _survey_follow_up(
    random: Random, encounter: Encounter, *, survey: Survey, rules: SurveySettings, now: dt.datetime
) -> None:
    """Invite as the dispatcher would; past sends are marked sent and a share of them answered."""
    delay = DELAYS.get(encounter.touchpoint.channel, rules.default_delay_minutes)
    send_at = encounter.occurred_at + dt.timedelta(minutes=delay)
    invitation = invitation_create(
        survey=survey,
        customer=encounter.customer,
        encounter=encounter,
        send_at=send_at,
        now=encounter.occurred_at + dt.timedelta(minutes=1),
        rules=rules,
    )
    # As if the dispatcher had invited the customer a minute after the encounter.
    Invitation.objects.filter(pk=invitation.pk).update(created_at=encounter.occurred_at + dt.timedelta(minutes=1))
    if invitation.status != InvitationStatus.SCHEDULED:
        return
    email = InvitationEmail.objects.get(invitation=invitation, kind=EmailKind.INITIAL)
    sent_at = email.due_at
    if sent_at >= now:
        return  # still to come: the dispatcher sends it
    expires_at = sent_at + dt.timedelta(days=rules.link_valid_days)
    InvitationEmail.objects.filter(pk=email.pk).update(status=EmailStatus.SENT, sent_at=sent_at)
    Invitation.objects.filter(pk=invitation.pk).update(
        status=InvitationStatus.SENT, sent_at=sent_at, expires_at=expires_at
    )
    answered_at = sent_at + dt.timedelta(minutes=random.randint(5, 60 * 30))
    if random.random() < 0.55 and answered_at < now:
        response_submit(
            invitation_id=invitation.pk,
            raw_answers=_answers(random, invitation, encounter.end_feeling),
            now=answered_at,
        )


def _cases_follow_up(random: Random, *, now: dt.datetime) -> None:
    """Most cases were handled, the newest are open, a few slipped past their due time."""
    cases = FollowUpCase.objects.select_related("assignee").order_by("created_at", "id")
    for case in cases:
        opened = case.events.order_by("at").values_list("at", flat=True).first() or now
        actor: User | None = case.assignee
        if actor is None:
            continue
        age = now - opened
        roll = random.random()
        if age > dt.timedelta(days=4) and roll < 0.75:
            contacted = opened + dt.timedelta(hours=random.randint(2, 40))
            case_mark_contacted(case=case, actor=actor, note="Soitin asiakkaalle.", now=contacted)
            case_resolve(
                case=case,
                actor=actor,
                note=random.choice(RESOLUTIONS),
                now=contacted + dt.timedelta(hours=random.randint(1, 48)),
            )
        elif age > dt.timedelta(days=1) and roll < 0.85:
            case_mark_contacted(
                case=case,
                actor=actor,
                note="Jätin soittopyynnön.",
                now=opened + dt.timedelta(hours=random.randint(3, 20)),
            )
    # The assignees were told long ago; the demo must not email them about old cases now.
    FollowUpCase.objects.filter(notified_at__isnull=True).update(notified_at=now)


def seed(*, context: DemoContext) -> None:
    # The survey and case rules read the company's time zone from the connection's tenant.
    with tenant_context(context.tenant):
        _seed(context)


def _seed(context: DemoContext) -> None:
    survey = _survey_ensure()
    _attach(survey)
    if Encounter.objects.exists():
        return
    random = context.random
    now = timezone.now()
    zone = ZoneInfo(context.tenant.time_zone)
    rules = survey_settings_get()
    touchpoints = {touchpoint.name: touchpoint for touchpoint in touchpoint_list()}
    follow_ups = {row.touchpoint_id: row.survey for row in TouchpointSurvey.objects.select_related("survey")}
    customers = list(Customer.objects.order_by("id"))
    staff: list[tuple[Any, list[Touchpoint], list[int]]] = []
    shares = []
    for key, (names, weights, share) in STAFF_TOUCHPOINTS.items():
        user = context.users.get(key)
        known = [
            (touchpoints[name], weight) for name, weight in zip(names, weights, strict=True) if name in touchpoints
        ]
        if user is None or not known or not customers:
            continue
        staff.append((user, [touchpoint for touchpoint, _w in known], [weight for _t, weight in known]))
        shares.append(share)
    if not staff:
        return

    plan = []
    for _ in range(ENCOUNTERS):
        user, options, weights = random.choices(staff, weights=shares)[0]
        plan.append((_moment(random, now=now, zone=zone), user, random.choices(options, weights=weights)[0]))
    plan.sort(key=lambda row: row[0])

    for occurred_at, user, touchpoint in plan:
        customer = random.choice(customers)
        outcome, peak, end = _feelings(random, touchpoint)
        note, raised = _note(random, end)
        agreed = bool(customer.email) and not customer.unsubscribed and random.random() < 0.7
        encounter = encounter_log(
            logged_by=user,
            customer=customer,
            touchpoint=touchpoint,
            outcome=outcome,
            peak_feeling=peak,
            end_feeling=end,
            note=note,
            raised_to_management=raised,
            survey_agreed=agreed,
            occurred_at=occurred_at,
            now=occurred_at + dt.timedelta(minutes=2),
        )
        if agreed and touchpoint.pk in follow_ups:
            encounter.customer.refresh_from_db(fields=["survey_consent", "consent_given_at", "consent_source"])
            _survey_follow_up(random, encounter, survey=follow_ups[touchpoint.pk], rules=rules, now=now)
    _cases_follow_up(random, now=now)
