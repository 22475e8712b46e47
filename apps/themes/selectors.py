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
from apps.themes.surface import surface_form, text_words

SUGGESTION_MIN_COUNT = 5  # a word used fewer times by detractors and promoters together is not suggested
SUGGESTION_MIN_PHRASE_COUNT = 5  # the same for a two-word phrase
SUGGESTION_MIN_COMMENTS = 10  # comments each group needs before anything is suggested
SUGGESTION_LIMIT = 20
SURFACE_SAMPLE = 50  # comments read for the form a suggestion is shown in


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
class Suggestion:
    """A suggested word or two-word phrase: its log-odds score (`score.word` is (language, *lexemes)),
    and the form customers wrote it in most often."""

    score: WordScore
    display: str

    @property
    def language(self) -> str:
        return self.score.word[0]  # type: ignore[index]

    @property
    def lexemes(self) -> tuple[str, ...]:
        return self.score.word[1:]  # type: ignore[index]

    @property
    def is_phrase(self) -> bool:
        return len(self.lexemes) > 1


@dataclass(frozen=True)
class Suggestions:
    detractor_words: list[Suggestion]
    promoter_words: list[Suggestion]
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


@dataclass(frozen=True)
class TermCounts:
    """Occurrences of each word and two-word phrase in the comments of a period: by detractors, by
    promoters and by everyone (the prior). Keys: (language, lexeme) and (language, lexeme, lexeme)."""

    detractors: dict[tuple[str, ...], int]
    promoters: dict[tuple[str, ...], int]
    everyone: dict[tuple[str, ...], int]
    detractor_comments: int
    promoter_comments: int

    def of(self, size: int) -> tuple[dict, dict, dict]:
        """The counts of the words (size 1) or the phrases (size 2) alone."""
        return tuple(  # type: ignore[return-value]
            {key: count for key, count in counts.items() if len(key) == size + 1}
            for counts in (self.detractors, self.promoters, self.everyone)
        )


def term_counts(
    *, user: Any, since: dt.datetime, until: dt.datetime, language: str = "", phrases: bool = True
) -> TermCounts:
    """Occurrences of each (language, lexeme) in the comments of the period, and, with `phrases`, of each
    two adjacent lexemes (language, first, second): by detractors, by promoters and by everyone; and how
    many comments each group wrote.

    A phrase is two words next to each other in the comment (positions p and p + 1 of its stored
    vector): a stop word between them breaks the pair, as it does for phraseto_tsquery, so a theme made
    of the phrase finds the comments counted. A hyphenated word's whole form is left out of phrases
    (its parts follow at the next positions)."""
    responses, params = _responses_sql(user=user, since=since, until=until)
    language_sql = " AND a.language = %s" if language else ""
    detractor, promoter = f"c.score <= {NPS_DETRACTOR_MAX}", f"c.score >= {NPS_PROMOTER_MIN}"
    sql = (
        "WITH c AS MATERIALIZED (SELECT a.id, a.language, a.search_vector, nps.score FROM surveys_answer a"  # noqa: S608  (constants and placeholders only)
        " JOIN surveys_response r ON r.id = a.response_id"
        f"{_NPS_JOIN} WHERE a.type = 'text' AND a.text <> '' AND r.id IN ({responses}){language_sql})"
        " SELECT c.language, u.lexeme, NULL,"
        f" coalesce(sum(coalesce(cardinality(u.positions), 1)) FILTER (WHERE {detractor}), 0),"
        f" coalesce(sum(coalesce(cardinality(u.positions), 1)) FILTER (WHERE {promoter}), 0),"
        " sum(coalesce(cardinality(u.positions), 1))"
        " FROM c, unnest(c.search_vector) AS u GROUP BY 1, 2"
    )
    if phrases:
        # Each comment's positions in order; a lexeme and the next one, when that is at the next position.
        sql += (
            " UNION ALL SELECT c.language, b.first, b.second,"  # noqa: S608  (constants only)
            f" count(*) FILTER (WHERE {detractor}), count(*) FILTER (WHERE {promoter}), count(*)"
            " FROM c, LATERAL (SELECT u.lexeme AS first, lead(u.lexeme) OVER w AS second, p,"
            " lead(p) OVER w AS following FROM unnest(c.search_vector) AS u, unnest(u.positions) AS p"
            " WHERE strpos(u.lexeme, '-') = 0 WINDOW w AS (ORDER BY p)) b"
            " WHERE b.following = b.p + 1 GROUP BY 1, 2, 3"
        )
    count_sql = (
        f"SELECT count(*) FILTER (WHERE nps.score <= {NPS_DETRACTOR_MAX}),"  # noqa: S608  (constants and placeholders only)
        f" count(*) FILTER (WHERE nps.score >= {NPS_PROMOTER_MIN})"
        " FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id"
        f"{_NPS_JOIN} WHERE a.type = 'text' AND a.text <> '' AND r.id IN ({responses}){language_sql}"
    )
    extra = [language] if language else []
    counts = TermCounts({}, {}, {}, 0, 0)
    with connection.cursor() as cursor:
        cursor.execute(sql, params + extra)
        for code, first, second, det, pro, total in cursor.fetchall():
            key = (code if code in SEARCH_CONFIGS else "", first) + ((second,) if second is not None else ())
            counts.detractors[key] = counts.detractors.get(key, 0) + det
            counts.promoters[key] = counts.promoters.get(key, 0) + pro
            counts.everyone[key] = counts.everyone.get(key, 0) + total
        cursor.execute(count_sql, params + extra)
        detractor_comments, promoter_comments = cursor.fetchone()
    return TermCounts(counts.detractors, counts.promoters, counts.everyone, detractor_comments, promoter_comments)


def _lexeme_query(lexemes: tuple[str, ...]) -> str:
    """A tsquery of the lexemes as they are (no parsing, no stemming), adjacent in this order."""
    quoted = ("'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'" for lexeme in lexemes)
    return " <-> ".join(quoted)


def _surface_forms(
    *, user: Any, since: dt.datetime, until: dt.datetime, scores: list[WordScore]
) -> dict[tuple[str, ...], str | None]:
    """The form customers wrote each suggested word or phrase in most often, from up to
    SURFACE_SAMPLE comments of the period that have it (the GIN index finds them); None when none of
    them writes it within one sentence or clause."""
    if not scores:
        return {}
    responses, params = _responses_sql(user=user, since=since, until=until)
    keys = [score.word for score in scores]
    sql = (
        "SELECT s.n, a.text FROM unnest(%s::text[], %s::text[]) WITH ORDINALITY AS s(code, query, n),"  # noqa: S608  (constants and placeholders only)
        " LATERAL (SELECT a.text FROM surveys_answer a WHERE a.type = 'text'"
        " AND a.search_vector @@ s.query::tsquery"
        " AND (a.language = s.code OR (s.code = '' AND a.language <> ALL(%s)))"
        f" AND a.response_id IN ({responses}) LIMIT %s) a"
    )
    texts: dict[int, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                [key[0] for key in keys],  # type: ignore[index]
                [_lexeme_query(key[1:]) for key in keys],  # type: ignore[index]
                list(SEARCH_CONFIGS),
                *params,
                SURFACE_SAMPLE,
            ],
        )
        for number, text in cursor.fetchall():
            texts.setdefault(number - 1, []).append(text)
        stems: dict[str, dict[str, str | None]] = {}
        for code in {key[0] for key in keys}:  # type: ignore[index]
            words = sorted(
                {
                    word
                    for index, key in enumerate(keys)
                    if key[0] == code  # type: ignore[index]
                    for text in texts.get(index, [])
                    for sentence in text_words(text)
                    for word in sentence
                }
            )
            cursor.execute(
                "SELECT w, (tsvector_to_array(to_tsvector(%s::regconfig, w)))[1] FROM unnest(%s::text[]) AS w",
                [SEARCH_CONFIGS.get(code, SEARCH_CONFIG_FALLBACK), words],
            )
            stems[code] = dict(cursor.fetchall())
    return {
        key: surface_form(lexemes=key[1:], texts=texts.get(index, []), stems=stems[key[0]])  # type: ignore[index]
        for index, key in enumerate(keys)
    }


def theme_suggestions(
    *,
    user: Any,
    since: dt.datetime,
    until: dt.datetime,
    language: str = "",
    limit: int = SUGGESTION_LIMIT,
    min_count: int = SUGGESTION_MIN_COUNT,
    phrases: bool = True,
) -> Suggestions:
    """The words and two-word phrases that most set detractors apart from promoters, and promoters from
    detractors, by the weighted log-odds' z with all comments of the period as the prior; words of
    existing themes, and phrases with such a word, left out. Words and phrases are scored each against
    their own totals (a comment of n words has n words but fewer phrases) and ranked together by z."""
    counts = term_counts(user=user, since=since, until=until, language=language, phrases=phrases)
    det_comments, pro_comments = counts.detractor_comments, counts.promoter_comments
    enough = det_comments >= SUGGESTION_MIN_COMMENTS and pro_comments >= SUGGESTION_MIN_COMMENTS
    if not enough:
        return Suggestions([], [], det_comments, pro_comments, False)
    taken, prefixes = _theme_lexemes()

    def free(score: WordScore) -> bool:
        code, *lexemes = score.word  # type: ignore[misc]
        return not any(
            (code, lexeme) in taken or any(code == p_code and lexeme.startswith(stem) for p_code, stem in prefixes)
            for lexeme in lexemes
        )

    scores: list[WordScore] = []
    for size, least in ((1, min_count), (2, SUGGESTION_MIN_PHRASE_COUNT)):
        detractors, promoters, everyone = counts.of(size)
        scores += log_odds(group_i=detractors, group_j=promoters, prior=everyone, min_count=least)
    scores = sorted((score for score in scores if free(score)), key=lambda score: (-score.z, str(score.word)))
    # Twice as many as shown: a phrase the sampled comments write only across a sentence or clause
    # break (the stored vector has no punctuation) is dropped.
    detractor_scores = [score for score in scores if score.z > 0][: 2 * limit]
    promoter_scores = [score for score in reversed(scores) if score.z < 0][: 2 * limit]
    forms = _surface_forms(user=user, since=since, until=until, scores=detractor_scores + promoter_scores)

    def suggested(chosen: list[WordScore]) -> list[Suggestion]:
        shown = []
        for score in chosen:
            lexemes = score.word[1:]  # type: ignore[index]
            form = forms[score.word]  # type: ignore[index]
            if form is None and len(lexemes) > 1:
                continue
            shown.append(Suggestion(score=score, display=form or lexemes[0]))
        return shown[:limit]

    return Suggestions(suggested(detractor_scores), suggested(promoter_scores), det_comments, pro_comments, True)
