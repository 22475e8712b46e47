"""A year of frontline life at the demo inspection station: encounters, surveys, answers and cases.

A follow-up survey (NPS, CSAT, CES, "was your matter taken care of?" and a free-text question)
follows every touchpoint where staff meet customers. The year is planned in memory
(apps.demo.seeds.year: volume, feelings, consent, answers, case handling) and written
in two parts: everything older than the last SERVICE_DAYS days in bulk
(apps.demo.seeds.history, the services' rules applied row for row), and the most
recent days through the services with an injected clock, in time order, so the
newest data a visitor looks at first was made exactly as in real use. Deterministic
(context.random) and run once.
"""

import datetime as dt
from collections.abc import Callable

from django.db.models import QuerySet
from django.utils import timezone
from django_tenants.utils import tenant_context

from apps.accounts.models import User
from apps.cases.models import FollowUpCase
from apps.cases.services import case_assignee_for, case_mark_contacted, case_resolve
from apps.customers.models import Customer
from apps.demo.seeds.context import DemoContext
from apps.demo.seeds.history import HistoryTargets, history_write
from apps.demo.seeds.journeys import LATE_OWNERS
from apps.demo.seeds.year import (
    CustomerFacts,
    PlannedCase,
    PlannedEncounter,
    PlanRules,
    TouchpointFacts,
    year_plan,
)
from apps.encounters.models import Encounter
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
# The most recent days go through the services one encounter at a time; older ones are written in bulk.
SERVICE_DAYS = 30

# Minutes from the encounter to the survey email, by channel (other channels use the company default).
DELAYS = {"phone": 60, "store": 120, "web": 30}


def _survey_ensure() -> Survey:
    survey = Survey.objects.filter(name=SURVEY_NAME).first()
    if survey is not None:
        return survey
    survey = Survey.objects.create(
        name=SURVEY_NAME,
        title_fi="Miten käyntisi sujui?",
        title_sv="Hur gick ditt besök?",
        title_en="How did your visit go?",
        intro_fi="Neljä pikakysymystä ja vapaa sana. Vastaaminen vie alle minuutin.",
        intro_sv="Fyra snabba frågor och plats för dina egna ord. Det tar mindre än en minut.",
        intro_en="Four quick questions and room for your own words. It takes less than a minute.",
        thank_you_fi=(
            "Kiitos vastauksestasi! Luemme jokaisen vastauksen, "
            "ja jos kokemuksesi jäi huonoksi, otamme sinuun yhteyttä."
        ),
        thank_you_sv=(
            "Tack för ditt svar! Vi läser varje svar, och om din upplevelse var dålig hör vi av oss till dig."
        ),
        thank_you_en=(
            "Thank you for your answer! We read every answer, and if your experience was poor, we will get in touch."
        ),
    )
    Question.objects.bulk_create(
        [
            Question(
                survey=survey,
                position=1,
                type=QuestionType.NPS,
                text_fi="Kuinka todennäköisesti suosittelisit meitä ystävällesi tai kollegallesi?",
                text_sv="Hur sannolikt är det att du skulle rekommendera oss till en vän eller kollega?",
                text_en="How likely are you to recommend us to a friend or colleague?",
            ),
            Question(
                survey=survey,
                position=2,
                type=QuestionType.CSAT,
                text_fi="Kuinka tyytyväinen olit tämänkertaiseen palveluun?",
                text_sv="Hur nöjd var du med servicen den här gången?",
                text_en="How satisfied were you with the service this time?",
            ),
            # A statement to agree with, as the CES scale's end labels read (1 = strongly disagree).
            Question(
                survey=survey,
                position=3,
                type=QuestionType.CES,
                text_fi="Asiani hoitaminen kanssanne oli helppoa.",
                text_sv="Det var lätt att sköta mitt ärende med er.",
                text_en="The company made it easy for me to handle my issue.",
            ),
            # Counted apart from NPS, CSAT and CES: its yes share is on the touchpoint's dashboard page.
            Question(
                survey=survey,
                position=4,
                type=QuestionType.YESNO,
                text_fi="Saitko asiasi hoidettua?",
                text_sv="Blev ditt ärende ordnat?",
                text_en="Did you get your matter taken care of?",
            ),
            Question(
                survey=survey,
                position=5,
                type=QuestionType.TEXT,
                text_fi="Mitä voisimme tehdä paremmin?",
                text_sv="Vad kunde vi göra bättre?",
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


def _rules(rules: SurveySettings, *, time_zone: str) -> PlanRules:
    return PlanRules(
        time_zone=time_zone,
        delays=DELAYS,
        default_delay_minutes=rules.default_delay_minutes,
        quiet_hours_start=rules.quiet_hours_start,
        quiet_hours_end=rules.quiet_hours_end,
        frequency_cap_days=rules.frequency_cap_days,
        link_valid_days=rules.link_valid_days,
        nps_poor_max=rules.nps_poor_max,
        csat_poor_max=rules.csat_poor_max,
        ces_poor_max=rules.ces_poor_max,
        case_due_working_days=rules.case_due_working_days,
    )


def _raw_answers(row: PlannedEncounter, questions: list[Question]) -> dict[str, str]:
    """The answer as the survey page posts it."""
    assert row.answer is not None
    raw = {}
    for question in questions:
        if question.type == QuestionType.NPS:
            raw[f"q{question.pk}"] = str(row.answer.nps)
        elif question.type == QuestionType.CSAT:
            raw[f"q{question.pk}"] = str(row.answer.csat)
        elif question.type == QuestionType.CES:
            raw[f"q{question.pk}"] = str(row.answer.ces)
        elif question.type == QuestionType.YESNO:
            raw[f"q{question.pk}"] = "1" if row.answer.taken_care_of else "0"
        elif question.type == QuestionType.TEXT and row.answer.comment:
            raw[f"q{question.pk}"] = row.answer.comment
    return raw


def _through_services(
    plan: list[PlannedEncounter],
    *,
    targets: HistoryTargets,
    settings: SurveySettings,
    now: dt.datetime,
) -> int:
    """Log the recent encounters, invite, answer and follow up as the running system would."""
    cases: list[tuple[int, PlannedCase]] = []
    for row in plan:
        customer = targets.customers[row.customer]
        touchpoint = targets.touchpoints[row.touchpoint]
        encounter = encounter_log(
            logged_by=targets.staff[row.staff],
            customer=customer,
            touchpoint=touchpoint,
            outcome=row.outcome,
            peak_feeling=row.peak_feeling,
            end_feeling=row.end_feeling,
            note=row.note,
            raised_to_management=row.raised,
            survey_agreed=row.agreed,
            occurred_at=row.occurred_at,
            now=row.occurred_at + dt.timedelta(minutes=2),
        )
        survey = targets.surveys.get(touchpoint.pk)
        if not row.agreed or survey is None:
            continue
        customer.refresh_from_db(fields=["survey_consent", "consent_given_at", "consent_source"])
        invited_at = row.occurred_at + dt.timedelta(minutes=1)
        delay = DELAYS.get(touchpoint.channel, settings.default_delay_minutes)
        invitation = invitation_create(
            survey=survey,
            customer=customer,
            encounter=encounter,
            send_at=row.occurred_at + dt.timedelta(minutes=delay),
            now=invited_at,
            rules=settings,
        )
        # As if the dispatcher had invited the customer a minute after the encounter.
        Invitation.objects.filter(pk=invitation.pk).update(created_at=invited_at)
        if invitation.status != InvitationStatus.SCHEDULED:
            continue
        email = InvitationEmail.objects.get(invitation=invitation, kind=EmailKind.INITIAL)
        sent_at = email.due_at
        if sent_at >= now:
            continue  # still to come: the dispatcher sends it
        InvitationEmail.objects.filter(pk=email.pk).update(status=EmailStatus.SENT, sent_at=sent_at)
        Invitation.objects.filter(pk=invitation.pk).update(
            status=InvitationStatus.SENT,
            sent_at=sent_at,
            expires_at=sent_at + dt.timedelta(days=settings.link_valid_days),
        )
        if row.answer is None or row.answer.submitted_at >= now:
            continue
        response_submit(
            invitation_id=invitation.pk,
            raw_answers=_raw_answers(row, targets.questions[survey.pk]),
            now=row.answer.submitted_at,
        )
        # A case opened by the answer carries the answer's time, as it would have in real life.
        FollowUpCase.objects.filter(source_key=f"invitation:{invitation.pk}").update(
            created_at=row.answer.submitted_at, updated_at=row.answer.submitted_at
        )
        if row.answer.case is not None:
            cases.append((invitation.pk, row.answer.case))
    for invitation_id, planned in cases:
        _case_follow_up(invitation_id, planned)
    # The assignees were told when the cases opened; the demo must not email them about them now.
    FollowUpCase.objects.filter(notified_at__isnull=True).update(notified_at=now)
    return len(plan)


def _case_follow_up(invitation_id: int, planned: PlannedCase) -> None:
    case = FollowUpCase.objects.select_related("assignee").filter(source_key=f"invitation:{invitation_id}").first()
    if case is None or case.assignee is None or planned.contacted_at is None:
        return
    case_mark_contacted(case=case, actor=case.assignee, note=planned.contact_note, now=planned.contacted_at)
    if planned.resolved_at is not None:
        case_resolve(case=case, actor=case.assignee, note=planned.resolution_note, now=planned.resolved_at)


def _assignee_rule(
    touchpoints: QuerySet[Touchpoint], *, now: dt.datetime
) -> Callable[[Touchpoint, dt.datetime], User | None]:
    """case_assignee_for as it was on the day a case opened: before a late owner came, the admin got it."""
    fallback = case_assignee_for(touchpoint=None)
    current = {touchpoint.pk: case_assignee_for(touchpoint=touchpoint) for touchpoint in touchpoints}

    def assignee_at(touchpoint: Touchpoint, at: dt.datetime) -> User | None:
        days = LATE_OWNERS.get(touchpoint.name)
        if days is not None and at < now - dt.timedelta(days=days):
            return fallback
        return current[touchpoint.pk]

    return assignee_at


def seed(*, context: DemoContext) -> None:
    # The survey and case rules read the company's time zone from the connection's tenant.
    with tenant_context(context.tenant):
        _seed(context)


def _seed(context: DemoContext) -> None:
    survey = _survey_ensure()
    _attach(survey)
    if Encounter.objects.exists():
        return
    now = timezone.now()
    settings = survey_settings_get()
    rules = _rules(settings, time_zone=context.tenant.time_zone)
    touchpoints = Touchpoint.objects.select_related("stage", "owner", "backup_owner")
    by_name = {touchpoint.name: touchpoint for touchpoint in touchpoints}
    follow_ups = {row.touchpoint_id: row.survey for row in TouchpointSurvey.objects.select_related("survey")}
    customers = list(Customer.objects.order_by("id"))
    staff = {key: user for key, user in context.users.items() if user.is_active}
    plan = year_plan(
        random=context.random,
        now=now,
        touchpoints={
            name: TouchpointFacts(
                name=name,
                channel=touchpoint.channel,
                planned_emotion=touchpoint.planned_emotion,
                surveyed=touchpoint.pk in follow_ups,
            )
            for name, touchpoint in by_name.items()
        },
        customers=[
            CustomerFacts(
                index=index,
                can_be_surveyed=bool(customer.email) and not customer.unsubscribed,
                language=customer.language,
            )
            for index, customer in enumerate(customers)
        ],
        staff=set(staff),
        rules=rules,
    )
    if not plan:
        return
    targets = HistoryTargets(
        touchpoints=by_name,
        staff=staff,
        customers=customers,
        surveys=follow_ups,
        questions={
            survey_id: list(Question.objects.filter(survey_id=survey_id).order_by("position"))
            for survey_id in {survey.pk for survey in follow_ups.values()}
        },
        assignee_at=_assignee_rule(touchpoints, now=now),
    )
    cutoff = now - dt.timedelta(days=SERVICE_DAYS)
    older = [row for row in plan if row.occurred_at < cutoff]
    recent = [row for row in plan if row.occurred_at >= cutoff]
    context.say(f"  {len(plan)} encounters over {(now - plan[0].occurred_at).days + 1} days")
    written = history_write(plan=older, targets=targets, rules=rules)
    context.say(
        "  written in bulk: {encounters} encounters, {invitations} invitations, {responses} answers, "
        "{cases} follow-up cases".format(**written)
    )
    _through_services(recent, targets=targets, settings=settings, now=now)
    context.say(f"  the last {SERVICE_DAYS} days through the services: {len(recent)} encounters")
