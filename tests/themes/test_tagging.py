"""Tagging comments with themes in PostgreSQL: stemmed forms in Finnish, Swedish and English, the prefix
of a single word, phrases, idempotence, and retagging after a change (docs/themes.md)."""

from typing import Any

import pytest
from django.db import connection

from apps.themes.models import Theme, ThemeTag, ThemeTagStage
from apps.themes.services import response_tag, theme_create, theme_delete, theme_retag, theme_update
from tests.themes.factories import comment_add, world_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    return world_build()


def _tagged(theme: Theme) -> list[str]:
    return sorted(
        ThemeTag.objects.filter(theme=theme).values_list("answer__text", flat=True)  # the test reads the text
    )


def _tag_all(*answers: Any) -> None:
    for answer in answers:
        response_tag(response_id=answer.response_id)


def test_finnish_inflections_and_the_prefix(world: dict[str, Any]) -> None:
    theme = theme_create(name="Jonotus", terms=["jono"])
    texts = [
        "Odotin jonossa puoli tuntia",
        "Jonot olivat pitkät",
        "Menin jonoon heti",
        "Jonotusaika oli pitkä",
        "Kaikki sujui hyvin",
        "Lyhyt odotusjono",
    ]
    _tag_all(*(comment_add(world, text) for text in texts))
    # The stemmer: jonossa, jonot, jonoon; the prefix: jonotusaika. A compound ending in it is not caught.
    assert _tagged(theme) == [
        "Jonot olivat pitkät",
        "Jonotusaika oli pitkä",
        "Menin jonoon heti",
        "Odotin jonossa puoli tuntia",
    ]


def test_what_the_stemmer_alone_catches(world: dict[str, Any]) -> None:
    """A phrase is not prefix-matched: the Finnish stemmer maps jonossa and jonot to jono, not jonotus."""
    theme = theme_create(name="Jono pitkä", terms=["jono pitkä"])
    _tag_all(
        comment_add(world, "Jono oli pitkä"),
        comment_add(world, "Jonot pitkät ja hitaat"),
        comment_add(world, "Jonotus pitkä"),
    )
    assert _tagged(theme) == ["Jonot pitkät ja hitaat"]


def test_swedish_and_english_in_their_own_language(world: dict[str, Any]) -> None:
    queue = theme_create(name="Kö", terms=["kö", "queue", "wait"])
    price = theme_create(name="Price", terms=["high prices", "pris"])
    stop = theme_create(name="Stop words", terms=["too expensive"])
    _tag_all(
        comment_add(world, "Köerna var långa", language="sv"),
        comment_add(world, "Priset var för högt", language="sv"),
        comment_add(world, "The queues were long", language="en"),
        comment_add(world, "We waited an hour", language="en"),
        comment_add(world, "High price, again", language="en"),
        comment_add(world, "The price was high", language="en"),
        comment_add(world, "Too cheap, expensive elsewhere", language="en"),
    )
    assert _tagged(queue) == ["Köerna var långa", "The queues were long", "We waited an hour"]
    # A phrase needs its words next to each other in this order (stemmed: prices, price); the Swedish
    # "pris" catches "priset".
    assert _tagged(price) == ["High price, again", "Priset var för högt"]
    # A stop word of the language drops out of a phrase: "too expensive" is only "expens" in English.
    assert _tagged(stop) == ["Too cheap, expensive elsewhere"]


def test_tagging_an_answer_twice_changes_nothing(world: dict[str, Any]) -> None:
    theme = theme_create(name="Jonotus", terms=["jono"])
    answer = comment_add(world, "Jonossa meni kauan")
    assert response_tag(response_id=answer.response_id) == 1
    assert response_tag(response_id=answer.response_id) == 1
    assert ThemeTag.objects.filter(theme=theme).count() == 1


def test_an_inactive_theme_tags_nothing(world: dict[str, Any]) -> None:
    theme = theme_create(name="Jonotus", terms=["jono"], is_active=False)
    _tag_all(comment_add(world, "Jonossa meni kauan"))
    assert _tagged(theme) == []


def test_retagging_replaces_the_tags_of_the_theme_only(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as scheduled:
        theme = theme_create(name="Hinta", terms=["hinta"])
        other = theme_create(name="Jonotus", terms=["jono"])
    assert len(scheduled) == 2  # a retagging task each, after the commit
    answers = [
        comment_add(world, "Hinta oli kova"),
        comment_add(world, "Liian kallis"),
        comment_add(world, "Jonossa ja hinta"),
    ]
    # Answers that were there before the theme: the run finds them, in batches of two answer ids.
    assert theme_retag(theme_id=theme.pk, run=theme.run, batch=2)
    theme.refresh_from_db()
    assert not theme.is_retagging and theme.run_done == theme.run_total == 3
    assert _tagged(theme) == ["Hinta oli kova", "Jonossa ja hinta"]
    _tag_all(*answers)
    assert _tagged(other) == ["Jonossa ja hinta"]

    with django_capture_on_commit_callbacks() as scheduled:
        theme = theme_update(theme=theme, terms=["kallis"])
    assert len(scheduled) == 1 and theme.is_retagging
    # Until the run ends the old tags stay; an answer arriving meanwhile goes to the run's staging too.
    arriving = comment_add(world, "Kallis paikka")
    _tag_all(arriving)
    assert ThemeTagStage.objects.filter(theme=theme, answer=arriving).exists()
    assert theme_retag(theme_id=theme.pk, run=theme.run, batch=2)
    assert _tagged(theme) == ["Kallis paikka", "Liian kallis"]
    assert _tagged(other) == ["Jonossa ja hinta"]
    assert not ThemeTagStage.objects.filter(theme=theme).exists()


def test_a_retag_walks_the_answers_not_the_id_range(world: dict[str, Any]) -> None:
    """Answer ids come from a sequence that jumps (rolled-back inserts, other writers): a run takes its batches
    by the ids that exist, so a gap of millions costs nothing."""
    theme = theme_create(name="Hinta", terms=["hinta"])
    comment_add(world, "Hinta oli kova")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('surveys_answer', 'id'),"
            " nextval(pg_get_serial_sequence('surveys_answer', 'id')) + 50000000)"
        )
    comment_add(world, "Hinta nousi")

    assert theme_retag(theme_id=theme.pk, run=theme.run, batch=1)

    theme.refresh_from_db()
    assert theme.run_done == theme.run_total == 2
    assert _tagged(theme) == ["Hinta nousi", "Hinta oli kova"]


def test_a_superseded_run_does_nothing(world: dict[str, Any]) -> None:
    theme = theme_create(name="Hinta", terms=["hinta"])
    old_run = theme.run
    theme = theme_update(theme=theme, terms=["kallis"])
    comment_add(world, "Hinta oli kova")
    assert theme_retag(theme_id=theme.pk, run=old_run) is False
    assert theme_retag(theme_id=theme.pk, run=theme.run) is True
    assert _tagged(theme) == []


def test_switching_a_theme_off_removes_its_tags_and_a_rename_keeps_them(world: dict[str, Any]) -> None:
    theme = theme_create(name="Hinta", terms=["hinta"])
    _tag_all(comment_add(world, "Hinta oli kova"))
    run = theme.run
    theme = theme_update(theme=theme, name="Hinnat", name_fi="Hinnat")
    assert theme.run == run and _tagged(theme) == ["Hinta oli kova"]
    theme = theme_update(theme=theme, is_active=False)
    assert theme_retag(theme_id=theme.pk, run=theme.run)
    assert _tagged(theme) == []


def test_deleting_a_theme_deletes_its_tags(world: dict[str, Any]) -> None:
    theme = theme_create(name="Hinta", terms=["hinta"])
    _tag_all(comment_add(world, "Hinta oli kova"))
    theme_delete(theme=theme)
    assert not ThemeTag.objects.exists()


def test_an_erased_comment_loses_its_tags_on_retag(world: dict[str, Any]) -> None:
    """Tags hold no text; erasure blanks the text, and the next tagging of the answer drops its tags."""
    theme = theme_create(name="Hinta", terms=["hinta"])
    answer = comment_add(world, "Hinta oli kova")
    _tag_all(answer)
    type(answer).objects.filter(pk=answer.pk).update(text="")
    _tag_all(answer)
    assert _tagged(theme) == []
