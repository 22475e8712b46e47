"""A year of life at the demo inspection station, planned in memory; no database here.

The plan says what happened and when: each encounter (who logged it where, how the
customer really felt and how the employee read it), whether the customer agreed to
the survey, whether the invitation went out (the frequency cap can stop it), the
answer, and for a poor answer how the follow-up case was handled. The encounter
seeder writes the plan: the older part in bulk, the most recent days through the
services. Deterministic for a given random generator and clock.

The story the plan tells a leadership dashboard:
- volume grows over the year, with a summer peak and quiet weekends;
- the counter, the inspection hall, the inspector's explanation and phone booking get
  clearly better (their NPS crosses its target only in the last months);
- the path's end moment, payment and leaving, gets worse: a weak ending;
- inspectors read the customer too positively when they hand over the result;
- customers find handling their matter easy (CES 5-7) where things go well, less so on
  the complaint path's phone calls and at the weak ending;
- poor answers were followed up late in the first months, in time lately, except at
  the result hand-over, the end moment and the unowned parking area.
"""

import datetime as dt
from dataclasses import dataclass
from random import Random
from zoneinfo import ZoneInfo

from apps.cases.working_days import add_working_days, is_working_day
from apps.demo.seeds.texts import COMMENTS, CONTACT_NOTES, NOTES_GOOD, NOTES_IDEA, NOTES_POOR, RESOLUTIONS
from apps.metrics.formulas import nps_is_detractor, nps_is_promoter
from apps.surveys.models import QuestionType
from apps.surveys.poor_answers import answer_is_poor, poor_limits
from apps.surveys.schedule import quiet_hours_adjust

YEAR_DAYS = 365


@dataclass(frozen=True)
class TouchpointProfile:
    """How a touchpoint fares over the year.

    share: its share of the encounters; staff: who logs it; quality: the mean of the
    customers' real end feeling (-2..+2) a year ago and now; over_read: how often the
    employee reads the end one step too positive; late: the share of its poor answers
    followed up after the due time, before and since `timely_since` days ago; effort:
    how many CES points (1-7) harder the matter was to handle than the feeling suggests.
    """

    share: float
    staff: tuple[str, ...]
    quality: tuple[float, float]
    over_read: float = 0.0
    late: tuple[float, float] = (0.4, 0.0)
    timely_since: int = 120
    effort: float = 0.0


DESK = ("frontline", "front_desk")
INSPECTORS = ("inspector_1", "inspector_2", "inspector_3", "inspector_4")
PHONES = ("service_desk", "phone_desk")

PROFILES: dict[str, TouchpointProfile] = {
    "Ilmoittautuminen tiskillä": TouchpointProfile(0.17, DESK, (0.1, 1.6)),
    "Maksu ja lähtö": TouchpointProfile(0.12, DESK, (1.3, -0.1), late=(0.4, 0.25), effort=0.6),
    "Odotustila": TouchpointProfile(0.035, DESK, (-0.3, 0.5)),
    "Pysäköinti ja opasteet": TouchpointProfile(0.025, DESK, (-0.8, -0.5), late=(0.6, 0.5)),
    "Katsastus hallissa": TouchpointProfile(0.15, INSPECTORS, (0.0, 1.3), timely_since=150),
    "Katsastajan selitys havainnoista": TouchpointProfile(0.14, INSPECTORS, (1.0, 1.8), timely_since=240),
    "Tulos ja todistus": TouchpointProfile(0.11, INSPECTORS, (0.3, 0.7), over_read=0.75, late=(0.5, 0.75)),
    "Ajanvaraus puhelimessa": TouchpointProfile(0.17, PHONES, (-0.1, 1.1), timely_since=190),
    "Soitto asiakaspalveluun": TouchpointProfile(0.045, PHONES, (-0.7, -0.2), effort=1.0),
    "Ratkaisupuhelu": TouchpointProfile(0.025, ("station_lead",), (0.3, 0.9), effort=0.7),
    "Katsastajan lausunto": TouchpointProfile(0.015, ("station_lead",), (-0.5, 0.0)),
}

# The mean NPS answer (0-10) of a customer whose real end feeling is -2..+2.
NPS_BY_FEELING = {-2: 3.0, -1: 5.5, 0: 7.5, 1: 9.0, 2: 9.8}
# The mean CES answer (1-7) of the same customer, before the touchpoint's extra effort.
CES_BY_FEELING = {-2: 2.2, -1: 3.4, 0: 5.1, 1: 6.0, 2: 6.6}
# How much of the customer's mood on the day (their NPS answer's drift from the mean) shows in CES too.
CES_FOLLOWS_NPS = 0.5


@dataclass(frozen=True)
class CustomerFacts:
    index: int
    can_be_surveyed: bool  # has an email and has not unsubscribed
    language: str


@dataclass(frozen=True)
class TouchpointFacts:
    name: str
    channel: str
    planned_emotion: int
    surveyed: bool


@dataclass(frozen=True)
class PlanRules:
    """The company's survey rules and time zone, as plain values."""

    time_zone: str
    delays: dict[str, int]  # minutes from the encounter to the email, by channel
    default_delay_minutes: int
    quiet_hours_start: dt.time
    quiet_hours_end: dt.time
    frequency_cap_days: int
    link_valid_days: int
    nps_poor_max: int
    csat_poor_max: int
    ces_poor_max: int
    case_due_working_days: int


@dataclass
class PlannedCase:
    opened_at: dt.datetime
    due_at: dt.datetime
    contacted_at: dt.datetime | None
    resolved_at: dt.datetime | None
    contact_note: str
    resolution_note: str


@dataclass
class PlannedAnswer:
    submitted_at: dt.datetime
    nps: int
    csat: int
    ces: int
    comment: str
    # "Did you get your matter taken care of?" (yes/no, counted apart from the scores).
    taken_care_of: bool = True
    case: PlannedCase | None = None


@dataclass
class PlannedEncounter:
    occurred_at: dt.datetime
    staff: str
    touchpoint: str
    customer: int
    outcome: str
    peak_feeling: int
    end_feeling: int
    customer_feeling: int
    note: str
    raised: bool
    agreed: bool
    invited: bool = False  # an invitation row exists (sent, scheduled or suppressed)
    suppressed: bool = False
    send_at: dt.datetime | None = None  # the first email's due time (out of quiet hours)
    sent: bool = False
    answer: PlannedAnswer | None = None


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _daily_volume(random: Random, day: dt.date, *, progress: float) -> int:
    """Encounters on `day`: 8-15 on a working day, growing over the year, busiest in the summer."""
    if day.weekday() == 6 or (day.weekday() < 5 and not is_working_day(day)):
        return 0
    base = 8.0 + 6.5 * progress
    if day.month in (6, 7, 8):
        base *= 1.2
    elif day.month == 12:
        base *= 0.85
    if day.weekday() == 5:
        base *= 0.3
    elif day.weekday() == 0:
        base *= 1.1
    return max(0, round(random.gauss(base, 1.4)))


def _moment(random: Random, day: dt.date, zone: ZoneInfo) -> dt.datetime:
    opens, hours = (9, 4) if day.weekday() == 5 else (8, 9)
    local = dt.datetime.combine(day, dt.time(opens), tzinfo=zone) + dt.timedelta(minutes=random.randint(0, hours * 60))
    return local.astimezone(dt.UTC)


def _staff_reading(random: Random, feeling: int, profile: TouchpointProfile) -> int:
    if profile.over_read and random.random() < profile.over_read:
        return _clamp(feeling + 1, -2, 2)
    roll = random.random()
    if roll < 0.13:
        return _clamp(feeling + 1, -2, 2)
    if roll < 0.26:
        return _clamp(feeling - 1, -2, 2)
    return feeling


def _note(random: Random, end: int) -> tuple[str, bool]:
    roll = random.random()
    if end < 0 and roll < 0.6:
        return random.choice(NOTES_POOR), random.random() < 0.5
    if roll < 0.08:
        return random.choice(NOTES_IDEA), random.random() < 0.5
    if end > 0 and roll < 0.22:
        return random.choice(NOTES_GOOD), False
    return "", False


def _answer(
    random: Random,
    effort: Random,
    *,
    feeling: int,
    extra_effort: float,
    language: str,
    submitted_at: dt.datetime,
) -> PlannedAnswer:
    """NPS, CSAT and CES from the customer's real feeling; CES also follows the NPS answer's mood.

    CES draws from its own generator (`effort`), so asking it changes none of the other
    draws: the year's encounters, NPS, CSAT and their cases stay as planned without it.
    """
    nps_drawn = random.gauss(NPS_BY_FEELING[feeling], 0.9)
    nps = _clamp(nps_drawn, 0, 10)
    csat = _clamp(random.gauss(3 + feeling, 0.45), 1, 5)
    mood = "poor" if nps_is_detractor(nps) else ("good" if nps_is_promoter(nps) else "mid")
    comment = ""
    if random.random() < (0.75 if mood == "poor" else 0.35):
        comment = random.choice(COMMENTS.get(language, COMMENTS["fi"])[mood])
    ces_mean = CES_BY_FEELING[feeling] - extra_effort + CES_FOLLOWS_NPS * (nps_drawn - NPS_BY_FEELING[feeling])
    ces = _clamp(effort.gauss(ces_mean, 0.5), 1, 7)
    return PlannedAnswer(submitted_at=submitted_at, nps=nps, csat=csat, ces=ces, comment=comment)


def _case(
    random: Random, *, opened_at: dt.datetime, profile: TouchpointProfile, now: dt.datetime, rules: PlanRules
) -> PlannedCase:
    """A poor answer's case: contacted in time or late, mostly resolved a day or two later."""
    due_at = add_working_days(opened_at, days=rules.case_due_working_days, time_zone=rules.time_zone)
    early = opened_at < now - dt.timedelta(days=profile.timely_since)
    late_share = profile.late[0] if early else profile.late[1]
    if random.random() < late_share:
        contacted_at = due_at + dt.timedelta(minutes=random.randint(60, 60 * 24 * 5))
    else:
        room = max(30, int((due_at - opened_at).total_seconds() // 60) - 60)
        contacted_at = opened_at + dt.timedelta(minutes=random.randint(30, min(room, 60 * 30)))
    resolved_at: dt.datetime | None = contacted_at + dt.timedelta(minutes=random.randint(60, 60 * 48))
    if random.random() < 0.08:
        resolved_at = None  # contacted, still waiting for the customer
    if due_at > now and now - opened_at < dt.timedelta(days=4) and random.random() < 0.5:
        contacted_at = resolved_at = now  # not handled yet, and not due yet either
    return PlannedCase(
        opened_at=opened_at,
        due_at=due_at,
        contacted_at=contacted_at if contacted_at < now else None,
        resolved_at=resolved_at if resolved_at is not None and resolved_at < now else None,
        contact_note=random.choice(CONTACT_NOTES),
        resolution_note=random.choice(RESOLUTIONS),
    )


def year_plan(
    *,
    random: Random,
    now: dt.datetime,
    touchpoints: dict[str, TouchpointFacts],
    customers: list[CustomerFacts],
    staff: set[str],
    rules: PlanRules,
    days: int = YEAR_DAYS,
) -> list[PlannedEncounter]:
    """Every encounter of the last `days` days in time order, with what followed it."""
    zone = ZoneInfo(rules.time_zone)
    profiles = {
        name: profile
        for name, profile in PROFILES.items()
        if name in touchpoints and any(key in staff for key in profile.staff)
    }
    if not profiles or not customers:
        return []
    names = list(profiles)
    shares = [profiles[name].share for name in names]
    today = now.astimezone(zone).date()
    first = today - dt.timedelta(days=days - 1)
    plan: list[PlannedEncounter] = []
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        progress = offset / max(1, days - 1)
        moments = sorted(_moment(random, day, zone) for _ in range(_daily_volume(random, day, progress=progress)))
        for occurred_at in moments:
            if occurred_at > now - dt.timedelta(minutes=10):
                continue
            name = random.choices(names, weights=shares)[0]
            plan.append(_encounter(random, occurred_at, touchpoints[name], profiles[name], customers, staff, progress))
    # Forked without a draw from `random`, so the year's other draws stay as they were.
    effort = Random(repr(random.getstate()))
    _follow_up(random, effort, plan, now=now, touchpoints=touchpoints, customers=customers, rules=rules)
    return plan


def _encounter(
    random: Random,
    occurred_at: dt.datetime,
    touchpoint: TouchpointFacts,
    profile: TouchpointProfile,
    customers: list[CustomerFacts],
    staff: set[str],
    progress: float,
) -> PlannedEncounter:
    low, high = profile.quality
    feeling = _clamp(random.gauss(low + (high - low) * progress, 0.8), -2, 2)
    end = _staff_reading(random, feeling, profile)
    peak = _clamp(random.gauss(0.6 * touchpoint.planned_emotion + 0.4 * feeling, 0.7), -2, 2)
    if feeling == -2 and random.random() < 0.6:
        outcome = random.choice(["unresolved", "escalated"])
    elif feeling == -1 and random.random() < 0.25:
        outcome = "unresolved"
    else:
        outcome = "resolved"
    note, raised = _note(random, end)
    customer = random.choice(customers)
    agreed = customer.can_be_surveyed and random.random() < 0.66
    return PlannedEncounter(
        occurred_at=occurred_at,
        staff=random.choice([key for key in profile.staff if key in staff]),
        touchpoint=touchpoint.name,
        customer=customer.index,
        outcome=outcome,
        peak_feeling=peak,
        end_feeling=end,
        customer_feeling=feeling,
        note=note,
        raised=raised,
        agreed=agreed,
    )


def _follow_up(
    random: Random,
    effort: Random,
    plan: list[PlannedEncounter],
    *,
    now: dt.datetime,
    touchpoints: dict[str, TouchpointFacts],
    customers: list[CustomerFacts],
    rules: PlanRules,
) -> None:
    """Invitations as the dispatcher makes them (frequency cap included), answers and cases.

    Any poor score opens a case, as response_submit does; a case that only a poor CES
    opened is planned from the effort generator (see _answer).
    """
    languages = {customer.index: customer.language for customer in customers}
    last_invited: dict[int, dt.datetime] = {}
    cap = dt.timedelta(days=rules.frequency_cap_days)
    for encounter in plan:
        touchpoint = touchpoints[encounter.touchpoint]
        if not encounter.agreed or not touchpoint.surveyed:
            continue
        encounter.invited = True
        created_at = encounter.occurred_at + dt.timedelta(minutes=1)
        previous = last_invited.get(encounter.customer)
        if rules.frequency_cap_days and previous is not None and previous >= created_at - cap:
            encounter.suppressed = True
            continue
        delay = rules.delays.get(touchpoint.channel, rules.default_delay_minutes)
        encounter.send_at = quiet_hours_adjust(
            encounter.occurred_at + dt.timedelta(minutes=delay),
            time_zone=rules.time_zone,
            start=rules.quiet_hours_start,
            end=rules.quiet_hours_end,
        )
        last_invited[encounter.customer] = encounter.send_at
        if encounter.send_at >= now:
            continue
        encounter.sent = True
        progress = 1 - (now - encounter.occurred_at) / dt.timedelta(days=YEAR_DAYS)
        answered_at = encounter.send_at + dt.timedelta(minutes=5 + min(int(random.expovariate(1 / 300)), 60 * 72))
        expires_at = encounter.send_at + dt.timedelta(days=rules.link_valid_days)
        if random.random() >= 0.5 + 0.15 * progress or answered_at >= min(now, expires_at):
            continue
        profile = PROFILES[encounter.touchpoint]
        answer = _answer(
            random,
            effort,
            feeling=encounter.customer_feeling,
            extra_effort=profile.effort,
            language=languages[encounter.customer],
            submitted_at=answered_at,
        )
        # No draw: the matter was taken care of when the encounter resolved it, unless the customer still left
        # feeling very poor; so the yes share follows each touchpoint's outcomes and feelings over the year.
        answer.taken_care_of = encounter.outcome == "resolved" and encounter.customer_feeling > -2
        limits = poor_limits(rules)
        if answer_is_poor(measure=QuestionType.NPS, score=answer.nps, limits=limits) or answer_is_poor(
            measure=QuestionType.CSAT, score=answer.csat, limits=limits
        ):
            answer.case = _case(random, opened_at=answered_at, profile=profile, now=now, rules=rules)
        elif answer_is_poor(measure=QuestionType.CES, score=answer.ces, limits=limits):
            answer.case = _case(effort, opened_at=answered_at, profile=profile, now=now, rules=rules)
        encounter.answer = answer
