"""The suggested words: weighted log-odds with an informative Dirichlet prior (Monroe, Colaresi and Quinn
2008), checked against an independent computation on the same token counts (docs/themes.md)."""

import math
from collections import Counter
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from apps.locations.services import location_scope_set
from apps.themes.logodds import log_odds
from apps.themes.models import ThemeTag
from apps.themes.services import theme_create, theme_retag
from apps.themes.surface import surface_form, text_words
from tests.themes.factories import comment_add, world_build

pytestmark = pytest.mark.django_db
API = "/api/v1/themes/suggestions/"

DETRACTORS = [
    "Jonossa meni tunti ja hinta oli kova",
    "Pitkä jono, kallis hinta",
    "Jonot olivat pitkät eikä kukaan auttanut",
    "Liian kallis ja jonossa odotin",
    "Jono ei liikkunut",
    "Hinta nousi taas",
    "Odotin jonossa, henkilökunta oli tyly",
    "Tyly palvelu ja jono",
    "Kallis ja hidas",
    "Jonotin turhaan",
    "Jonossa taas",
    "Tyly myyjä",
]
PROMOTERS = [
    "Ystävällinen henkilökunta ja nopea palvelu",
    "Nopea ja ystävällinen",
    "Hyvä palvelu, kiitos",
    "Ystävällinen myyjä auttoi",
    "Nopeasti hoitui",
    "Kiitos ystävällisestä palvelusta",
    "Hyvä hinta ja nopea palvelu",
    "Erittäin ystävällinen",
    "Palvelu pelasi",
    "Nopea käynti",
    "Ei jonoa lainkaan",
    "Hyvä ja nopea",
]
PASSIVES = ["Ihan ok palvelu", "Jonossa vähän aikaa, muuten ok"]


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    world = world_build()
    for index, text in enumerate(DETRACTORS):
        comment_add(world, text, nps=index % 7)
    for index, text in enumerate(PROMOTERS):
        comment_add(world, text, nps=9 + index % 2)
    for text in PASSIVES:
        comment_add(world, text, nps=7)
    comment_add(world, "Ei vastausta suositteluun")
    return world


@pytest.fixture
def client_for(client_for: Any) -> Any:
    def build(*args: Any, **kwargs: Any) -> Any:
        client = client_for(*args, **kwargs)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return build


def _lexeme_counts(texts: list[str]) -> Counter:
    """Each comment's lexemes, as PostgreSQL's Finnish configuration makes them, counted here one by one."""
    counts: Counter = Counter()
    with connection.cursor() as cursor:
        for text in texts:
            cursor.execute("SELECT lexeme, cardinality(positions) FROM unnest(to_tsvector('finnish', %s))", [text])
            for lexeme, occurrences in cursor.fetchall():
                counts[lexeme] += occurrences
    return counts


def _independent(word: str, y_i: Counter, y_j: Counter, prior: Counter) -> tuple[float, float, float]:
    """The formula of the domain guide, written out again: delta, its variance and z."""
    n_i, n_j, a_0 = sum(y_i.values()), sum(y_j.values()), sum(prior.values())
    a_w = prior[word]
    odds_i = (y_i[word] + a_w) / (n_i + a_0 - y_i[word] - a_w)
    odds_j = (y_j[word] + a_w) / (n_j + a_0 - y_j[word] - a_w)
    delta = math.log(odds_i) - math.log(odds_j)
    variance = 1.0 / (y_i[word] + a_w) + 1.0 / (y_j[word] + a_w)
    return delta, variance, delta / math.sqrt(variance)


def test_the_statistic_matches_an_independent_computation(world: dict[str, Any], client_for: Any, manager: Any) -> None:
    response = client_for(manager).get(API, {"days": 30}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["enough"] and body["detractor_comments"] == 12 and body["promoter_comments"] == 12
    y_i, y_j = _lexeme_counts(DETRACTORS), _lexeme_counts(PROMOTERS)
    prior = _lexeme_counts(DETRACTORS + PROMOTERS + PASSIVES + ["Ei vastausta suositteluun"])
    words = body["detractors"] + body["promoters"]
    assert words
    for row in words:
        delta, _variance, z = _independent(row["word"], y_i, y_j, prior)
        assert (row["detractors"], row["promoters"], row["all"]) == (
            y_i[row["word"]],
            y_j[row["word"]],
            prior[row["word"]],
        )
        assert row["delta"] == pytest.approx(delta, abs=1e-6)
        assert row["z"] == pytest.approx(z, abs=1e-4)
    detractor_words = [row["word"] for row in body["detractors"]]
    promoter_words = [row["word"] for row in body["promoters"]]
    # jono (jonossa, jonot, jono) sets the detractors apart most; nopea (stemmed "nope") the promoters.
    assert detractor_words[0] == "jono"
    assert "nope" in promoter_words[:2]
    # Damped: a word used fewer than five times by the two groups is not suggested.
    assert all(row["detractors"] + row["promoters"] >= 5 for row in words)
    # Every z in its list has its sign, largest first.
    assert [row["z"] for row in body["detractors"]] == sorted((row["z"] for row in body["detractors"]), reverse=True)
    assert all(row["z"] < 0 for row in body["promoters"])


def test_words_of_a_theme_are_not_suggested(world: dict[str, Any], client_for: Any, manager: Any) -> None:
    theme_create(name="Jonotus", terms=["jono"])
    body = client_for(manager).get(API, {"days": 30}, HTTP_ACCEPT="application/json").json()
    assert "jono" not in [row["word"] for row in body["detractors"]]


def test_too_few_comments_suggest_nothing(db: None, client_for: Any, manager: Any) -> None:
    world = world_build()
    comment_add(world, "Jonossa meni tunti", nps=2)
    comment_add(world, "Nopea palvelu", nps=10)
    body = client_for(manager).get(API, HTTP_ACCEPT="application/json").json()
    assert body == {"enough": False, "detractor_comments": 1, "promoter_comments": 1, "detractors": [], "promoters": []}


def test_a_scoped_manager_gets_words_of_their_locations_only(
    world: dict[str, Any], client_for: Any, manager: Any
) -> None:
    location_scope_set(user=manager, regions=[], locations=[world["turku"]], acting_user=None)
    body = client_for(manager).get(API, HTTP_ACCEPT="application/json").json()
    assert body["detractor_comments"] == 0 and not body["enough"]


def test_a_bad_period_is_a_field_error(world: dict[str, Any], client_for: Any, manager: Any) -> None:
    response = client_for(manager).get(API, {"days": "7"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "days" in str(response.json())


def test_the_pure_function_on_hand_counts() -> None:
    """Two words, counts small enough to check by hand."""
    scores = log_odds(group_i={"a": 3, "b": 1}, group_j={"a": 1, "b": 3}, prior={"a": 4, "b": 4})
    a = next(score for score in scores if score.word == "a")
    assert a.delta == pytest.approx(math.log(7 / 5) - math.log(5 / 7))
    assert a.variance == pytest.approx(1 / 7 + 1 / 5)
    assert scores[0].word == "a" and scores[1].z == pytest.approx(-a.z)


# Two-word phrases

PHRASE_DETRACTORS = [
    "Pitkät jonot taas",
    "Pitkät jonot ja tyly myyjä",
    "Pitkä jono kassalla",
    "Taas pitkät jonot",
    "Jono oli pitkä. Jono ei liikkunut",
    "Tyly myyjä, pitkä jono",
    "Kallis hinta",
    "Kallis hinta ja pitkät jonot",
    "Tyly myyjä",
    "Jonossa tunti",
    "Hinta on kallis",
    "Pitkä odotus",
]
PHRASE_PROMOTERS = [
    "Ystävällinen myyjä",
    "Nopea palvelu",
    "Ystävällinen myyjä ja nopea palvelu",
    "Nopea palvelu, kiitos",
    "Hyvä hinta",
    "Ystävällinen palvelu",
    "Nopea palvelu taas",
    "Ystävällinen myyjä auttoi",
    "Hyvä palvelu",
    "Kiitos, nopea palvelu",
    "Lyhyt jono",
    "Ei jonoa",
]
PHRASE_OTHERS = ["Pitkät jonot, muuten ok", "Ihan ok"]


@pytest.fixture
def phrase_world(db: None) -> dict[str, Any]:
    world = world_build()
    for index, text in enumerate(PHRASE_DETRACTORS):
        comment_add(world, text, nps=index % 7)
    for index, text in enumerate(PHRASE_PROMOTERS):
        comment_add(world, text, nps=9 + index % 2)
    for text in PHRASE_OTHERS:
        comment_add(world, text, nps=7)
    return world


def _bigram_counts(texts: list[str], config: str = "finnish") -> Counter:
    """Pairs of lexemes at adjacent positions of each comment's vector, counted here one comment at a time."""
    counts: Counter = Counter()
    with connection.cursor() as cursor:
        for text in texts:
            cursor.execute("SELECT lexeme, positions FROM unnest(to_tsvector(%s::regconfig, %s))", [config, text])
            at = {
                position: lexeme
                for lexeme, positions in cursor.fetchall()
                for position in positions
                if "-" not in lexeme
            }
            counts.update(f"{at[position]} {at[position + 1]}" for position in at if position + 1 in at)
    return counts


def test_the_phrase_statistic_matches_an_independent_computation(
    phrase_world: dict[str, Any], client_for: Any, manager: Any
) -> None:
    body = client_for(manager).get(API, {"days": 30}, HTTP_ACCEPT="application/json").json()
    y_i, y_j = _bigram_counts(PHRASE_DETRACTORS), _bigram_counts(PHRASE_PROMOTERS)
    prior = _bigram_counts(PHRASE_DETRACTORS + PHRASE_PROMOTERS + PHRASE_OTHERS)
    phrases = [row for row in body["detractors"] + body["promoters"] if row["kind"] == "phrase"]
    # "ystävällinen myyjä" three times only: below the minimum count.
    assert {row["word"] for row in phrases} == {"pitk jono", "nope palvelu"}
    for row in phrases:
        delta, _variance, z = _independent(row["word"], y_i, y_j, prior)
        assert (row["detractors"], row["promoters"], row["all"]) == (
            y_i[row["word"]],
            y_j[row["word"]],
            prior[row["word"]],
        )
        assert row["delta"] == pytest.approx(delta, abs=1e-6)
        assert row["z"] == pytest.approx(z, abs=1e-4)
        # Damped like the words: a phrase the two groups used fewer than five times together is left out.
        assert row["detractors"] + row["promoters"] >= 5
    # Words and phrases in one ranking, by z.
    assert [row["z"] for row in body["detractors"]] == sorted((row["z"] for row in body["detractors"]), reverse=True)
    pitka_jono = next(row for row in body["detractors"] if row["word"] == "pitk jono")
    # "Jono oli pitkä. Jono ei": a stop word between two words, or the end of a sentence, is no phrase of
    # theirs ("oli" and "ei" are stop words; "pitkä. Jono" is counted: the vector has no punctuation).
    assert pitka_jono["detractors"] == 7 and pitka_jono["all"] == 8
    assert "jono pitk" not in prior and "jono oli" not in prior


def test_a_phrase_is_shown_as_customers_wrote_it_and_becomes_a_theme_in_one_click(
    phrase_world: dict[str, Any], client_for: Any, manager: Any
) -> None:
    client = client_for(manager)
    body = client.get(API, {"days": 30}, HTTP_ACCEPT="application/json").json()
    shown = {row["word"]: row["display"] for row in body["detractors"] + body["promoters"]}
    # "pitkät jonot" four times, "pitkä jono" three times: the most common form.
    assert shown["pitk jono"] == "pitkät jonot"
    assert shown["nope palvelu"] == "nopea palvelu"
    page = client.get("/dashboard/themes/suggestions/", {"days": 30}).content.decode()
    assert "pitkät jonot" in page and "?name=pitk%C3%A4t%20jonot&amp;terms=pitk%C3%A4t%20jonot" in page
    # The theme made of it (a phrase term: phraseto_tsquery) finds the comments counted for the phrase.
    theme = theme_create(name="Pitkät jonot", terms=["pitkät jonot"])
    theme_retag(theme_id=theme.pk, run=theme.run)
    tagged = set(ThemeTag.objects.filter(theme=theme).values_list("answer__text", flat=True))
    assert tagged == {text for text in PHRASE_DETRACTORS + PHRASE_OTHERS if _bigram_counts([text])["pitk jono"]}
    # And from then on neither the phrase nor other phrases with its words are suggested.
    body = client.get(API, {"days": 30}, HTTP_ACCEPT="application/json").json()
    assert not any("jono" in row["word"].split() for row in body["detractors"] + body["promoters"])


def test_phrases_in_english_and_stop_words(db: None, client_for: Any, manager: Any) -> None:
    world = world_build()
    for index in range(10):
        comment_add(
            world, "Long queues at the desk" if index % 2 else "The queue was long", language="en", nps=index % 5
        )
        comment_add(world, "Friendly staff, quick service", language="en", nps=10)
    body = client_for(manager).get(API, {"days": 30}, HTTP_ACCEPT="application/json").json()
    shown = {row["word"]: row for row in body["detractors"] + body["promoters"]}
    assert shown["long queue"]["display"] == "long queues" and shown["long queue"]["language"] == "en"
    assert shown["long queue"]["detractors"] == 5
    # "the queue was long": "the" and "was" are stop words, so no phrase.
    assert "queue long" not in shown
    assert shown["friend staff"]["display"] == "friendly staff" and shown["quick servic"]["kind"] == "phrase"
    assert shown["friend staff"]["promoters"] == 10
    # The vector has no punctuation, so "staff, quick" are adjacent in it; no comment writes them within
    # one clause, so the phrase is not suggested.
    assert _bigram_counts(["Friendly staff, quick service"], "english")["staff quick"] == 1
    assert "staff quick" not in shown


def test_the_surface_form_on_hand_texts() -> None:
    stems = {"pitkät": "pitk", "pitkä": "pitk", "jonot": "jono", "jono": "jono", "oli": None}
    texts = ["Pitkät jonot!", "pitkä jono", "Jono oli pitkä. Jono taas", "PITKÄ JONO", "pitkä, jono"]
    # "pitkä. Jono" crosses a sentence and "pitkä, jono" a clause: not forms of the phrase.
    assert surface_form(lexemes=("pitk", "jono"), texts=texts, stems=stems) == "pitkä jono"
    assert surface_form(lexemes=("jono",), texts=texts, stems=stems) == "jono"
    assert surface_form(lexemes=("jono", "pitk"), texts=texts, stems=stems) is None
    assert text_words("Hyvä. Nopea_palvelu, 3.5 €") == [["hyvä"], ["nopea", "palvelu"], ["3"], ["5"]]
