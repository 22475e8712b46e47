"""What the weekly leadership digest says, and when it is due; the claiming and sending are in
`apps.dashboards.services`."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.accounts.scope import user_location_scope
from apps.cases.selectors import CaseCounts, case_counts
from apps.dashboards.models import DigestExternalRecipient, DigestSubscription
from apps.dashboards.selectors.common import answers_floor, too_few
from apps.encounters.selectors import encounter_list
from apps.journeys.selectors import touchpoint_list
from apps.maturity.rules import Level
from apps.maturity.selectors import maturity_overview, maturity_trend, touchpoint_levels_on
from apps.metrics.formulas import Scores
from apps.metrics.selectors import metric_filter_for, scores_total
from apps.tenants.selectors import company_day_start, company_time_zone, company_today

DIGEST_WEEKDAY = 0  # Monday
DIGEST_HOUR = 7
DIGEST_NOTES = 5


def digest_is_subscribed(*, user: User) -> bool:
    """On by default for managers and admins; off only for those who turned it off."""
    return not DigestSubscription.objects.filter(user=user, subscribed=False).exists()


def digest_recipients() -> QuerySet[User]:
    """Everyone the Monday digest goes to: active managers and admins with an email who did not opt out.

    `can_view_dashboards` is asked again when each email is written (a role may change in between).
    """
    return (
        User.objects.filter(is_active=True, role__in=(Role.ADMIN, Role.MANAGER))
        .exclude(email="")
        .exclude(digest_subscription__subscribed=False)
        .order_by("id")
    )


def digest_external_recipients() -> QuerySet[DigestExternalRecipient]:
    """The company's list of addresses without an account, those unsubscribed included (shown as such)."""
    return DigestExternalRecipient.objects.order_by("email")


def digest_external_recipients_subscribed() -> QuerySet[DigestExternalRecipient]:
    """The addresses of the list that get the digest: those not unsubscribed."""
    return DigestExternalRecipient.objects.filter(unsubscribed_at__isnull=True).order_by("email")


def digest_external_languages(*, recipients: list[DigestExternalRecipient], default: str) -> dict[str, int]:
    """How many of `recipients` get their digest in each language code (`default`: the company's)."""
    counts: dict[str, int] = {}
    for recipient in recipients:
        language = recipient.language or default
        counts[language] = counts.get(language, 0) + 1
    return counts


def digest_week_current(*, now: dt.datetime | None = None) -> dt.date:
    """The Monday of the company's current week: the digest due this week (the one previewed and sent now)."""
    today = company_today(now=now)
    return today - dt.timedelta(days=(today.weekday() - DIGEST_WEEKDAY) % 7)


def digest_week_due(*, now: dt.datetime) -> dt.date | None:
    """This week's Monday when the digest is due in the company's time zone (Monday, 07:00 or later)."""
    local = now.astimezone(company_time_zone())
    if local.weekday() != DIGEST_WEEKDAY or local.hour < DIGEST_HOUR:
        return None
    return local.date()


@dataclass(frozen=True)
class MetricLine:
    name: str
    value: str
    previous: str
    delta: str
    trend: str  # "up", "down", "flat", or "" without both numbers


@dataclass(frozen=True)
class LevelMove:
    touchpoint: str
    path: str
    before: str
    after: str
    up: bool


@dataclass(frozen=True)
class RaisedNote:
    occurred_at: dt.datetime
    touchpoint: str
    path: str
    who: str
    note: str


@dataclass(frozen=True)
class Digest:
    week_start: dt.date
    week_end: dt.date
    week_number: int
    lines: list[MetricLine]
    nps_margin: str
    nps_answers: int
    nps_small_sample: bool
    company_level: str
    company_shares: dict[str, str]
    moves: list[LevelMove]
    cases: CaseCounts
    notes: list[RaisedNote]
    notes_total: int
    # The reader is a scoped manager: the figures, cases and notes are their locations'; the maturity
    # levels and moves stay the company's, and the email says so.
    scoped: bool = False
    # A reader without an account: no notes, no link into the app, an unsubscribe link of their own.
    external: bool = False


def _number(value: float | int | Decimal | None, places: int) -> str:
    if value is None:
        return "\N{EN DASH}"
    return formats.number_format(value, decimal_pos=places, use_l10n=True)


def _line(name: str, current: float | int | None, previous: float | int | None, *, places: int) -> MetricLine:
    if current is None or previous is None:
        return MetricLine(
            name=name, value=_number(current, places), previous=_number(previous, places), delta="", trend=""
        )
    change = Decimal(str(current)) - Decimal(str(previous))
    sign = "+" if change > 0 else ""
    trend = "up" if change > 0 else "down" if change < 0 else "flat"
    return MetricLine(
        name=name,
        value=_number(current, places),
        previous=_number(previous, places),
        delta=f"{sign}{_number(change, places)}",
        trend=trend,
    )


def _score_lines(current: Scores, previous: Scores) -> list[MetricLine]:
    return [
        _line(_("NPS"), current.nps, previous.nps, places=0),
        _line(_("CSAT %"), current.csat, previous.csat, places=1),
        _line(_("CES (1-7)"), current.ces, previous.ces, places=2),
        _line(_("Response rate %"), current.response_rate, previous.response_rate, places=1),
        _line(_("Encounters"), current.encounters, previous.encounters, places=0),
    ]


def _level_moves(*, before_day: dt.date, after_day: dt.date) -> list[LevelMove]:
    before = touchpoint_levels_on(day=before_day)
    after = touchpoint_levels_on(day=after_day)
    changed = {pk for pk, level in after.items() if pk in before and before[pk] != level}
    if not changed:
        return []
    moves = [
        LevelMove(
            touchpoint=touchpoint.name,
            path=touchpoint.stage.path.name,
            before=str(Level(before[touchpoint.pk]).label),
            after=str(Level(after[touchpoint.pk]).label),
            up=after[touchpoint.pk] > before[touchpoint.pk],
        )
        for touchpoint in touchpoint_list(include_archived=True).filter(pk__in=changed)
    ]
    # Improvements first, then by path and touchpoint.
    return sorted(moves, key=lambda move: (not move.up, move.path, move.touchpoint))


def _company_maturity(*, day: dt.date) -> tuple[Level, dict[Level, Decimal]]:
    """The company's level on `day`: its snapshot (what the moves are measured by), else worked out now."""
    snapshot = next((item for item in maturity_trend(since=day) if item.taken_on == day), None)
    if snapshot is not None:
        shares = {
            Level.AD_HOC: snapshot.share_ad_hoc,
            Level.DESIGNED: snapshot.share_designed,
            Level.MANAGED: snapshot.share_managed,
        }
        return Level(snapshot.level), shares
    company = maturity_overview(as_of=day).company
    return company.level, company.shares


def _raised_notes(*, user: User, since: dt.datetime, until: dt.datetime) -> tuple[list[RaisedNote], int]:
    raised = encounter_list(user=user, raised_only=True, since=since, until=until)
    notes = [
        RaisedNote(
            occurred_at=encounter.occurred_at,
            touchpoint=encounter.touchpoint.name,
            path=encounter.touchpoint.stage.path.name,
            who=encounter.logged_by.get_full_name() if encounter.logged_by else _("Integration"),
            note=encounter.note,
        )
        for encounter in raised[:DIGEST_NOTES]
    ]
    return notes, raised.count()


def digest_build(*, user: User | None, week_start: dt.date, now: dt.datetime | None = None) -> Digest:
    """The digest due on `week_start` (a Monday): the week that just ended against the week before.

    Call it in the reader's language: names of levels and metrics are translated here. `user` None: a
    reader without an account (the company-wide figures, and none of the notes staff raised).
    """
    last_start, last_end = week_start - dt.timedelta(days=7), week_start - dt.timedelta(days=1)
    # The reader's figures: a scoped manager's are their locations' (metric_filter_for applies the scope).
    current = scores_total(filters=metric_filter_for(user=user, start=last_start, end=last_end))
    previous = scores_total(
        filters=metric_filter_for(
            user=user, start=last_start - dt.timedelta(days=7), end=last_start - dt.timedelta(days=1)
        )
    )
    scope = user_location_scope(user)
    company_level, company_shares = _company_maturity(day=last_end)
    notes, notes_total = (
        _raised_notes(user=user, since=company_day_start(last_start), until=company_day_start(week_start))
        if user is not None
        else ([], 0)
    )
    return Digest(
        week_start=last_start,
        week_end=last_end,
        week_number=last_start.isocalendar().week,
        lines=_score_lines(current, previous),
        nps_margin=_number(current.nps_margin, 1),
        nps_answers=current.nps_n,
        # The company's minimum sample, the same floor the dashboards judge figures by.
        nps_small_sample=too_few(answers=current.nps_n, floor=answers_floor()),
        company_level=str(company_level.label),
        company_shares={str(level.label): _number(share, 1) for level, share in company_shares.items()},
        moves=_level_moves(before_day=last_end - dt.timedelta(days=7), after_day=last_end),
        cases=case_counts(now=now or timezone.now(), location_ids=scope),
        notes=notes,
        notes_total=notes_total,
        scoped=scope is not None,
        external=user is None,
    )
