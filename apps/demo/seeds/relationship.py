"""The demo company's relationship survey: a send-out to its customers twice a year asking how likely they
are to recommend the company, so the dashboard's key drivers (docs/key-drivers.md) have something to tell.

Each answer follows from the customer's own answers at the touchpoints in the year before it: the weak
ending (payment and leaving) and the inspector's explanation weigh most, the result hand-over and phone
booking somewhat, the inspection hall and the check-in little, the waiting room and parking not at all.
The key drivers page then finds the ending and the explanation on top, the check-in with no clear link,
and marks a clearly linked touchpoint that scores below the others (phone booking) to fix first.

Written in bulk, row for row as the services would have (invitations with their tokens and sent emails,
the frequency cap, answers, and the follow-up cases of poor answers, handled in time). Deterministic:
its own random generator, so the rest of the demo stays as it was. Runs after the encounters.
"""

import datetime as dt
from collections import defaultdict
from random import Random

from django.utils import timezone

from apps.accounts.models import User
from apps.cases.models import CaseEvent, CaseStatus, FollowUpCase
from apps.cases.reasons import CaseReason
from apps.cases.working_days import add_working_days
from apps.customers.models import Customer
from apps.demo.seeds.context import DemoContext
from apps.surveys.models import (
    QUESTION_SCALES,
    Answer,
    Campaign,
    EmailKind,
    EmailStatus,
    Invitation,
    InvitationEmail,
    InvitationStatus,
    Question,
    QuestionType,
    Response,
    SuppressionReason,
    Survey,
    SurveySettings,
)
from apps.surveys.poor_answers import poor_limits, poor_scores
from apps.surveys.selectors import survey_settings_get
from apps.surveys.tokens import token_for, token_hash, token_nonce_new

CAMPAIGN_NAME = "Asiakassuhdekysely"
SURVEY_NAME = "Asiakassuhde"
# The send-outs, in days before the demo is made: one in the default 90-day view, one half a year before.
SEND_OUT_DAYS_AGO = (215, 34)
REPEAT_MONTHS = 6
ANSWER_RATE = 0.5
LOOKBACK_DAYS = 365
# How many NPS points one step of 0.1 in the customer's experience at a touchpoint moves their answer.
WEIGHTS = {
    "Katsastajan selitys havainnoista": 1.1,
    "Maksu ja lähtö": 1.2,
    "Tulos ja todistus": 0.6,
    "Ajanvaraus puhelimessa": 0.45,
    "Katsastus hallissa": 0.15,
    "Ilmoittautuminen tiskillä": 0.1,
    "Odotustila": 0.0,
    "Pysäköinti ja opasteet": 0.0,
}
BASE_SCORE = 8.1
NOISE = 1.3
REASONS_FI = [
    "Katsastaja kertoi selkeästi, mitä autolle pitää tehdä.",
    "Nopea ja asiallinen palvelu.",
    "Maksaminen ja lähteminen kestivät turhan kauan.",
    "Hinta on kohdallaan, ja ajan saa helposti.",
    "Kassalla jonotettiin pitkään.",
]
BATCH = 1000


def seed(*, context: DemoContext) -> None:
    if Campaign.objects.filter(name=CAMPAIGN_NAME).exists():
        return
    random = Random(f"{context.tenant.schema_name}:relationship")
    now = timezone.now()
    survey, nps_question, reason_question = _survey_ensure()
    admin = User.objects.filter(email="admin@demo.kokemus.fi").first()
    last_send = now - dt.timedelta(days=SEND_OUT_DAYS_AGO[-1])
    campaign = Campaign.objects.create(
        name=CAMPAIGN_NAME,
        survey=survey,
        repeat_every_months=REPEAT_MONTHS,
        last_run_at=last_send,
        next_run_at=last_send + dt.timedelta(days=30 * REPEAT_MONTHS),
        created_by=admin,
    )
    experiences = _experiences()
    centres = _centres(experiences)
    customers = list(Customer.objects.filter(survey_consent=True, unsubscribed=False).exclude(email="").order_by("id"))
    invited_at = _invitation_times()
    settings = survey_settings_get()
    written = {"invitations": 0, "answers": 0, "cases": 0}
    for days_ago in SEND_OUT_DAYS_AGO:
        sent_at = now - dt.timedelta(days=days_ago)
        counts = _send_out(
            random,
            campaign=campaign,
            customers=customers,
            sent_at=sent_at,
            now=now,
            invited_at=invited_at,
            experiences=experiences,
            centres=centres,
            questions=(nps_question, reason_question),
            settings=settings,
            time_zone=context.tenant.time_zone,
            admin=admin,
        )
        for key, value in counts.items():
            written[key] += value
    context.say(
        "  relationship survey: {invitations} invitations, {answers} answers, {cases} follow-up cases".format(**written)
    )


def _survey_ensure() -> tuple[Survey, Question, Question]:
    survey = Survey.objects.create(
        name=SURVEY_NAME,
        title_fi="Millaisena asiakkaana koet olosi Katsastus Kivellä?",
        title_sv="Hur upplever du dig som kund hos Katsastus Kivi?",
        title_en="How do you feel as a customer of Katsastus Kivi?",
        intro_fi="Kaksi kysymystä kokemuksestasi meistä tähän mennessä.",
        intro_sv="Två frågor om din upplevelse av oss hittills.",
        intro_en="Two questions about your experience of us so far.",
        thank_you_fi="Kiitos! Vastauksesi auttaa meitä parantamaan palvelua.",
        thank_you_sv="Tack! Ditt svar hjälper oss att förbättra servicen.",
        thank_you_en="Thank you! Your answer helps us improve our service.",
    )
    nps = Question.objects.create(
        survey=survey,
        position=1,
        type=QuestionType.NPS,
        text_fi="Kuinka todennäköisesti suosittelisit Katsastus Kiveä ystävällesi tai kollegallesi?",
        text_sv="Hur sannolikt är det att du skulle rekommendera Katsastus Kivi till en vän eller kollega?",
        text_en="How likely are you to recommend Katsastus Kivi to a friend or colleague?",
    )
    reason = Question.objects.create(
        survey=survey,
        position=2,
        type=QuestionType.TEXT,
        text_fi="Mikä on tärkein syy arvosanaasi?",
        text_sv="Vad är den viktigaste orsaken till ditt betyg?",
        text_en="What is the main reason for your score?",
        required=False,
    )
    return survey, nps, reason


def _experiences() -> dict[int, list[tuple[dt.datetime, str, float]]]:
    """{customer id: [(answered at, touchpoint name, headline answer on 0..1)]} of every touchpoint answer."""
    rows = (
        Answer.objects.filter(
            response__source="invited",
            response__touchpoint__isnull=False,
            response__encounter__isnull=False,
            score__isnull=False,
            question__position=1,
        )
        .values_list("response__customer_id", "response__submitted_at", "response__touchpoint__name", "type", "score")
        .order_by("response__submitted_at")
    )
    experiences: dict[int, list[tuple[dt.datetime, str, float]]] = defaultdict(list)
    for customer_id, at, touchpoint, kind, score in rows:
        if kind in QUESTION_SCALES:
            low, high = QUESTION_SCALES[kind]
            experiences[customer_id].append((at, touchpoint, (score - low) / (high - low)))
    return experiences


def _centres(experiences: dict[int, list[tuple[dt.datetime, str, float]]]) -> dict[str, float]:
    """Each touchpoint's mean experience: the answer moves with a customer's distance from it."""
    values: dict[str, list[float]] = defaultdict(list)
    for rows in experiences.values():
        for _at, touchpoint, value in rows:
            values[touchpoint].append(value)
    return {touchpoint: sum(items) / len(items) for touchpoint, items in values.items()}


def _invitation_times() -> dict[int, list[dt.datetime]]:
    """{customer id: the times their invitations went out}, for the frequency cap."""
    times: dict[int, list[dt.datetime]] = defaultdict(list)
    for customer_id, sent_at in Invitation.objects.filter(sent_at__isnull=False).values_list("customer_id", "sent_at"):
        times[customer_id].append(sent_at)
    return times


def _score(
    random: Random,
    *,
    rows: list[tuple[dt.datetime, str, float]],
    answered_at: dt.datetime,
    centres: dict[str, float],
) -> int:
    by_touchpoint: dict[str, list[float]] = defaultdict(list)
    for at, touchpoint, value in rows:
        if answered_at - dt.timedelta(days=LOOKBACK_DAYS) <= at < answered_at:
            by_touchpoint[touchpoint].append(value)
    drift = sum(
        WEIGHTS.get(touchpoint, 0.0) * 10 * (sum(values) / len(values) - centres[touchpoint])
        for touchpoint, values in by_touchpoint.items()
    )
    return max(0, min(10, round(random.gauss(BASE_SCORE + drift, NOISE))))


def _send_out(
    random: Random,
    *,
    campaign: Campaign,
    customers: list[Customer],
    sent_at: dt.datetime,
    now: dt.datetime,
    invited_at: dict[int, list[dt.datetime]],
    experiences: dict[int, list[tuple[dt.datetime, str, float]]],
    centres: dict[str, float],
    questions: tuple[Question, Question],
    settings: SurveySettings,
    time_zone: str,
    admin: User | None,
) -> dict[str, int]:
    cap = dt.timedelta(days=settings.frequency_cap_days)
    link_valid = dt.timedelta(days=settings.link_valid_days)
    invitations: list[Invitation] = []
    answers: list[tuple[int, dt.datetime, int, str]] = []  # (index in invitations, answered at, score, reason)
    for customer in customers:
        if customer.created_at > sent_at:
            continue
        capped = any(sent_at - cap <= at <= sent_at for at in invited_at.get(customer.pk, []))
        nonce = token_nonce_new()
        invitation = Invitation(
            survey=campaign.survey,
            customer=customer,
            campaign=campaign,
            language=customer.language,
            status=InvitationStatus.SUPPRESSED if capped else InvitationStatus.SENT,
            suppression_reason=SuppressionReason.FREQUENCY_CAP if capped else "",
            token_nonce=nonce,
            token_hash=token_hash(token_for(nonce)),
            sent_at=None if capped else sent_at,
            expires_at=None if capped else sent_at + link_valid,
        )
        invitations.append(invitation)
        if capped:
            continue
        invited_at[customer.pk].append(sent_at)
        answered_at = sent_at + dt.timedelta(minutes=10 + min(int(random.expovariate(1 / 600)), 60 * 24 * 6))
        if random.random() >= ANSWER_RATE or answered_at >= now:
            continue
        score = _score(random, rows=experiences.get(customer.pk, []), answered_at=answered_at, centres=centres)
        reason = random.choice(REASONS_FI) if customer.language == "fi" and random.random() < 0.3 else ""
        invitation.status, invitation.answered_at = InvitationStatus.ANSWERED, answered_at
        answers.append((len(invitations) - 1, answered_at, score, reason))
    invitations = Invitation.objects.bulk_create(invitations, batch_size=BATCH)
    Invitation.objects.filter(pk__in=[invitation.pk for invitation in invitations]).update(
        created_at=sent_at, updated_at=sent_at
    )
    InvitationEmail.objects.bulk_create(
        [
            InvitationEmail(
                invitation=invitation,
                kind=EmailKind.INITIAL,
                status=EmailStatus.SENT,
                due_at=sent_at,
                sent_at=sent_at,
            )
            for invitation in invitations
            if invitation.sent_at is not None
        ],
        batch_size=BATCH,
    )
    responses = Response.objects.bulk_create(
        [
            Response(
                invitation=invitations[index],
                survey=campaign.survey,
                customer=invitations[index].customer,
                language=invitations[index].language,
                submitted_at=answered_at,
            )
            for index, answered_at, _score, _reason in answers
        ],
        batch_size=BATCH,
    )
    nps_question, reason_question = questions
    rows = []
    for response, (_index, _at, score, reason) in zip(responses, answers, strict=True):
        rows.append(Answer(response=response, question=nps_question, type=QuestionType.NPS, score=score))
        if reason:
            rows.append(Answer(response=response, question=reason_question, type=QuestionType.TEXT, text=reason))
    Answer.objects.bulk_create(rows, batch_size=BATCH)
    cases = _cases_write(
        random, invitations=invitations, answers=answers, now=now, admin=admin, settings=settings, time_zone=time_zone
    )
    return {"invitations": len(invitations), "answers": len(responses), "cases": cases}


def _cases_write(
    random: Random,
    *,
    invitations: list[Invitation],
    answers: list[tuple[int, dt.datetime, int, str]],
    now: dt.datetime,
    admin: User | None,
    settings: SurveySettings,
    time_zone: str,
) -> int:
    """A poor answer opens a case for the company admin (a send-out has no touchpoint owner), who called the
    customer back in time and resolved it, as response_submit and the case services would have recorded."""
    limits = poor_limits(settings)
    planned = []
    for index, answered_at, score, reason in answers:
        poor = poor_scores(answers=[(QuestionType.NPS, score)], limits=limits)
        if not poor:
            continue
        due_at = add_working_days(answered_at, days=settings.case_due_working_days, time_zone=time_zone)
        contacted_at = answered_at + dt.timedelta(hours=random.randint(2, 20))
        resolved_at = contacted_at + dt.timedelta(hours=random.randint(1, 30))
        done = admin is not None and resolved_at < now
        planned.append((invitations[index], answered_at, due_at, contacted_at, resolved_at, done, poor, reason))
    cases = FollowUpCase.objects.bulk_create(
        [
            FollowUpCase(
                customer=invitation.customer,
                assignee=admin,
                status=CaseStatus.RESOLVED if done else CaseStatus.OPEN,
                **CaseReason.poor_answer(poor).fields(),
                detail=reason,
                source_key=f"invitation:{invitation.pk}",
                due_at=due_at,
                contacted_at=contacted_at if done else None,
                resolved_at=resolved_at if done else None,
                resolution_note="Soitettu asiakkaalle ja käyty palaute läpi." if done else "",
                resolved_by=admin if done else None,
                notified_at=answered_at,
            )
            for invitation, answered_at, due_at, contacted_at, resolved_at, done, poor, reason in planned
        ],
        batch_size=BATCH,
    )
    events = []
    for case, (_invitation, answered_at, _due, contacted_at, resolved_at, done, _poor, _reason) in zip(
        cases, planned, strict=True
    ):
        events.append(CaseEvent(case=case, at=answered_at, to_status=CaseStatus.OPEN))
        if done:
            events.append(
                CaseEvent(
                    case=case,
                    at=contacted_at,
                    actor=admin,
                    from_status=CaseStatus.OPEN,
                    to_status=CaseStatus.CONTACTED,
                    note="Soitettu asiakkaalle.",
                )
            )
            events.append(
                CaseEvent(
                    case=case,
                    at=resolved_at,
                    actor=admin,
                    from_status=CaseStatus.CONTACTED,
                    to_status=CaseStatus.RESOLVED,
                    note="Käyty palaute läpi.",
                )
            )
    CaseEvent.objects.bulk_create(events, batch_size=BATCH)
    for case, (_invitation, answered_at, *_rest) in zip(cases, planned, strict=True):
        case.created_at = answered_at
    FollowUpCase.objects.bulk_update(cases, ["created_at"], batch_size=BATCH)
    return len(cases)
