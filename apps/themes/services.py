"""Writes of the themes: defining them, tagging the comments that match them, and retagging a theme's
comments after a change (docs/themes.md).

A comment matches a theme when its words (`surveys_answer.search_vector`, stemmed in the comment's own
language) match one of the theme's words or phrases parsed with the same language's configuration:
`phraseto_tsquery(cfg, term)`, and for a single word also `to_tsquery(cfg, 'word:*')` (the words that
begin with it: Finnish compounds). All in PostgreSQL, one statement for all themes of an answer.
"""

import logging

from django.db import connection, transaction
from django.db.models import F

from apps.core.exceptions import DomainError
from apps.surveys.models import SEARCH_CONFIG_FALLBACK, SEARCH_CONFIGS
from apps.themes.models import Theme

logger = logging.getLogger(__name__)

RETAG_BATCH = 5000  # answer ids per transaction of a retagging run

# The comment's text-search configuration, from its language (as its search vector was made).
_CONFIG = (
    "(CASE a.language "
    + " ".join(f"WHEN '{code}' THEN '{config}'" for code, config in SEARCH_CONFIGS.items())
    + f" ELSE '{SEARCH_CONFIG_FALLBACK}' END)::regconfig"
)
# A theme's term as a query in that configuration; a plain word (letters and digits only, so nothing
# to_tsquery would read as an operator) also as a prefix.
_TERM_QUERY = (
    f"CASE WHEN term ~ '^[[:alnum:]]{{2,}}$'"
    f" THEN phraseto_tsquery({_CONFIG}, term) || to_tsquery({_CONFIG}, term || ':*')"
    f" ELSE phraseto_tsquery({_CONFIG}, term) END"
)
MATCH_SQL = (
    "a.type = 'text' AND a.text <> '' "  # noqa: S608  (constants and placeholders only)
    f"AND EXISTS (SELECT 1 FROM unnest(t.terms) AS term WHERE a.search_vector @@ ({_TERM_QUERY}))"
)


def terms_clean(terms: list[str]) -> list[str]:
    """The words and phrases as stored: trimmed, lower case, single spaces, each once, in order."""
    cleaned: list[str] = []
    for term in terms:
        term = " ".join(term.split()).lower()
        if term and term not in cleaned:
            cleaned.append(term)
    return cleaned


def _schedule_retag(theme: Theme) -> None:
    from apps.themes.tasks import theme_retag_task

    theme_id, run = theme.pk, theme.run
    transaction.on_commit(lambda: theme_retag_task.delay(theme_id=theme_id, run=run))


def _new_run(theme: Theme) -> None:
    theme.run += 1
    theme.run_done = 0
    theme.run_total = 0


@transaction.atomic
def theme_create(
    *, name: str, terms: list[str], name_fi: str = "", name_sv: str = "", name_en: str = "", is_active: bool = True
) -> Theme:
    terms = terms_clean(terms)
    _check(name=name, terms=terms)
    theme = Theme(name=name.strip(), name_fi=name_fi, name_sv=name_sv, name_en=name_en, terms=terms)
    theme.is_active = is_active
    _new_run(theme)
    theme.save()
    _schedule_retag(theme)
    return theme


@transaction.atomic
def theme_update(*, theme: Theme, **fields: object) -> Theme:
    """Change a theme; a change of its words or of `is_active` retags its comments (in the worker)."""
    theme = Theme.objects.select_for_update().get(pk=theme.pk)
    if "terms" in fields:
        fields["terms"] = terms_clean(list(fields["terms"]))  # type: ignore[arg-type]
    name = str(fields.get("name", theme.name)).strip()
    terms = list(fields.get("terms", theme.terms))  # type: ignore[arg-type]
    _check(name=name, terms=terms, exclude_id=theme.pk)
    retag = terms != theme.terms or bool(fields.get("is_active", theme.is_active)) != theme.is_active
    for key, value in fields.items():
        if key not in {"name", "name_fi", "name_sv", "name_en", "terms", "is_active"}:
            raise ValueError(key)
        setattr(theme, key, value)
    theme.name = name
    if retag:
        _new_run(theme)
    theme.save()
    if retag:
        _schedule_retag(theme)
    return theme


@transaction.atomic
def theme_delete(*, theme: Theme) -> None:
    """Delete a theme and, in the same transaction, its tags."""
    Theme.objects.filter(pk=theme.pk).delete()


def _check(*, name: str, terms: list[str], exclude_id: int | None = None) -> None:
    from django.utils.translation import gettext as _

    if not name.strip():
        raise DomainError(_("Give the theme a name."), fields={"name": [_("Give the theme a name.")]})
    if Theme.objects.filter(name__iexact=name.strip()).exclude(pk=exclude_id).exists():
        message = _("There is already a theme with this name.")
        raise DomainError(message, fields={"name": [message]})
    if not terms:
        message = _("Give at least one word or phrase.")
        raise DomainError(message, fields={"terms": [message]})


def response_tag(*, response_id: int) -> int:
    """Tag the comments of one response with every active theme they match; idempotent (the response's
    tags are replaced). A theme being retagged gets the tags in its run's staging too, so the run's swap
    keeps them. Returns the number of tags."""
    with transaction.atomic(), connection.cursor() as cursor:
        # Waits for a retagging run's swap (FOR UPDATE of its theme), so a tag is never lost between the two.
        cursor.execute("SELECT id FROM themes_theme ORDER BY id FOR SHARE")
        cursor.execute("DELETE FROM themes_themetag WHERE response_id = %s", [response_id])
        cursor.execute(
            "INSERT INTO themes_themetag (theme_id, answer_id, response_id)"  # noqa: S608  (constants and placeholders only)
            " SELECT t.id, a.id, a.response_id FROM surveys_answer a JOIN themes_theme t ON t.is_active"
            f" WHERE a.response_id = %s AND {MATCH_SQL} ON CONFLICT DO NOTHING",
            [response_id],
        )
        count = cursor.rowcount
        cursor.execute(
            "INSERT INTO themes_themetagstage (theme_id, run, answer_id, response_id)"  # noqa: S608  (constants and placeholders only)
            " SELECT t.id, t.run, a.id, a.response_id FROM surveys_answer a"
            " JOIN themes_theme t ON t.is_active AND t.run <> t.tags_run"
            f" WHERE a.response_id = %s AND {MATCH_SQL} ON CONFLICT DO NOTHING",
            [response_id],
        )
    return count


def theme_retag(*, theme_id: int, run: int, batch: int = RETAG_BATCH) -> bool:
    """Find the comments of a theme after a change, `batch` answer ids per transaction (progress in
    `run_done` of `run_total`), then replace its tags with them in one transaction. False when the run is
    no longer the theme's (changed again, or deleted): a newer run does the work."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0), count(*) FILTER (WHERE type = 'text') FROM surveys_answer")
        last_id, total = cursor.fetchone()
    if not Theme.objects.filter(pk=theme_id, run=run).update(run_total=total, run_done=0):
        return False
    after = 0
    while after < last_id:
        with transaction.atomic(), connection.cursor() as cursor:
            theme = Theme.objects.filter(pk=theme_id, run=run).values("is_active").first()
            if theme is None:
                return False
            if not theme["is_active"]:
                break
            # The next `batch` answers by id (the primary key's index), however sparse the ids are: ids come
            # from a sequence that gaps and jumps, so stepping through the id range could take any time.
            cursor.execute(
                "SELECT max(id) FROM (SELECT id FROM surveys_answer WHERE id > %s AND id <= %s ORDER BY id LIMIT %s) s",
                [after, last_id, batch],
            )
            (upper,) = cursor.fetchone()
            if upper is None:
                break
            cursor.execute(
                "INSERT INTO themes_themetagstage (theme_id, run, answer_id, response_id)"  # noqa: S608  (constants and placeholders only)
                " SELECT t.id, t.run, a.id, a.response_id FROM surveys_answer a JOIN themes_theme t ON t.id = %s"
                f" WHERE a.id > %s AND a.id <= %s AND {MATCH_SQL} ON CONFLICT DO NOTHING",
                [theme_id, after, upper],
            )
            cursor.execute(
                "SELECT count(*) FROM surveys_answer WHERE id > %s AND id <= %s AND type = 'text'", [after, upper]
            )
            (done,) = cursor.fetchone()
            Theme.objects.filter(pk=theme_id, run=run).update(run_done=F("run_done") + done)
        after = upper
    with transaction.atomic(), connection.cursor() as cursor:
        theme = Theme.objects.select_for_update().filter(pk=theme_id, run=run).first()
        if theme is None:
            return False
        cursor.execute("DELETE FROM themes_themetag WHERE theme_id = %s", [theme_id])
        if theme.is_active:
            cursor.execute(
                "INSERT INTO themes_themetag (theme_id, answer_id, response_id)"
                " SELECT theme_id, answer_id, response_id FROM themes_themetagstage WHERE theme_id = %s AND run = %s"
                " ON CONFLICT DO NOTHING",
                [theme_id, run],
            )
        cursor.execute("DELETE FROM themes_themetagstage WHERE theme_id = %s AND run <= %s", [theme_id, run])
        Theme.objects.filter(pk=theme_id).update(tags_run=run, run_done=F("run_total"))
    logger.info("themes: theme %s retagged (run %s) in %s", theme_id, run, connection.schema_name)
    return True
