"""Choice and yes/no answers on the dashboard's touchpoint page, its CSV and the scores API: read from real answer
rows (submitted through the services), cut as the page's scores are (period, location, persona, the viewer's
scope; invited answers only), in the viewer's language, with the yes share's 95 % interval (Wilson)."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from apps.accounts.models import Role
from apps.customers.models import Customer
from apps.locations.services import location_scope_set
from apps.surveys.distributions import choice_touchpoint_ids
from apps.surveys.models import Question, QuestionOption, ResponseSource, Survey
from apps.surveys.proportions import share_interval
from apps.surveys.responses import response_record_open, response_submit
from tests.conftest import make_user
from tests.factories import CustomerFactory, PersonaFactory
from tests.journeys.factories import map_build, touchpoint_named
from tests.locations.factories import location_build
from tests.metrics.factories import encounter_add, invitation_deliver
from tests.surveys.test_follow_ups import depth_survey_build

pytestmark = pytest.mark.django_db


def _keys(survey: Survey) -> dict[int, str]:
    return {question.position: f"q{question.pk}" for question in survey.questions.all()}


def _option(survey: Survey, position: int, label_fi: str) -> str:
    return str(QuestionOption.objects.get(question__survey=survey, question__position=position, label_fi=label_fi).pk)


def _answer(
    station: dict[str, Any],
    *,
    location: Any,
    raw: dict[int, Any],
    customer: Customer | None = None,
    days_ago: int = 2,
    touchpoint: Any = None,
) -> None:
    """An encounter at `location`, its invitation, and the customer's answers (by question position) submitted
    through the survey page's service."""
    at = timezone.now() - dt.timedelta(days=days_ago, hours=1)
    keys = _keys(station["survey"])
    encounter = encounter_add(
        customer=customer or station["customer"],
        touchpoint=touchpoint or station["touchpoint"],
        at=at,
        location=location,
    )
    invitation = invitation_deliver(
        survey=station["survey"], customer=customer or station["customer"], encounter=encounter, at=at
    )
    response_submit(
        invitation_id=invitation.pk, raw_answers={keys[position]: value for position, value in raw.items()}, now=at
    )


@pytest.fixture
def station(db: None) -> dict[str, Any]:
    """Konala: yes, yes, no, yes (multi: speed twice, price once; single: online, by phone). Espoo: no, no (the
    later-hidden "old way" once). Answers that must not count: at another touchpoint, 200 days ago, at a QR code."""
    cache.clear()
    survey = depth_survey_build()
    path = map_build(name="Katsastus", stages={"Käynti": ["Tiski", "Puhelin"]})
    touchpoint, phone = touchpoint_named(path, "Tiski"), touchpoint_named(path, "Puhelin")
    konala, espoo = location_build(name="Konala"), location_build(name="Espoo")
    persona = PersonaFactory(name="Kiireinen")
    world: dict[str, Any] = {
        "survey": survey,
        "touchpoint": touchpoint,
        "konala": konala,
        "espoo": espoo,
        "persona": persona,
        "customer": CustomerFactory(full_name="Anna", email="anna@example.fi"),
        "busy": CustomerFactory(full_name="Kalle", email="kalle@example.fi", persona=persona),
    }
    speed, price = _option(survey, 4, "Nopeus"), _option(survey, 4, "Hinta <b>")
    online, phoned = _option(survey, 5, "Verkossa"), _option(survey, 5, "Puhelimessa")
    old_way = _option(survey, 5, "Vanha tapa")
    # The "old way" was offered when these customers answered; hidden later (it keeps its answers).
    QuestionOption.objects.filter(pk=old_way).update(is_hidden=False)
    _answer(world, location=konala, raw={1: "9", 3: "1", 4: [speed, price], 5: online}, customer=world["busy"])
    _answer(world, location=konala, raw={1: "10", 3: "1", 4: speed}, customer=world["busy"])
    _answer(world, location=konala, raw={1: "3", 2: "Jono", 3: "0", 5: phoned})
    _answer(world, location=konala, raw={1: "8", 3: "1"})
    _answer(world, location=espoo, raw={1: "2", 2: "Kallis", 3: "0", 5: old_way})
    _answer(world, location=espoo, raw={1: "6", 2: "Hidas", 3: "0"})
    QuestionOption.objects.filter(pk=old_way).update(is_hidden=True)
    # Not in the touchpoint's view: another touchpoint, another period, an answer at the point of service.
    _answer(world, location=konala, raw={1: "10", 3: "1"}, touchpoint=phone)
    _answer(world, location=konala, raw={1: "10", 3: "1"}, days_ago=200)
    yes_no = Question.objects.get(survey=survey, position=3)
    response_record_open(
        survey=survey,
        touchpoint=touchpoint,
        source=ResponseSource.QR,
        raw_answers={f"q{yes_no.survey.questions.get(position=1).pk}": "10", f"q{yes_no.pk}": "1"},
        language="fi",
    )
    return world


def _url(station: dict[str, Any]) -> str:
    return f"/dashboard/touchpoints/{station['touchpoint'].pk}/"


def _english(client: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _items(response: Any) -> dict[int, Any]:
    return {item.question.position: item for item in response.context["data"].choice_answers}


def test_the_page_shows_the_yes_share_with_its_interval_and_each_option(
    station: dict[str, Any], client_for: Any, manager: Any
) -> None:
    response = _english(client_for(manager)).get(_url(station))
    assert response.status_code == 200
    items = _items(response)
    assert sorted(items) == [3, 4, 5]
    # Three yes of six invited answers here in the last 90 days (not the QR code's, the phone's, the old one).
    yes_no = items[3]
    assert (yes_no.answers, yes_no.yes_share, yes_no.yes_interval) == (6, 50.0, (18.8, 81.2))
    assert yes_no.yes_interval == share_interval(successes=3, answers=6)
    assert [(row.label, row.count) for row in yes_no.rows] == [("Yes", 3), ("No", 3)]
    # Multiple choice: shares of the two who answered it.
    assert items[4].answers == 2
    assert [(row.label, row.count, row.share) for row in items[4].rows] == [
        ("Speed", 2, 100.0),
        ("Friendliness", 0, 0.0),
        ("Price <b>", 1, 50.0),
    ]
    # The hidden option is listed, marked, because it was chosen.
    assert [(row.label, row.count, row.hidden) for row in items[5].rows] == [
        ("Online", 1, False),
        ("By phone", 1, False),
        ("Old way", 1, True),
    ]
    page = response.content.decode()
    assert "Choice and yes/no answers" in page and "Was your matter sorted?" in page
    assert "Yes 50 %" in page and "95% interval 19\N{EN DASH}81 %" in page
    assert "Price &lt;b&gt;" in page and "(hidden option)" in page
    # Six answers are fewer than the company's minimum sample (30): read with care.
    assert "Fewer than 30 answers: the interval is wide, read with care." in page


def test_a_hidden_option_nobody_chose_is_left_out(station: dict[str, Any], client_for: Any, manager: Any) -> None:
    response = _english(client_for(manager)).get(_url(station), {"period": "30"})
    assert [row.label for row in _items(response)[5].rows] == ["Online", "By phone", "Old way"]
    QuestionOption.objects.filter(question__survey=station["survey"], label_fi="Puhelimessa").update(is_hidden=True)
    labels = [(row.label, row.hidden) for row in _items(_english(client_for(manager)).get(_url(station)))[5].rows]
    assert labels == [("Online", False), ("By phone", True), ("Old way", True)]
    QuestionOption.objects.filter(question__survey=station["survey"], label_fi="Ystävällisyys").update(is_hidden=True)
    labels = [row.label for row in _items(_english(client_for(manager)).get(_url(station)))[4].rows]
    assert labels == ["Speed", "Price <b>"]


def test_finnish_page(station: dict[str, Any], client_for: Any, manager: Any) -> None:
    page = client_for(manager).get(_url(station)).content.decode()
    assert "Valinta- ja kyllä/ei-vastaukset" in page and "Saitko asiasi hoidettua?" in page
    assert "Kyllä 50 %" in page and "95 %:n luottamusväli 19\N{EN DASH}81 %" in page
    assert "Nopeus" in page and "(piilotettu vaihtoehto)" in page


def test_the_cut_by_location_persona_and_period(station: dict[str, Any], client_for: Any, manager: Any) -> None:
    client = _english(client_for(manager))
    espoo = _items(client.get(_url(station), {"location": station["espoo"].pk}))
    assert (espoo[3].answers, espoo[3].yes_share) == (2, 0.0)
    busy = _items(client.get(_url(station), {"persona": station["persona"].pk}))
    assert (busy[3].answers, busy[3].yes_share, busy[4].answers) == (2, 100.0, 2)
    # The whole year takes in the answer of 200 days ago.
    year = _items(client.get(_url(station), {"period": "365"}))
    assert (year[3].answers, year[3].rows[0].count) == (7, 4)
    empty = client.get(_url(station), {"period": "custom", "start": "2024-01-01", "end": "2024-01-31"})
    assert empty.context["data"].choice_answers == []
    assert "No answers to choice or yes/no questions in this view." in empty.content.decode()


def test_a_scoped_manager_sees_only_their_locations_answers(
    station: dict[str, Any], client_for: Any, company_admin: Any, tenant_alpha: Any
) -> None:
    scoped = make_user(tenant_alpha, role=Role.MANAGER, email="konala@alpha.example")
    location_scope_set(user=scoped, regions=[], locations=[station["konala"]], acting_user=company_admin)
    client = _english(client_for(scoped))
    items = _items(client.get(_url(station)))
    assert (items[3].answers, items[3].yes_share) == (4, 75.0)
    assert [row.label for row in items[5].rows] == ["Online", "By phone"]
    # Espoo is not theirs: the filter refuses it, and the page keeps to their own answers.
    outside = client.get(_url(station), {"location": station["espoo"].pk})
    assert outside.status_code == 400
    assert _items(outside)[3].answers == 4


def test_a_touchpoint_without_such_answers_has_no_section(
    station: dict[str, Any], client_for: Any, manager: Any
) -> None:
    other = touchpoint_named(map_build(name="Verkko", stages={"Haku": ["Sivusto"]}), "Sivusto")
    response = _english(client_for(manager)).get(f"/dashboard/touchpoints/{other.pk}/")
    assert response.status_code == 200
    assert response.context["data"].choice_answers is None
    assert "Choice and yes/no answers" not in response.content.decode()


def test_a_first_answer_at_a_touchpoint_shows_although_the_set_was_cached(
    station: dict[str, Any], client_for: Any, manager: Any
) -> None:
    other = touchpoint_named(map_build(name="Verkko", stages={"Haku": ["Sivusto"]}), "Sivusto")
    assert other.pk not in choice_touchpoint_ids()
    _answer(station, location=None, raw={1: "9", 3: "1"}, touchpoint=other)
    response = _english(client_for(manager)).get(f"/dashboard/touchpoints/{other.pk}/")
    assert _items(response)[3].answers == 1


def test_the_csv_has_the_answers_below_the_scores(station: dict[str, Any], client_for: Any, manager: Any) -> None:
    export = _english(client_for(manager)).get(_url(station), {"export": "csv", "delimiter": "comma"})
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    header = rows.index(
        ["Survey", "Question", "Answer", "From", "To", "Count", "Share %", "Answers", "95% interval from %",
         "95% interval to %"]
    )  # fmt: skip
    assert rows[header - 1] == []
    body = [row[1:3] + row[5:] for row in rows[header + 1 :]]
    assert rows[header + 1][0] == "How did we do?"
    assert body[:2] == [
        ["3. Was your matter sorted?", "Yes", "3", "50.0", "6", "18.8", "81.2"],
        ["3. Was your matter sorted?", "No", "3", "50.0", "6", "", ""],
    ]
    assert ["5. How did you book?", "Old way (hidden option)", "1", "33.3", "3", "", ""] in body


def test_the_scores_api_gives_the_touchpoints_answers(
    station: dict[str, Any], client_for: Any, manager: Any, frontline: Any
) -> None:
    client = _english(client_for(manager))
    body = client.get("/api/v1/metrics/scores/", {"touchpoint": station["touchpoint"].pk}).json()
    questions = {item["position"]: item for item in body["choice_answers"]}
    assert questions[3]["type"] == "yesno" and questions[3]["text"] == "Was your matter sorted?"
    assert (questions[3]["answers"], questions[3]["yes_share"], questions[3]["yes_interval"]) == (6, 50.0, [18.8, 81.2])
    assert [(row["option"], row["label"], row["count"]) for row in questions[3]["options"]] == [
        (None, "Yes", 3),
        (None, "No", 3),
    ]
    assert questions[5]["options"][2] == {
        "option": int(_option(station["survey"], 5, "Vanha tapa")),
        "label": "Old way",
        "count": 1,
        "share": 33.3,
        "hidden": True,
    }
    assert client.get("/api/v1/metrics/scores/").json()["choice_answers"] is None
    assert client_for(frontline).get("/api/v1/metrics/scores/").status_code == 403
