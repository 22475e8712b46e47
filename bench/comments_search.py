"""Comment search over 200,000 comments: the GIN index on the stemmed words versus a hand-written ILIKE,
in one run.

    DATABASE_URL=... python bench/comments_search.py [--comments 200000] [--repeat 11] [--keep]

Creates a throwaway company schema ("bench_comments") and writes the comments in bulk with SQL: anonymous
answers over a year, 70 % Finnish, 20 % Swedish, 10 % English, each an NPS score and a comment of three
phrases drawn from a list in its language (the words inflected as customers write them); one in a hundred
also mentions the coffee, for a rare word. Then, for a few searches (and none: the page as it opens;
and a rare word in one language's comments), it times what the comments page reads for its list (how
many match and the ids of the first page, newest first) in three ways, alternated, in the same run:

- the product: `comment_list`, `comment_matches` and `comment_page_ids` (apps/surveys/comment_search.py):
  the generated tsvector, one GIN index scan for the search read in every language, each comment then
  checked in its own language; the matches read up to COUNT_LIMIT (1,000) + 1 in any order: the count
  is exact up to the limit ("more than" past it), and with no more than that the page is sorted from
  them, otherwise read newest first;
- the previous product, rebuilt here: the search as an OR of (language, query) pairs and an exact
  count of every match;
- the baseline: the same exact count and page written by hand with `text ILIKE '%word%'`, no index (a
  trigram index would be the other way to index substrings; see docs/comments.md).

It also times the whole page as the view builds it (count, ids, the rows with their scores and places,
the highlighting). Prints the medians, the ratios and the number of matches of each (they differ: ILIKE
finds substrings, the stemmer words; the product's stops at the limit), and drops the schema unless
--keep.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings.local")

import django

django.setup()

from django.contrib.postgres.search import SearchQuery  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from apps.dashboards.selectors.comments import PAGE_SIZE, CommentCriteria, comment_page_build  # noqa: E402
from apps.surveys.comment_search import (  # noqa: E402
    _PREFIX_WORD,
    CommentFilter,
    comment_list,
    comment_matches,
    comment_page_ids,
)
from apps.surveys.models import (  # noqa: E402
    SEARCH_CONFIG_FALLBACK,
    SEARCH_CONFIGS,
    Answer,
    Question,
    QuestionType,
    Survey,
)
from apps.tenants.models import Tenant  # noqa: E402

SCHEMA = "bench_comments"

PHRASES = {
    "fi": [
        "Jonossa meni puoli tuntia",
        "jonot olivat pitkät",
        "henkilökunta oli ystävällistä",
        "asiakaspalvelija auttoi nopeasti",
        "odotusaika oli liian pitkä",
        "katsastus sujui hyvin",
        "hinta oli kohtuullinen",
        "ajanvaraus netissä oli helppo",
        "pysäköintipaikkoja oli liian vähän",
        "tarkastaja selitti viat selkeästi",
        "jonotusaika yllätti",
        "palvelu oli erinomaista",
        "en saanut vastausta kysymykseeni",
        "tilat olivat siistit",
    ],
    "sv": [
        "Kön var lång",
        "personalen var vänlig",
        "vi väntade i kön en halvtimme",
        "besiktningen gick smidigt",
        "priset var rimligt",
        "bokningen på nätet var enkel",
        "det fanns för få parkeringsplatser",
    ],
    "en": [
        "The queue was long",
        "staff were friendly",
        "we waited in the queue for half an hour",
        "the inspection went smoothly",
        "the price was fair",
        "booking online was easy",
    ],
}
# One comment in a hundred also says this (in Finnish whatever its language: the rare word is for the
# Finnish search).
RARE = " Kahviautomaatti oli rikki, kahvi loppui."
# What is searched for, and in which language's comments ("" for all).
SEARCHES = {
    "no search (the page as it opens)": ("", ""),
    "one Finnish word ('jono')": ("jono", ""),
    "a rarer Finnish word ('kahvi')": ("kahvi", ""),
    "two Finnish words ('pitkä odotusaika')": ("pitkä odotusaika", ""),
    "a Swedish word ('kö')": ("kö", ""),
    "an English phrase ('\"the queue\"')": ('"the queue"', ""),
    "a rare word, Swedish comments ('kahvi')": ("kahvi", "sv"),
    "a rare word, English comments ('kahvi')": ("kahvi", "en"),
}
# The ILIKE baseline searches the plain substring of each.
BASELINE_TERMS = {
    "no search (the page as it opens)": [],
    "one Finnish word ('jono')": ["jono"],
    "a rarer Finnish word ('kahvi')": ["kahvi"],
    "two Finnish words ('pitkä odotusaika')": ["pitkä", "odotusaika"],
    "a Swedish word ('kö')": ["kö"],
    "an English phrase ('\"the queue\"')": ["the queue"],
    "a rare word, Swedish comments ('kahvi')": ["kahvi"],
    "a rare word, English comments ('kahvi')": ["kahvi"],
}


def seed(count: int) -> None:
    survey = Survey.objects.create(name="Bench", title_fi="Kysely", title_en="Survey")
    nps = Question.objects.create(survey=survey, position=1, type=QuestionType.NPS, text_fi="NPS", text_en="NPS")
    text = Question.objects.create(survey=survey, position=2, type=QuestionType.TEXT, text_fi="Sana", text_en="Say")
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO surveys_response (survey_id, source, language, submitted_at)
            SELECT %(survey)s, 'qr',
                   CASE WHEN g %% 10 < 7 THEN 'fi' WHEN g %% 10 < 9 THEN 'sv' ELSE 'en' END,
                   %(now)s - (g %% 365) * interval '1 day' - (g * 7919 %% 86400) * interval '1 second'
            FROM generate_series(1, %(count)s) g
            """,
            {"survey": survey.pk, "now": now, "count": count},
        )
        cursor.execute(
            "INSERT INTO surveys_answer (response_id, question_id, type, score, text) "
            "SELECT id, %s, 'nps', id * 7 %% 11, '' FROM surveys_response",
            [nps.pk],
        )
        cases = " ".join(f"WHEN '{code}' THEN %({code})s::text[]" for code in PHRASES)  # the arrays are parameters
        cursor.execute(
            f"""
            INSERT INTO surveys_answer (response_id, question_id, type, score, text)
            SELECT r.id, %(question)s, 'text', NULL,
                   p[1 + abs(hashtext(r.id || 'a')) %% cardinality(p)]
                   || ', ' || p[1 + abs(hashtext(r.id || 'b')) %% cardinality(p)]
                   || ', ' || p[1 + abs(hashtext(r.id || 'c')) %% cardinality(p)] || '.'
                   || CASE WHEN abs(hashtext(r.id || 'd')) %% 100 = 0 THEN %(rare)s ELSE '' END
            FROM surveys_response r, LATERAL (SELECT CASE r.language {cases} END AS p) phrases
            """,  # noqa: S608 (the CASE names this module's constants)
            {"question": text.pk, "rare": RARE, **PHRASES},
        )
        cursor.execute("VACUUM ANALYZE surveys_response")
        cursor.execute("VACUUM ANALYZE surveys_answer")


def _window() -> tuple[dt.datetime, dt.datetime]:
    until = timezone.now() + dt.timedelta(days=1)
    return until - dt.timedelta(days=366), until


def product(search: str, language: str) -> tuple[str, list[int]]:
    since, until = _window()
    filters = CommentFilter(since=since, until=until, search=search, language=language)
    comments = comment_list(user=None, filters=filters)
    matches = comment_matches(comments=comments)
    ids, _following = comment_page_ids(comments=comments, after=None, size=PAGE_SIZE, matches=matches)
    return f"{matches.count.value:,}{'+' if matches.count.more else ''}", ids


def _previous_search_q(search: str) -> Q:
    """The search as the product wrote it before: an OR of (language, query parsed in it) pairs."""
    word = search.strip()
    prefix = word.lower() if _PREFIX_WORD.match(word) else ""

    def query(config: str) -> SearchQuery:
        parsed = SearchQuery(search, config=config, search_type="websearch")
        return parsed | SearchQuery(f"{prefix}:*", config=config, search_type="raw") if prefix else parsed

    condition = Q()
    for code, config in SEARCH_CONFIGS.items():
        condition |= Q(language=code, search_vector=query(config))
    condition |= Q(~Q(language__in=list(SEARCH_CONFIGS)), search_vector=query(SEARCH_CONFIG_FALLBACK))
    return condition


def previous(search: str, language: str) -> tuple[str, list[int]]:
    since, until = _window()
    comments = comment_list(user=None, filters=CommentFilter(since=since, until=until, language=language))
    if search.strip():
        comments = comments.filter(_previous_search_q(search))
    return f"{comments.count():,}", list(comments.values_list("id", flat=True)[:PAGE_SIZE])


def baseline(terms: list[str], language: str) -> tuple[str, list[int]]:
    since, until = _window()
    where = "".join(" AND a.text ILIKE %s" for _term in terms) + (" AND a.language = %s" if language else "")
    params = [since, until, *(f"%{term}%" for term in terms), *([language] if language else [])]
    base = f"""
        FROM surveys_answer a JOIN surveys_response r ON r.id = a.response_id
        WHERE a.type = 'text' AND a.text <> '' AND r.submitted_at >= %s AND r.submitted_at < %s {where}
    """
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) {base}", params)
        count = cursor.fetchone()[0]
        cursor.execute(f"SELECT a.id {base} ORDER BY r.submitted_at DESC, a.id DESC LIMIT %s", [*params, PAGE_SIZE])
        ids = [row[0] for row in cursor.fetchall()]
    return f"{count:,}", ids


def page(search: str, language: str) -> None:
    since, until = _window()
    criteria = CommentCriteria(since=since, until=until, search=search, language=language)
    comment_page_build(user=None, criteria=criteria, after=None)


def median_ms(call: object, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--keep", action="store_true", help="keep the bench schema afterwards")
    args = parser.parse_args()

    tenant = Tenant.objects.filter(schema_name=SCHEMA).first()
    if tenant is None:
        print(f"Creating schema {SCHEMA}...", flush=True)
        tenant = Tenant(schema_name=SCHEMA, name="Comments benchmark")
        tenant.save()
    results = {}
    try:
        with schema_context(SCHEMA):
            if Answer.objects.filter(type=QuestionType.TEXT).count() != args.comments:
                Answer.objects.all().delete()
                with connection.cursor() as cursor:
                    cursor.execute("DELETE FROM surveys_response")
                Survey.objects.all().delete()
                started = time.perf_counter()
                seed(args.comments)
                print(f"Seeded {args.comments:,} comments in {time.perf_counter() - started:.1f} s", flush=True)
            for label, (search, language) in SEARCHES.items():
                terms = BASELINE_TERMS[label]
                # Alternate the three so that a burst of load on the machine falls on all of them.
                samples: dict[str, list[float]] = {"gin": [], "previous": [], "ilike": []}
                for _ in range(args.repeat):
                    samples["gin"].append(median_ms(partial(product, search, language), 1))
                    samples["previous"].append(median_ms(partial(previous, search, language), 1))
                    samples["ilike"].append(median_ms(partial(baseline, terms, language), 1))
                gin, before = product(search, language), previous(search, language)
                assert gin[1] == before[1], f"{label}: the first page differs from the previous product's"
                results[label] = {
                    **{name: statistics.median(times) for name, times in samples.items()},
                    "page": median_ms(partial(page, search, language), args.repeat),
                    "gin_matches": gin[0],
                    "previous_matches": before[0],
                    "ilike_matches": baseline(terms, language)[0],
                }
    finally:
        if not args.keep:
            tenant.delete(force_drop=True)

    print(
        f"\nComment search, {args.comments:,} comments, medians of {args.repeat} "
        f"(count + first page of {PAGE_SIZE} ids; the whole page also builds the rows and the highlights)"
    )
    print(
        f"{'search':<40} {'matches now/before/ILIKE':>26} {'ILIKE':>10} {'before':>10} {'now':>9} "
        f"{'vs ILIKE':>9} {'vs before':>10} {'whole page':>11}"
    )
    for label, row in results.items():
        matches = f"{row['gin_matches']}/{row['previous_matches']}/{row['ilike_matches']}"
        print(
            f"{label:<40} {matches:>26} {row['ilike']:>7.1f} ms {row['previous']:>7.1f} ms {row['gin']:>6.1f} ms "
            f"{row['ilike'] / row['gin']:>8.1f}x {row['previous'] / row['gin']:>9.1f}x {row['page']:>8.1f} ms"
        )


if __name__ == "__main__":
    main()
