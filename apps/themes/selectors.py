"""Reads of the themes: the themes, their figures (volume and NPS, by week) and the suggested words
(docs/themes.md). Figures and suggestions are read within the user's location scope: an answer reaches
a location through its encounter (`Response.location_scope_q`)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection

from apps.accounts.scope import scoped, user_location_scope
from apps.core.tenancy import company_time_zone
from apps.metrics.formulas import NPS_DETRACTOR_MAX, NPS_PROMOTER_MIN, nps_is_small_sample, nps_score
from apps.surveys.models import SEARCH_CONFIG_FALLBACK, SEARCH_CONFIGS, Response
from apps.themes.logodds import WordScore, log_odds
from apps.themes.models import Theme

SUGGESTION_MIN_COUNT = 5  # a word used fewer times by detractors and promoters together is not suggested
SUGGESTION_MIN_COMMENTS = 10  # comments each group needs before anything is suggested
SUGGESTION_LIMIT = 20


def theme_list() -> list[Theme]:
    return list(Theme.objects.order_by("name"))


def theme_get(*, theme_id: int) -> Theme | None:
    return Theme.objects.filter(pk=theme_id).first()


def _responses_sql(*, user: Any, since: dt.datetime, until: dt.datetime) -> tuple[str, list[Any]]:
    """SQL for the ids of the responses in the period that `user` may see, and its parameters."""
    responses = Response.objects.filter(submitted_at__gte=since, submitted_at__lt=until)
    if user_location_scope(user) is not None:
        responses = scoped(responses, user=user)
    sql, params = responses.values("id").query.sql_with_params()
    return sql, list(params)


_NPS_JOIN = (
    " LEFT JOIN LATERAL (SELECT n.score FROM surveys_answer n WHERE n.response_id = r.id AND n.type = 'nps'"
    " ORDER BY n.id LIMIT 1) nps ON true"
)


@dataclass(frozen=True)
class ThemeFigures:
    """Responses tagged with a theme in a period (or a week of it), and their NPS."""

    start: dt.date | None
    responses: int
    nps_answers: int
    promoters: int
    detractors: int

    @property
    def nps(self) -> int | None:
        return nps_score(promoters=self.promoters, detractors=self.detractors, answers=self.nps_answers)

    @property
    def small_sample(self) -> bool:
        return nps_is_small_sample(answers=self.nps_answers)


def _figures_query(*, user: Any, since: dt.datetime, until: dt.datetime, by: str, where: str) -> tuple[str, list[Any]]:
    responses, params = _responses_sql(user=user, since=since, until=until)
    sql = (
        f"SELECT {by}, count(DISTINCT r.id), count(DISTINCT r.id) FILTER (WHERE nps.score IS NOT NULL),"  # noqa: S608  (constants and placeholders only)
        f" count(DISTINCT r.id) FILTER (WHERE nps.score >= {NPS_PROMOTER_MIN}),"
        f" count(DISTINCT r.id) FILTER (WHERE nps.score <= {NPS_DETRACTOR_MAX})"
        " FROM themes_themetag g JOIN surveys_response r ON r.id = g.response_id"
        f"{_NPS_JOIN} WHERE r.id IN ({responses}) {where} GROUP BY 1 ORDER BY 1"
    )
    return sql, params


def theme_totals(*, user: Any, since: dt.datetime, until: dt.datetime) -> dict[int, ThemeFigures]:
    """Each theme's figures over the period, by theme id (a theme with no tagged response is absent)."""
    sql, params = _figures_query(user=user, since=since, until=until, by="g.theme_id", where="")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: ThemeFigures(None, *row[1:]) for row in cursor.fetchall()}


def theme_weeks(*, theme: Theme, user: Any, since: dt.datetime, until: dt.datetime) -> list[ThemeFigures]:
    """A theme's figures by week (Monday, in the company's time zone), the weeks with answers."""
    by = "date_trunc('week', r.submitted_at AT TIME ZONE %s)::date"
    sql, params = _figures_query(user=user, since=since, until=until, by=by, where="AND g.theme_id = %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [str(company_time_zone()), *params, theme.pk])
        return [ThemeFigures(*row) for row in cursor.fetchall()]


@dataclass(frozen=True)
class Suggestions:
    detractor_words: list[WordScore]  # word: (language, lexeme)
    promoter_words: list[WordScore]
    detractor_comments: int
    promoter_comments: int
    enough: bool


def _theme_lexemes() -> tuple[set[tuple[str, str]], list[tuple[str, str]]]:
    """The lexemes of the themes' words in each language, and the stems a one-word term prefixes."""
    languages = [*SEARCH_CONFIGS.items(), ("", SEARCH_CONFIG_FALLBACK)]
    values = ", ".join(["(%s, %s::regconfig)"] * len(languages))
    params = [item for pair in languages for item in pair]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT l.code, lex, term ~ '^[[:alnum:]]{{2,}}$' FROM (VALUES {values}) AS l(code, cfg),"  # noqa: S608  (constants and placeholders only)
            " themes_theme t, unnest(t.terms) AS term,"
            " unnest(tsvector_to_array(to_tsvector(l.cfg, term))) AS lex",
            params,
        )
        rows = cursor.fetchall()
    return {(code, lex) for code, lex, _word in rows}, [(code, lex) for code, lex, word in rows if word]


def word_counts(
    *, user: Any, since: dt.datetime, until: dt.datetime, language: str = ""
) -> tuple[dict, dict, dict, int, int]:
    """Occurrences of each (language, lexeme) in the comments of the period: by detractors, by promoters
    and by everyone (the prior); and how many comments each group wrote."""
    responses, params = _responses_sql(user=user, since=since, until=until)
    language_sql = " AND a.language = %s" if language else ""
    sql = (
        "WITH c AS (SELECT a.language, a.search_vector, nps.score FROM surveys_answer a"  # noqa: S608  (constants and placeholders only)
        " JOIN surveys_response r ON r.id = a.response_id"
        f"{_NPS_JOIN} WHERE a.type = 'text' AND a.text <> '' AND r.id IN ({responses}){language_sql})"
        " SELECT c.language, u.lexeme,"
        f" coalesce(sum(coalesce(cardinality(u.positions), 1)) FILTER (WHERE c.score <= {NPS_DETRACTOR_MAX}), 0),"
        f" coalesce(sum(coalesce(cardinality(u.positions), 1)) FILTER (WHERE c.score >= {NPS_PROMOTER_MIN}), 0),"
        " sum(coalesce(cardinality(u.positions), 1))"
        " FROM c, unnest(c.search_vector) AS u GROUP BY 1, 2"
    )
    count_sql = (
        f"SELECT count(*) FILTER (WHERE nps.score <= {NPS_DETRACTOR_MAX}),"  # noqa: S608  (constants and placeholders only)
        f" count(*) FILTER (WHERE nps.score >= {NPS_PROMOTER_MIN})"
        " FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id"
        f"{_NPS_JOIN} WHERE a.type = 'text' AND a.text <> '' AND r.id IN ({responses}){language_sql}"
    )
    extra = [language] if language else []
    detractors: dict = {}
    promoters: dict = {}
    everyone: dict = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params + extra)
        for code, lexeme, det, pro, total in cursor.fetchall():
            key = (code if code in SEARCH_CONFIGS else "", lexeme)
            detractors[key] = detractors.get(key, 0) + det
            promoters[key] = promoters.get(key, 0) + pro
            everyone[key] = everyone.get(key, 0) + total
        cursor.execute(count_sql, params + extra)
        detractor_comments, promoter_comments = cursor.fetchone()
    return detractors, promoters, everyone, detractor_comments, promoter_comments


def theme_suggestions(
    *,
    user: Any,
    since: dt.datetime,
    until: dt.datetime,
    language: str = "",
    limit: int = SUGGESTION_LIMIT,
    min_count: int = SUGGESTION_MIN_COUNT,
) -> Suggestions:
    """The words that most set detractors apart from promoters, and promoters from detractors, by the
    weighted log-odds' z with all comments of the period as the prior; words of existing themes left out."""
    detractors, promoters, everyone, det_comments, pro_comments = word_counts(
        user=user, since=since, until=until, language=language
    )
    enough = det_comments >= SUGGESTION_MIN_COMMENTS and pro_comments >= SUGGESTION_MIN_COMMENTS
    if not enough:
        return Suggestions([], [], det_comments, pro_comments, False)
    taken, prefixes = _theme_lexemes()

    def free(score: WordScore) -> bool:
        code, lexeme = score.word  # type: ignore[misc]
        if (code, lexeme) in taken:
            return False
        return not any(code == p_code and lexeme.startswith(stem) for p_code, stem in prefixes)

    scores = [
        score
        for score in log_odds(group_i=detractors, group_j=promoters, prior=everyone, min_count=min_count)
        if free(score)
    ]
    detractor_words = [score for score in scores if score.z > 0][:limit]
    promoter_words = [score for score in reversed(scores) if score.z < 0][:limit]
    return Suggestions(detractor_words, promoter_words, det_comments, pro_comments, True)
