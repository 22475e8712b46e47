"""The comments page, its CSV and the comments API: search in each language, filters, highlighting,
roles, a scoped manager, another company, the export and erasure (docs/comments.md)."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from apps.audit.models import AuditEvent, AuditLogEntry
from apps.locations.services import location_scope_set
from apps.surveys.comment_search import CommentFilter, comment_list, comment_matches, comment_page_ids
from apps.surveys.models import Answer, QuestionType, Response
from tests.factories import (
    CustomerFactory,
    EncounterFactory,
    InvitationFactory,
    PersonaFactory,
    ResponseFactory,
)
from tests.journeys.factories import map_build, touchpoint_named
from tests.locations.factories import location_build, region_path_build
from tests.metrics.factories import scored_survey_build

pytestmark = pytest.mark.django_db

PAGE = "/dashboard/comments/"
EXPORT = "/dashboard/comments/export/"
API = "/api/v1/comments/"


@pytest.fixture
def client_for(client_for: Any) -> Any:
    def build(*args: Any, **kwargs: Any) -> Any:
        client = client_for(*args, **kwargs)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return build


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    path = map_build(name="Katsastus", stages={"Käynti": ["Tarkastus", "Maksu"]})
    north, south = region_path_build("Pohjoinen"), region_path_build("Etelä")
    return {
        "path": path,
        "check": touchpoint_named(path, "Tarkastus"),
        "pay": touchpoint_named(path, "Maksu"),
        "survey": scored_survey_build(),
        "oulu": location_build(name="Oulu", code="OULU", region=north),
        "turku": location_build(name="Turku", code="TURKU", region=south),
        "north": north,
    }


def comment_add(
    world: dict[str, Any],
    text: str,
    *,
    language: str = "fi",
    nps: int | None = None,
    csat: int | None = None,
    touchpoint: str = "check",
    location: str | None = "oulu",
    customer: Any = None,
    days_ago: float = 1,
) -> Answer:
    at = timezone.now() - dt.timedelta(days=days_ago)
    customer = customer or CustomerFactory()
    encounter = EncounterFactory(
        customer=customer,
        touchpoint=world[touchpoint],
        occurred_at=at,
        location=world[location] if location else None,
    )
    invitation = InvitationFactory(
        survey=world["survey"], customer=customer, encounter=encounter, sent_at=at, language=language
    )
    response = ResponseFactory(invitation=invitation, submitted_at=at)
    questions = {question.type: question for question in world["survey"].questions.all()}
    for kind, score in ((QuestionType.NPS, nps), (QuestionType.CSAT, csat)):
        if score is not None:
            Answer.objects.create(response=response, question=questions[kind], type=kind, score=score)
    return Answer.objects.create(response=response, question=questions[QuestionType.TEXT], type="text", text=text)


def _api(client: Any, **params: Any) -> Any:
    return client.get(API, params, HTTP_ACCEPT="application/json")


def _texts(client: Any, **params: Any) -> list[str]:
    response = _api(client, **params)
    assert response.status_code == 200, response.content
    return [row["text"] for row in response.json()["results"]]


# Search


def test_the_answer_takes_its_responses_language_whoever_writes_it(world: dict[str, Any]) -> None:
    answer = comment_add(world, "Hyvä palvelu", language="sv")
    assert Answer.objects.get(pk=answer.pk).language == "sv"


def test_finnish_inflections_are_found_by_the_base_form(world: dict[str, Any], client_for: Any, manager: Any) -> None:
    comment_add(world, "Odotin jonossa puoli tuntia", language="fi")
    comment_add(world, "Jonot olivat pitkät", language="fi")
    comment_add(world, "Jonotusaika oli pitkä", language="fi")
    comment_add(world, "Menin jonoon heti", language="fi")
    comment_add(world, "Kaikki sujui hyvin", language="fi")
    comment_add(world, "Lyhyt odotusjono", language="fi")
    client = client_for(manager)
    # One word: its inflections (the stemmer), and words that start with it (the prefix); a compound
    # that ends with it is not found.
    assert sorted(_texts(client, q="jono")) == [
        "Jonot olivat pitkät",
        "Jonotusaika oli pitkä",
        "Menin jonoon heti",
        "Odotin jonossa puoli tuntia",
    ]
    # More words: the stemmer alone, so the compound is not found.
    assert sorted(_texts(client, q="jono tuntia")) == ["Odotin jonossa puoli tuntia"]
    assert sorted(_texts(client, q='"jono" pitkä')) == ["Jonot olivat pitkät"]


def test_swedish_and_english_comments_are_stemmed_in_their_own_language(
    world: dict[str, Any], client_for: Any, manager: Any
) -> None:
    comment_add(world, "Köerna var långa", language="sv")
    comment_add(world, "The queues were long and the staff was waiting", language="en")
    comment_add(world, "Waiting in the queue", language="en")
    client = client_for(manager)
    assert _texts(client, q="kö") == ["Köerna var långa"]
    assert sorted(_texts(client, q="queue wait")) == [
        "The queues were long and the staff was waiting",
        "Waiting in the queue",
    ]
    assert _texts(client, q="queue -staff") == ["Waiting in the queue"]


def test_a_comment_is_matched_only_by_the_search_read_in_its_own_language(
    world: dict[str, Any], client_for: Any, manager: Any
) -> None:
    # English stems "running" to "run", which is also the Finnish comment's word; the index finds both,
    # the language check keeps the English one.
    comment_add(world, "Run oli hyvä", language="fi")
    comment_add(world, "I was running late", language="en")
    assert _texts(client_for(manager), q="running") == ["I was running late"]


def test_another_language_is_matched_word_for_word(world: dict[str, Any], client_for: Any, manager: Any) -> None:
    comment_add(world, "Очередь была длинной", language="ru")
    assert _texts(client_for(manager), q="очередь") == ["Очередь была длинной"]


def test_highlighting_marks_the_matches_and_escapes_everything_else(
    world: dict[str, Any], client_for: Any, manager: Any
) -> None:
    comment_add(world, '<script>alert("x")</script> Jonossa \ue000oli <b>vika</b>', language="fi")
    client = client_for(manager)
    row = _api(client, q="jono").json()["results"][0]
    assert row["highlighted"] == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>Jonossa</mark> oli &lt;b&gt;vika&lt;/b&gt;"
    )
    page = client.get(PAGE, {"q": "jono"}).content.decode()
    assert "<mark>Jonossa</mark>" in page
    assert "<script>alert" not in page and "<b>vika</b>" not in page


# Filters


def test_filters_by_score_group_touchpoint_path_location_region_persona_language_and_period(
    world: dict[str, Any], client_for: Any, manager: Any
) -> None:
    persona = PersonaFactory(name="Kiireinen")
    comment_add(world, "promoter", nps=10, csat=5, customer=CustomerFactory(persona=persona))
    comment_add(world, "passive", nps=7, csat=3, touchpoint="pay")
    comment_add(world, "detractor", nps=2, csat=1, location="turku")
    comment_add(world, "swedish", language="sv", location=None)
    comment_add(world, "old", nps=9, days_ago=200)
    client = client_for(manager)
    assert _texts(client, score="promoter") == ["promoter"]
    assert _texts(client, score="passive") == ["passive"]
    assert _texts(client, score="detractor") == ["detractor"]
    assert sorted(_texts(client, score="dissatisfied")) == ["detractor", "passive"]
    assert _texts(client, touchpoint=world["pay"].pk) == ["passive"]
    assert len(_texts(client, path=world["path"].pk)) == 4
    assert _texts(client, location=world["turku"].pk) == ["detractor"]
    assert sorted(_texts(client, region=world["north"].pk)) == ["passive", "promoter"]
    assert _texts(client, persona=persona.pk) == ["promoter"]
    assert _texts(client, language="sv") == ["swedish"]
    start = (timezone.localdate() - dt.timedelta(days=365)).isoformat()
    assert "old" in _texts(client, start=start)
    assert "old" not in _texts(client)
    # The page answers the same filters.
    page = client.get(PAGE, {"score": "detractor", "period": "90"}).content.decode()
    assert "detractor" in page and "promoter</blockquote>" not in page


def test_pages_go_from_newest_to_oldest_without_gaps(world: dict[str, Any], client_for: Any, manager: Any) -> None:
    for day in range(7):
        comment_add(world, f"kommentti {day}", days_ago=day + 1)
    client = client_for(manager)
    seen: list[str] = []
    params: dict[str, Any] = {"page_size": 3}
    while True:
        body = _api(client, **params).json()
        assert body["count"] == 7
        seen += [row["text"] for row in body["results"]]
        if body["next"] is None:
            break
        params = {"page_size": 3, "after": body["next"].split("after=")[1].split("&")[0]}
    assert seen == [f"kommentti {day}" for day in range(7)]
    html = client.get(PAGE).content.decode()
    assert "kommentti 0" in html and "Older comments" not in html


def test_the_count_is_exact_up_to_the_limit_and_more_than_it_past_it(
    world: dict[str, Any], client_for: Any, manager: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("apps.surveys.comment_search.COUNT_LIMIT", 3)
    monkeypatch.setattr("apps.dashboards.apis.COUNT_LIMIT", 3)
    for day in range(4):
        comment_add(world, f"jonossa {day}" if day < 3 else "kaikki hyvin", days_ago=day + 1)
    client = client_for(manager)
    exact = _api(client, q="jono").json()
    assert (exact["count"], exact["count_limit"], len(exact["results"])) == (3, 3, 3)
    more = _api(client, page_size=2).json()
    assert (more["count"], more["count_limit"], len(more["results"])) == (None, 3, 2)
    # Every page of "more" still reads every comment.
    older = _api(client, page_size=2, after=more["next"].split("after=")[1]).json()
    assert [row["text"] for row in older["results"]] == ["jonossa 2", "kaikki hyvin"] and older["next"] is None
    assert "3 comments" in client.get(PAGE, {"q": "jono"}).content.decode()
    assert "more than 3 comments" in client.get(PAGE).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    assert "yli 3 kommenttia" in client.get(PAGE).content.decode()


def test_a_page_sorted_from_the_matches_equals_the_page_read_newest_first(world: dict[str, Any]) -> None:
    """Few matches: the page is sorted in Python from the capped read; many: PostgreSQL reads it newest
    first. Both give the same pages, ties on the submission time by id."""
    answers = [comment_add(world, f"jonossa {index}", days_ago=1 + index % 3) for index in range(6)]
    Response.objects.filter(pk__in=[answers[0].response_id, answers[3].response_id]).update(
        submitted_at=Response.objects.get(pk=answers[1].response_id).submitted_at
    )
    since, until = timezone.now() - dt.timedelta(days=30), timezone.now()
    comments = comment_list(user=None, filters=CommentFilter(since=since, until=until, search="jono"))

    def pages(limit: int) -> list[list[int]]:
        matches = comment_matches(comments=comments, limit=limit)
        assert (matches.keys is None) == (limit < 6)
        seen, after = [], None
        while True:
            ids, after = comment_page_ids(comments=comments, after=after, size=2, matches=matches)
            seen.append(ids)
            if after is None:
                return seen

    assert pages(limit=1000) == pages(limit=2)
    assert sorted(answer_id for page in pages(limit=1000) for answer_id in page) == sorted(a.pk for a in answers)


def test_bad_filters_are_field_errors(world: dict[str, Any], client_for: Any, manager: Any) -> None:
    client = client_for(manager)
    response = _api(client, score="angry", after="x", start="2026-02-01", end="2026-01-01", page_size=0)
    assert response.status_code == 400
    assert {"score", "after", "page_size"} <= set(response.json()["fields"])
    page = client.get(PAGE, {"score": "angry", "after": "99999999999999999999.1"})
    assert page.status_code == 400
    assert client.get(EXPORT, {"touchpoint": "abc"}).status_code == 400
    assert not AuditLogEntry.objects.filter(event_type=AuditEvent.COMMENTS_EXPORTED).exists()


# Who sees what


def test_frontline_staff_and_other_companies_get_nothing(
    world: dict[str, Any], client_for: Any, frontline: Any, outsider: Any, manager: Any
) -> None:
    comment_add(world, "Alfan salaisuus")
    for url in (PAGE, EXPORT):
        assert client_for(frontline).get(url).status_code == 403
    assert _api(client_for(frontline)).status_code == 403
    outside = client_for(outsider)
    assert "Alfan salaisuus" not in outside.get(PAGE).content.decode()
    assert "Alfan salaisuus" not in b"".join(outside.get(EXPORT).streaming_content).decode()
    assert _api(outside).json()["count"] == 0
    connection.set_tenant(manager.tenant)
    assert _texts(client_for(manager)) == ["Alfan salaisuus"]


def test_a_scoped_manager_reads_only_the_comments_of_their_locations(
    world: dict[str, Any], client_for: Any, manager: Any
) -> None:
    comment_add(world, "Oulun kommentti", location="oulu")
    comment_add(world, "Turun kommentti", location="turku")
    comment_add(world, "Ilman paikkaa", location=None)
    location_scope_set(user=manager, regions=[], locations=[world["oulu"]], acting_user=None)
    client = client_for(manager)
    assert _texts(client) == ["Oulun kommentti"]
    assert _texts(client, location=world["turku"].pk) == []
    page = client.get(PAGE).content.decode()
    assert "Oulun kommentti" in page and "Turun kommentti" not in page
    export = b"".join(client.get(EXPORT).streaming_content).decode()
    assert "Oulun kommentti" in export and "Turun kommentti" not in export and "Ilman paikkaa" not in export


def test_the_page_links_the_customer_and_shows_the_scores(world: dict[str, Any], client_for: Any, manager: Any) -> None:
    customer = CustomerFactory(full_name="Maija Meikäläinen")
    comment_add(world, "Hyvä", nps=10, csat=5, customer=customer)
    page = client_for(manager).get(PAGE).content.decode()
    assert f'href="/customers/{customer.pk}/"' in page
    assert "NPS answer 10" in page and "promoter" in page and "CSAT 5/5" in page
    assert "Tarkastus" in page and "Oulu" in page


def test_the_page_in_finnish(world: dict[str, Any], client_for: Any, manager: Any) -> None:
    comment_add(world, "Hyvä", nps=3)
    client = client_for(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    page = client.get(PAGE).content.decode()
    assert "Kommentit" in page and "arvostelija" in page


# Export


def test_the_export_streams_every_match_as_csv_and_is_audit_logged(
    world: dict[str, Any], client_for: Any, manager: Any
) -> None:
    comment_add(world, '=HYPERLINK("x") jonossa', nps=2)
    comment_add(world, "Kaikki hyvin", nps=10)
    response = client_for(manager).get(EXPORT, {"q": "jono", "delimiter": "comma"})
    assert response.status_code == 200 and response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Submitted", "Comment", "Language"]
    assert len(rows) == 2
    assert rows[1][1] == '\'=HYPERLINK("x") jonossa'  # a formula is written as text
    assert rows[1][3:5] == ["2", "NPS detractors (0-6)"]
    entry = AuditLogEntry.objects.get(event_type=AuditEvent.COMMENTS_EXPORTED)
    assert entry.acting_user_id == manager.pk
    assert entry.extra_data == {"rows": 1, "filters": ["period", "q"]}


# Erasure


def test_blanking_a_comment_empties_its_search_vector(world: dict[str, Any], client_for: Any, manager: Any) -> None:
    answer = comment_add(world, "Jonossa Maija Meikäläinen")
    Answer.objects.filter(pk=answer.pk).update(text="")
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM surveys_answer WHERE id = %s", [answer.pk])
        assert cursor.fetchone() == ("",)
    assert _texts(client_for(manager), q="maija") == []


def test_the_api_is_in_the_openapi_schema(client_for: Any, manager: Any) -> None:
    schema = client_for(manager).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").content.decode()
    assert "/api/v1/comments/" in schema and "CommentPage" in schema
