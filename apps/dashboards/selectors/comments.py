"""The comments page, its CSV and the comments API: what customers wrote, searched and cut like the
dashboards (docs/comments.md). The rows are read by apps.surveys.comment_search; this module names the
score groups of the metrics' formulas and turns the filters into the surveys' terms."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.locations.selectors import location_list
from apps.metrics.formulas import CES_EASY_MIN, CSAT_SATISFIED_MIN, NPS_DETRACTOR_MAX, NPS_PROMOTER_MIN
from apps.surveys.comment_search import (
    CommentCount,
    CommentFilter,
    ScoreBand,
    comment_details,
    comment_highlights,
    comment_list,
    comment_matches,
    comment_page,
)
from apps.surveys.models import QUESTION_SCALES, Answer, QuestionType

PAGE_SIZE = 25
EXPORT_CHUNK = 2000


def _band(type_: str, low: int | None = None, high: int | None = None) -> ScoreBand:
    scale_low, scale_high = QUESTION_SCALES[type_]
    return ScoreBand(type=type_, low=scale_low if low is None else low, high=scale_high if high is None else high)


# The groups of DOMAIN.md, from the same constants as the figures (apps/metrics/formulas.py).
SCORE_GROUPS: dict[str, tuple[Promise, ScoreBand]] = {
    "promoter": (_("NPS promoters (9-10)"), _band(QuestionType.NPS, low=NPS_PROMOTER_MIN)),
    "passive": (_("NPS passives (7-8)"), _band(QuestionType.NPS, NPS_DETRACTOR_MAX + 1, NPS_PROMOTER_MIN - 1)),
    "detractor": (_("NPS detractors (0-6)"), _band(QuestionType.NPS, high=NPS_DETRACTOR_MAX)),
    "satisfied": (_("CSAT satisfied (4-5)"), _band(QuestionType.CSAT, low=CSAT_SATISFIED_MIN)),
    "dissatisfied": (_("CSAT not satisfied (1-3)"), _band(QuestionType.CSAT, high=CSAT_SATISFIED_MIN - 1)),
    "easy": (_("CES easy (5-7)"), _band(QuestionType.CES, low=CES_EASY_MIN)),
    "effortful": (_("CES not easy (1-4)"), _band(QuestionType.CES, high=CES_EASY_MIN - 1)),
}


def nps_group(score: int | None) -> str:
    """The NPS group of a score ("" without one), a key of SCORE_GROUPS."""
    if score is None:
        return ""
    if score >= NPS_PROMOTER_MIN:
        return "promoter"
    return "detractor" if score <= NPS_DETRACTOR_MAX else "passive"


@dataclass(frozen=True)
class CommentCriteria:
    """The filters as chosen (ids and names), before they become the surveys' CommentFilter."""

    since: dt.datetime
    until: dt.datetime
    search: str = ""
    touchpoint_id: int | None = None
    path_id: int | None = None
    persona_id: int | None = None
    location_id: int | None = None
    region_id: int | None = None
    language: str = ""
    score_group: str = ""


def _filter_of(criteria: CommentCriteria) -> CommentFilter:
    location_ids: frozenset[int] | None = None
    if criteria.location_id is not None:
        location_ids = frozenset({criteria.location_id})
    elif criteria.region_id is not None:
        location_ids = frozenset(
            location_list(include_archived=True, region_id=criteria.region_id).values_list("id", flat=True)
        )
    return CommentFilter(
        since=criteria.since,
        until=criteria.until,
        search=criteria.search,
        touchpoint_id=criteria.touchpoint_id,
        path_id=criteria.path_id,
        persona_id=criteria.persona_id,
        location_ids=location_ids,
        language=criteria.language,
        score=SCORE_GROUPS[criteria.score_group][1] if criteria.score_group else None,
    )


def comments_matching(*, user: Any, criteria: CommentCriteria) -> QuerySet[Answer]:
    """The comments `user` may read that match `criteria`, newest first."""
    return comment_list(user=user, filters=_filter_of(criteria))


@dataclass(frozen=True)
class CommentPage:
    rows: list[Answer]
    # How many match in all: exact up to COUNT_LIMIT, "more than" past it.
    total: CommentCount
    # The keyset of the next (older) page: the last row's submission time and id; None on the last page.
    following: tuple[dt.datetime, int] | None


def comment_page_build(
    *, user: Any, criteria: CommentCriteria, after: tuple[dt.datetime, int] | None, size: int = PAGE_SIZE
) -> CommentPage:
    """One page of comments with their scores, places and (when searching) the matches highlighted
    (`answer.highlighted`, safe HTML), and how many match in all (exactly up to COUNT_LIMIT)."""
    comments = comments_matching(user=user, criteria=criteria)
    matches = comment_matches(comments=comments)
    rows, following = comment_page(comments=comments, after=after, size=size, matches=matches)
    highlights = comment_highlights(answer_ids=[row.pk for row in rows], search=criteria.search)
    for row in rows:
        row.highlighted = highlights.get(row.pk)
        row.nps_group = nps_group(row.nps)
    return CommentPage(rows=rows, total=matches.count, following=following)


def comment_export_rows(*, user: Any, criteria: CommentCriteria) -> Iterator[Answer]:
    """Every matching comment with its details, read in chunks so memory stays flat."""
    iterator = comment_details(comments_matching(user=user, criteria=criteria)).iterator(chunk_size=EXPORT_CHUNK)
    while chunk := list(islice(iterator, EXPORT_CHUNK)):
        for row in chunk:
            row.nps_group = nps_group(row.nps)
            yield row
