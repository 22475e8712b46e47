"""Full-text search of the comments (docs/comments.md).

Each answer gets its response's language (a BEFORE INSERT trigger copies it, whoever writes the row:
the services, the demo seed, the benchmarks' raw inserts), then a stored generated tsvector made with
that language's text search configuration, and a GIN index over the free-text answers.

The function keeps the search path it was created with (the company's schema), as the roll-up
triggers do. Existing answers get their language in one UPDATE before the generated column is added,
so the table is rewritten once.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION surveys_answer_language() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
    BEGIN
        NEW.language := COALESCE((SELECT r.language FROM surveys_response r WHERE r.id = NEW.response_id), '');
        RETURN NEW;
    END $$;
    """,
    "CREATE TRIGGER surveys_answer_language BEFORE INSERT OR UPDATE OF response_id ON surveys_answer "
    "FOR EACH ROW EXECUTE FUNCTION surveys_answer_language();",
    "UPDATE surveys_answer a SET language = r.language FROM surveys_response r "
    "WHERE r.id = a.response_id AND a.language IS DISTINCT FROM r.language;",
]
_REVERSE = [
    "DROP TRIGGER IF EXISTS surveys_answer_language ON surveys_answer;",
    "DROP FUNCTION IF EXISTS surveys_answer_language();",
]


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0010_case_escalation_setting"),
    ]

    operations = [
        migrations.AddField(
            model_name="answer",
            name="language",
            field=models.CharField(blank=True, db_default="", editable=False, max_length=8),
        ),
        migrations.RunSQL(_FORWARD, _REVERSE),
        migrations.AddField(
            model_name="answer",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Case(
                    models.When(language="fi", then=django.contrib.postgres.search.SearchVector("text", config="finnish")),
                    models.When(language="sv", then=django.contrib.postgres.search.SearchVector("text", config="swedish")),
                    models.When(language="en", then=django.contrib.postgres.search.SearchVector("text", config="english")),
                    default=django.contrib.postgres.search.SearchVector("text", config="simple"),
                    output_field=django.contrib.postgres.search.SearchVectorField(),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="answer",
            index=django.contrib.postgres.indexes.GinIndex(
                condition=models.Q(("type", "text")), fields=["search_vector"], name="answer_comment_search"
            ),
        ),
    ]
