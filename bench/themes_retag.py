"""Themes over many comments: how long a retag takes, the tagging of one arriving answer, and the
suggested words of a period.

    DATABASE_URL=... python bench/themes_retag.py [--comments 50000] [--keep]

Seeds the comments as bench/comments_search.py does (its own throwaway schema, "bench_themes"): anonymous
answers over a year in Finnish, Swedish and English, each with an NPS score. Then it creates a theme of
three words and a phrase and times its retag run (batches of answer ids, the swap), one arriving answer's
tagging with five themes, and `theme_suggestions` over the last 365 days: with the two-word phrases and
with the words alone (as before the phrases), alternated, medians of --repeat. Drops the schema unless
--keep.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings.local")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from apps.surveys.models import Answer, QuestionType, Survey  # noqa: E402
from apps.tenants.models import Tenant  # noqa: E402
from apps.themes.models import Theme, ThemeTag  # noqa: E402
from apps.themes.selectors import theme_suggestions  # noqa: E402
from apps.themes.services import response_tag, theme_create, theme_retag  # noqa: E402
from bench import comments_search  # noqa: E402

SCHEMA = "bench_themes"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--comments", type=int, default=50_000)
    parser.add_argument("--keep", action="store_true", help="keep the bench schema afterwards")
    parser.add_argument("--repeat", type=int, default=5, help="runs of the suggestions, each way")
    parser.add_argument("--suggestions-only", action="store_true", help="time the suggestions, not the retag")
    args = parser.parse_args()
    tenant = Tenant.objects.filter(schema_name=SCHEMA).first()
    if tenant is None:
        print(f"Creating schema {SCHEMA}...", flush=True)
        tenant = Tenant(schema_name=SCHEMA, name="Themes benchmark")
        tenant.save()
    try:
        with schema_context(SCHEMA):
            if Answer.objects.filter(type=QuestionType.TEXT).count() != args.comments:
                Theme.objects.all().delete()
                Answer.objects.all().delete()
                with connection.cursor() as cursor:
                    cursor.execute("DELETE FROM surveys_response")
                Survey.objects.all().delete()
                started = time.perf_counter()
                comments_search.seed(args.comments)
                print(f"Seeded {args.comments:,} comments in {time.perf_counter() - started:.1f} s", flush=True)
            retag = arrival = 0.0
            tags = 0
            if not args.suggestions_only:
                Theme.objects.all().delete()
                for name, terms in (("b", ["hinta"]), ("c", ["kö"]), ("d", ["staff"]), ("e", ["ystävällinen"])):
                    theme = theme_create(name=name, terms=terms)
                    theme_retag(theme_id=theme.pk, run=theme.run)
                theme = theme_create(name="Jonotus", terms=["jono", "odottaa", "queue", "liian pitkä"])
                started = time.perf_counter()
                theme_retag(theme_id=theme.pk, run=theme.run)
                retag = time.perf_counter() - started
                tags = ThemeTag.objects.filter(theme=theme).count()
                response_id = (
                    Answer.objects.filter(type=QuestionType.TEXT)
                    .order_by("-id")
                    .values_list("response_id", flat=True)[0]
                )
                started = time.perf_counter()
                for _ in range(20):
                    response_tag(response_id=response_id)
                arrival = (time.perf_counter() - started) / 20
            until = timezone.now() + dt.timedelta(days=1)
            samples: dict[bool, list[float]] = {True: [], False: []}
            for _ in range(args.repeat):
                for phrases in (False, True):
                    started = time.perf_counter()
                    suggestions = theme_suggestions(
                        user=None, since=until - dt.timedelta(days=366), until=until, phrases=phrases
                    )
                    samples[phrases].append(time.perf_counter() - started)
            shown = [s.display for s in suggestions.detractor_words[:5] + suggestions.promoter_words[:5]]
    finally:
        if not args.keep:
            tenant.delete(force_drop=True)
    print(f"\nThemes, {args.comments:,} comments")
    if not args.suggestions_only:
        print(f"retag of a theme of 4 terms: {retag:.2f} s, {tags:,} tagged")
        print(f"tagging one arriving answer with 5 themes: {arrival * 1000:.1f} ms")
    words, both = statistics.median(samples[False]), statistics.median(samples[True])
    print(
        f"suggestions over a year ({suggestions.detractor_comments:,} detractor and "
        f"{suggestions.promoter_comments:,} promoter comments), medians of {args.repeat}: "
        f"words alone {words:.2f} s, words and two-word phrases {both:.2f} s ({both / words:.2f}x)"
    )
    print(f"top of each list: {', '.join(shown)}")


if __name__ == "__main__":
    main()
