"""Reads for the comments page, its CSV and its API: customers' free-text answers, filtered, searched in
their own language and highlighted (docs/comments.md).

A comment is an answer of type text that says something. Its words are indexed in its response's
language (`Answer.search_vector`, a generated column with a GIN index): Finnish, Swedish and English
with PostgreSQL's snowball stemmers, any other language word for word ("simple"). A search is parsed
with each language's configuration and matched against the comments of that language only, so that a
query's Finnish stem is compared with Finnish stems: one GIN index scan with the search read in every
language, then each row found checked in its own. How many match is counted exactly up to
COUNT_LIMIT, "more than" past it.
"""

import datetime as dt
import operator
import re
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVectorExact
from django.db import connection
from django.db.models import BooleanField, Case, Exists, F, OuterRef, Q, QuerySet, Subquery, When
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from apps.accounts.scope import scoped, user_location_scope
from apps.surveys.models import SEARCH_CONFIG_FALLBACK, SEARCH_CONFIGS, Answer, QuestionType, Response

SEARCH_MAX_LENGTH = 200
# A one-word search also matches words that start with it ("jono" finds "jonotusaika"): the stemmers do
# not split compounds. Only plain words: to_tsquery reads operators, so nothing else reaches it.
_PREFIX_WORD = re.compile(r"^\w{2,}$")
# Private-use characters around the matches that ts_headline marks; the comment's own are removed first,
# so after escaping the text these are the only places a <mark> goes.
_START, _STOP = "\ue000", "\ue001"
# Matches are counted exactly up to this many; past it the page says "more than 1,000". An exact count of
# a common word reads every matching row and its response (the period is on the response), and costs
# more than the page itself; a capped count stops at the cap (docs/comments.md, "How many match").
COUNT_LIMIT = 1000


@dataclass(frozen=True)
class ScoreBand:
    """Comments whose response has a `type` answer scored `low`..`high` (a score group of metrics.formulas)."""

    type: str
    low: int
    high: int


@dataclass(frozen=True)
class CommentFilter:
    since: dt.datetime
    until: dt.datetime
    search: str = ""
    touchpoint_id: int | None = None
    path_id: int | None = None
    persona_id: int | None = None
    # Answers after encounters at these locations (a location, or a region's); None: anywhere.
    location_ids: frozenset[int] | None = None
    language: str = ""
    score: ScoreBand | None = None


def _search_q(search: str) -> Q:
    """Comments matching `search`, each parsed with its own language's configuration.

    Two conditions: the comment matches the OR of the search parsed in every language (one GIN index
    scan finds these), and, checked on those rows only, it matches the search parsed in its own language.
    A CASE rather than an OR of (language, query) pairs: the planner turns such an OR into one index
    scan per language, and with a prefix (`kahvi:*`) it costs each so high that it reads the whole
    table instead (docs/comments.md, "Which language a search is read in")."""
    word = search.strip()
    prefix = word.lower() if _PREFIX_WORD.match(word) else ""

    def query(config: str) -> SearchQuery:
        parsed = SearchQuery(search, config=config, search_type="websearch")
        return parsed | SearchQuery(f"{prefix}:*", config=config, search_type="raw") if prefix else parsed

    own = {code: query(config) for code, config in SEARCH_CONFIGS.items()}
    fallback = query(SEARCH_CONFIG_FALLBACK)
    in_any_language = reduce(operator.or_, own.values(), fallback)
    in_own_language = Case(
        *(When(language=code, then=SearchVectorExact(F("search_vector"), parsed)) for code, parsed in own.items()),
        default=SearchVectorExact(F("search_vector"), fallback),
        output_field=BooleanField(),
    )
    return Q(search_vector=in_any_language) & Q(in_own_language)


def comment_list(*, user: Any, filters: CommentFilter) -> QuerySet[Answer]:
    """The comments `user` may read that match `filters`, newest first (ties by id, for keyset paging).
    A manager scoped to some locations gets only answers after encounters there."""
    answers = Answer.objects.filter(
        type=QuestionType.TEXT,
        response__submitted_at__gte=filters.since,
        response__submitted_at__lt=filters.until,
    ).exclude(text="")
    if user_location_scope(user) is not None:
        answers = answers.filter(response__in=scoped(Response.objects.all(), user=user))
    if filters.touchpoint_id is not None:
        answers = answers.filter(response__touchpoint_id=filters.touchpoint_id)
    if filters.path_id is not None:
        answers = answers.filter(response__path_id=filters.path_id)
    if filters.persona_id is not None:
        answers = answers.filter(response__customer__persona_id=filters.persona_id)
    if filters.location_ids is not None:
        answers = answers.filter(response__encounter__location_id__in=filters.location_ids)
    if filters.language:
        answers = answers.filter(language=filters.language)
    if filters.score is not None:
        band = filters.score
        answers = answers.filter(
            Exists(
                Answer.objects.filter(
                    response_id=OuterRef("response_id"), type=band.type, score__gte=band.low, score__lte=band.high
                )
            )
        )
    if filters.search.strip():
        answers = answers.filter(_search_q(filters.search))
    return answers.order_by("-response__submitted_at", "-id")


@dataclass(frozen=True)
class CommentCount:
    """How many comments match: exactly `value`, or, when `more` is set, more than `value` (COUNT_LIMIT)."""

    value: int
    more: bool

    @property
    def exact(self) -> int | None:
        return None if self.more else self.value


@dataclass(frozen=True)
class CommentMatches:
    """How many of a comment_list match, and, when no more than the limit do, every match's keyset
    (submission time, id): then a page needs no other query."""

    count: CommentCount
    keys: list[tuple[dt.datetime, int]] | None


def comment_matches(*, comments: QuerySet[Answer], limit: int | None = None) -> CommentMatches:
    """The keysets of `comments` (comment_list), no more than `limit` (COUNT_LIMIT) + 1 of them: one
    statement without the ordering, so that PostgreSQL may take the matches in whatever order is
    cheapest (for a rare word, the GIN index) and stop at the limit."""
    limit = COUNT_LIMIT if limit is None else limit
    keys = list(comments.order_by().values_list("response__submitted_at", "id")[: limit + 1])
    if len(keys) > limit:
        return CommentMatches(count=CommentCount(value=limit, more=True), keys=None)
    return CommentMatches(count=CommentCount(value=len(keys), more=False), keys=keys)


def comment_page_ids(
    *, comments: QuerySet[Answer], after: tuple[dt.datetime, int] | None, size: int, matches: CommentMatches
) -> tuple[list[int], tuple[dt.datetime, int] | None]:
    """The ids of one page of `comments` after the keyset `after`, and the keyset of the next page (None
    on the last one). With every match's keyset at hand (a few matches) they are sorted here; otherwise
    (many matches) PostgreSQL walks the responses newest first and stops after the page, which is quick
    because matches are then common."""
    if matches.keys is not None:
        keys = sorted(matches.keys, reverse=True)  # newest first, ties by id: the list's ordering
        if after is not None:
            keys = [key for key in keys if key < after]
        found = [(answer_id, at) for at, answer_id in keys[: size + 1]]
    else:
        if after is not None:
            at, answer_id = after
            comments = comments.filter(
                Q(response__submitted_at__lt=at) | Q(response__submitted_at=at, id__lt=answer_id)
            )
        found = list(comments.values_list("id", "response__submitted_at")[: size + 1])
    following = (found[size - 1][1], found[size - 1][0]) if len(found) > size else None
    return [answer_id for answer_id, _at in found[:size]], following


def comment_page(
    *, comments: QuerySet[Answer], after: tuple[dt.datetime, int] | None, size: int, matches: CommentMatches
) -> tuple[list[Answer], tuple[dt.datetime, int] | None]:
    """One page of `comments` (comment_list) after the keyset `after` (the last row's submission time and
    id), with the rows to show, and the keyset of the next page or None on the last one."""
    ids, following = comment_page_ids(comments=comments, after=after, size=size, matches=matches)
    return comment_rows(answer_ids=ids), following


def _score(type_: str) -> Subquery:
    return Subquery(Answer.objects.filter(response_id=OuterRef("response_id"), type=type_).values("score")[:1])


def comment_details(comments: QuerySet[Answer]) -> QuerySet[Answer]:
    """`comments` with what a row shows: the response's NPS, CSAT and CES, its touchpoint, path, customer
    and their persona, and the encounter's location."""
    return comments.annotate(
        nps=_score(QuestionType.NPS), csat=_score(QuestionType.CSAT), ces=_score(QuestionType.CES)
    ).select_related(
        "response__touchpoint",
        "response__path",
        "response__customer__persona",
        "response__encounter__location",
    )


def comment_rows(*, answer_ids: list[int]) -> list[Answer]:
    """The answers `answer_ids` (already read through comment_list) with comment_details, in that order."""
    if not answer_ids:
        return []
    found = {answer.pk: answer for answer in comment_details(Answer.objects.filter(pk__in=answer_ids))}
    return [found[answer_id] for answer_id in answer_ids if answer_id in found]


def _config_sql() -> str:
    whens = " ".join(f"WHEN '{code}' THEN '{config}'::regconfig" for code, config in SEARCH_CONFIGS.items())
    return f"CASE a.language {whens} ELSE '{SEARCH_CONFIG_FALLBACK}'::regconfig END"


def comment_highlights(*, answer_ids: list[int], search: str) -> dict[int, SafeString]:
    """Each comment's whole text as safe HTML with the words `search` matched in <mark>: the text is
    escaped and only the marks are added."""
    if not answer_ids or not search.strip():
        return {}
    word = search.strip()
    prefix = f"{word.lower()}:*" if _PREFIX_WORD.match(word) else ""
    query = "websearch_to_tsquery(c.cfg, %(search)s)"
    if prefix:
        query = f"({query} || to_tsquery(c.cfg, %(prefix)s))"
    sql = f"""
        WITH c AS (
            SELECT a.id, translate(a.text, %(sentinels)s, '') AS text, {_config_sql()} AS cfg
            FROM surveys_answer a WHERE a.id = ANY(%(ids)s)
        )
        SELECT c.id, ts_headline(c.cfg, c.text, {query}, %(options)s) FROM c
    """  # noqa: S608 (the configurations are this module's constants; the values are parameters)
    options = f'HighlightAll=true, StartSel="{_START}", StopSel="{_STOP}"'
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {"sentinels": _START + _STOP, "ids": answer_ids, "search": search, "prefix": prefix, "options": options},
        )
        rows = cursor.fetchall()
    return {
        answer_id: mark_safe(escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>"))  # noqa: S308
        for answer_id, text in rows
    }
