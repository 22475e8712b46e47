"""The survey builder and the survey API with choice and yes/no questions, options and follow-ups."""

import pytest
from django.conf import settings

from apps.surveys.models import AnswerChoice, Survey
from apps.surveys.responses import response_record_open
from tests.journeys.factories import map_build, touchpoint_named
from tests.surveys.test_follow_ups import depth_survey_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(client_for):
    """The pages in English, so the assertions read the source strings."""

    def build(*args, **kwargs):
        client = client_for(*args, **kwargs)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return build


def _post(**extra: str) -> dict[str, str]:
    data = {
        "name": "Valinnat",
        "title_fi": "Miten onnistuimme?",
        "title_en": "How did we do?",
        "is_active": "on",
        "form-TOTAL_FORMS": "3",
        "form-INITIAL_FORMS": "0",
        "form-0-type": "nps",
        "form-0-required": "on",
        "form-0-ORDER": "1",
        "form-1-type": "text",
        "form-1-ORDER": "2",
        "form-1-show_if_position": "1",
        "form-1-show_if_group": "detractors",
        "form-1-text_fi": "Mikä jäi harmittamaan?",
        "form-1-text_en": "What let you down?",
        "form-2-type": "multi",
        "form-2-ORDER": "3",
        "form-2-text_fi": "Mikä sujui?",
        "form-2-text_en": "What went well?",
        "form-2-option_0_fi": "Nopeus",
        "form-2-option_0_sv": "Snabbhet",
        "form-2-option_0_en": "Speed",
        "form-2-option_1_fi": "Hinta",
        "form-2-option_1_en": "Price",
    }
    return {**data, **extra}


def test_manager_builds_choices_and_a_follow_up(client_for, manager):
    response = client_for(manager).post("/surveys/new/", _post())
    assert response.status_code == 302, response.content.decode()[:3000]
    survey = Survey.objects.get()
    follow_up, multi = survey.questions.get(position=2), survey.questions.get(position=3)
    assert (follow_up.show_if_question.position, follow_up.show_if_group) == (1, "detractors")
    assert list(multi.options.values_list("position", "label_fi", "label_sv", "label_en")) == [
        (1, "Nopeus", "Snabbhet", "Speed"),
        (2, "Hinta", "", "Price"),
    ]
    page = client_for(manager).get(f"/surveys/{survey.pk}/").content.decode()
    assert "Follow-up: shown when question 1 is answered in “NPS detractors (0-6)”" in page
    edit = client_for(manager).get(f"/surveys/{survey.pk}/edit/").content.decode()
    assert 'value="Snabbhet"' in edit and 'name="form-1-show_if_position" value="1"' in edit


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"form-2-option_1_fi": "", "form-2-option_1_en": ""}, "A choice question needs at least two options shown."),
        ({"form-2-option_1_en": ""}, "Write the option in English."),
        ({"form-2-option_1_fi": ""}, "Write the option in Finnish."),
        ({"form-1-show_if_position": "3"}, "Give the number of an earlier question."),
        ({"form-1-show_if_group": ""}, "Choose the answers that show this question."),
        ({"form-1-show_if_group": "satisfied"}, "Choose a group of that question&#x27;s answers."),
        ({"form-0-type": "text"}, "A follow-up can depend on an NPS, CSAT, CES or yes/no question."),
    ],
)
def test_builder_says_what_is_wrong(client_for, manager, extra, message):
    response = client_for(manager).post("/surveys/new/", _post(**extra))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Survey.objects.exists()


def test_builder_edit_keeps_answered_options_and_refuses_their_removal(client_for, manager, anonymous_client):
    survey = depth_survey_build()
    question = survey.questions.get(position=4)
    speed = question.options.get(label_fi="Nopeus")
    touchpoint = touchpoint_named(map_build(stages={"Käynti": ["Tiski"]}), "Tiski")
    keys = {q.position: f"q{q.pk}" for q in survey.questions.all()}
    response_record_open(
        survey=survey,
        touchpoint=touchpoint,
        source="qr",
        raw_answers={keys[1]: "9", keys[3]: "1", keys[4]: str(speed.pk)},
        language="fi",
    )
    client = client_for(manager)
    form = client.get(f"/surveys/{survey.pk}/edit/").context["questions"]
    data = {"name": survey.name, "title_fi": survey.title_fi, "title_en": survey.title_en, "is_active": "on"}
    data.update(
        {key: value for key, value in form.management_form.initial.items()}
        | {"form-TOTAL_FORMS": str(len(form.forms)), "form-INITIAL_FORMS": str(len(form.forms))}
    )
    for index, row in enumerate(form.forms):
        for name, value in row.initial.items():
            if value is None or value is False:
                continue
            data[f"form-{index}-{name}"] = "on" if value is True else str(value)
    removed = {**data, "form-3-option_0_fi": "", "form-3-option_0_sv": "", "form-3-option_0_en": ""}
    refused = client.post(f"/surveys/{survey.pk}/edit/", removed)
    assert refused.status_code == 400
    assert "already has answers and cannot be removed; hide it instead" in refused.content.decode()
    hidden = {**data, "form-3-option_0_hidden": "on", "form-3-option_0_en": "Pace"}
    assert client.post(f"/surveys/{survey.pk}/edit/", hidden).status_code == 302
    speed.refresh_from_db()
    assert (speed.label_en, speed.is_hidden) == ("Pace", True)
    assert AnswerChoice.objects.get().option == speed


def test_the_api_takes_and_gives_options_and_follow_ups(client_for, manager):
    client = client_for(manager)
    body = {
        "name": "API",
        "title_fi": "Kysely",
        "title_en": "Survey",
        "questions": [
            {"type": "csat"},
            {"type": "yesno", "text_fi": "Palasitko?", "text_en": "Did you return?"},
            {
                "type": "text",
                "text_fi": "Miksi?",
                "text_en": "Why?",
                "show_if_position": 1,
                "show_if_group": "dissatisfied",
            },
            {
                "type": "single",
                "text_fi": "Kanava?",
                "text_en": "Channel?",
                "options": [{"label_fi": "Verkko", "label_en": "Web"}, {"label_fi": "Puhelin", "label_en": "Phone"}],
            },
        ],
    }
    created = client.post("/api/v1/surveys/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    questions = created.json()["questions"]
    assert [(q["type"], q["show_if_position"], q["show_if_group"]) for q in questions] == [
        ("csat", None, ""),
        ("yesno", None, ""),
        ("text", 1, "dissatisfied"),
        ("single", None, ""),
    ]
    assert [o["label_en"] for o in questions[3]["options"]] == ["Web", "Phone"]

    bad = {**body, "questions": [*body["questions"][:2], {**body["questions"][2], "show_if_group": "promoters"}]}
    refused = client.post("/api/v1/surveys/", bad, content_type="application/json")
    assert refused.status_code == 400 and "questions" in refused.json()["fields"]
    one_option = {**body["questions"][3], "options": body["questions"][3]["options"][:1]}
    refused = client.post("/api/v1/surveys/", {**body, "questions": [one_option]}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["fields"]["questions"]
    missing_label = {**body["questions"][3], "options": [{"label_fi": "X"}, {"label_fi": "Y", "label_en": "Y"}]}
    refused = client.post("/api/v1/surveys/", {**body, "questions": [missing_label]}, content_type="application/json")
    assert refused.status_code == 400 and "label_en" in str(refused.json())
