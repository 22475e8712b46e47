"""Choice and yes/no questions, follow-ups shown only for some answers, and answers piped into the thank-you
text: on the customer's page, in the database, in Finnish and English."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from apps.core.exceptions import DomainError
from apps.surveys.models import Answer, AnswerChoice, Invitation, QuestionType, Response, ShowIfGroup, Survey
from apps.surveys.piping import answers_pipe
from apps.surveys.services import OptionInput, QuestionInput, survey_create, survey_update

pytestmark = pytest.mark.django_db

THANK_YOU_FI = "Kiitos! Annoit {answer:1}, asiasi hoitui: {answer:3}. Valitsit: {answer:4}.{answer:9}"
THANK_YOU_EN = "Thanks! You gave {answer:1}, sorted: {answer:3}. You chose: {answer:4}.{answer:9}"


def depth_survey_build() -> Survey:
    return survey_create(
        company_name="Alpha Katsastus",
        name="Syvä kysely",
        title_fi="Miten onnistuimme?",
        title_en="How did we do?",
        thank_you_fi=THANK_YOU_FI,
        thank_you_en=THANK_YOU_EN,
        questions=[
            QuestionInput(type=QuestionType.NPS),
            QuestionInput(
                type=QuestionType.TEXT,
                text_fi="Miksi annoit arvosanan {answer:1}? Mikä jäi harmittamaan?",
                text_en="Why did you give {answer:1}? What let you down?",
                required=True,
                show_if_position=1,
                show_if_group=ShowIfGroup.DETRACTORS,
            ),
            QuestionInput(
                type=QuestionType.YESNO, text_fi="Saitko asiasi hoidettua?", text_en="Was your matter sorted?"
            ),
            QuestionInput(
                type=QuestionType.MULTI,
                text_fi="Mikä sujui hyvin?",
                text_en="What went well?",
                required=False,
                options=(
                    OptionInput(label_fi="Nopeus", label_sv="Snabbhet", label_en="Speed"),
                    OptionInput(label_fi="Ystävällisyys", label_en="Friendliness"),
                    OptionInput(label_fi="Hinta <b>", label_en="Price <b>"),
                ),
            ),
            QuestionInput(
                type=QuestionType.SINGLE,
                text_fi="Miten varasit ajan?",
                text_en="How did you book?",
                required=False,
                options=(
                    OptionInput(label_fi="Verkossa", label_en="Online"),
                    OptionInput(label_fi="Puhelimessa", label_en="By phone"),
                    OptionInput(label_fi="Vanha tapa", label_en="Old way", is_hidden=True),
                ),
            ),
        ],
    )


@pytest.fixture
def survey(db: None) -> Survey:
    # Replaces the package's survey: the invitation fixtures send this one.
    return depth_survey_build()


def _keys(survey: Survey) -> dict[int, str]:
    return {question.position: f"q{question.pk}" for question in survey.questions.all()}


def _option(survey: Survey, position: int, label_fi: str) -> str:
    return str(survey.questions.get(position=position).options.get(label_fi=label_fi).pk)


# --- Definitions -------------------------------------------------------------


def test_yes_no_is_stored_as_one_or_zero_and_nothing_else(survey):
    invitation_response = Response.objects.create(
        survey=survey, source="qr", language="fi", submitted_at="2026-11-25T10:00Z"
    )
    question = survey.questions.get(type=QuestionType.YESNO)
    Answer.objects.create(response=invitation_response, question=question, type="yesno", score=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(response=invitation_response, question=question, type="yesno", score=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.create(
            response=invitation_response, question=survey.questions.get(position=1), type="nps", score=11
        )


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (
            QuestionInput(type="single", text_fi="K", text_en="Q", options=(OptionInput(label_fi="A", label_en="A"),)),
            "at least two options",
        ),
        (
            QuestionInput(
                type="multi",
                text_fi="K",
                text_en="Q",
                options=(OptionInput(label_fi="A", label_en="A"), OptionInput(label_fi="B")),
            ),
            "Finnish and an English label",
        ),
        (QuestionInput(type="yesno"), "write the question in Finnish and in English"),
        (QuestionInput(type="text", show_if_position=1, show_if_group="promoters"), "earlier question"),
        (QuestionInput(type="text", show_if_position=2), "both the earlier question"),
    ],
)
def test_a_broken_definition_is_refused_with_the_reason(question, message):
    with translation.override("en"), pytest.raises(DomainError) as refused:
        survey_create(
            company_name="A", name="X", title_fi="X", title_en="X", questions=[question, QuestionInput(type="nps")]
        )
    assert message in refused.value.message
    assert refused.value.fields == {"questions": [refused.value.message]}


def test_a_follow_up_depends_only_on_a_scored_question_and_its_own_groups():
    for target, group in ((QuestionType.TEXT, ShowIfGroup.DETRACTORS), (QuestionType.CSAT, ShowIfGroup.DETRACTORS)):
        with pytest.raises(DomainError):
            survey_create(
                company_name="A",
                name="X",
                title_fi="X",
                title_en="X",
                questions=[
                    QuestionInput(type=target),
                    QuestionInput(type="text", show_if_position=1, show_if_group=group),
                ],
            )


def test_an_answered_option_is_hidden_or_renamed_never_removed(survey, sent_invitation, anonymous_client):
    _invitation, token = sent_invitation
    keys = _keys(survey)
    speed = _option(survey, 4, "Nopeus")
    anonymous_client.post(f"/s/{token}/", {keys[1]: "9", keys[3]: "1", keys[4]: speed})
    assert AnswerChoice.objects.count() == 1
    question = survey.questions.get(position=4)
    current = [
        QuestionInput(
            id=q.pk,
            type=q.type,
            text_fi=q.text_fi,
            text_en=q.text_en,
            required=q.required,
            show_if_position=q.show_if_question.position if q.show_if_question else None,
            show_if_group=q.show_if_group,
            options=tuple(
                OptionInput(id=o.pk, label_fi=o.label_fi, label_en=o.label_en, is_hidden=o.is_hidden)
                for o in q.options.all()
            ),
        )
        for q in survey.questions.prefetch_related("options").select_related("show_if_question")
    ]
    without_speed = [
        *current[:3],
        QuestionInput(**{**current[3].__dict__, "options": current[3].options[1:]}),
        current[4],
    ]
    with pytest.raises(DomainError, match="on jo vastauksia"):
        survey_update(survey=survey, questions=without_speed, company_name="A")
    renamed = (OptionInput(id=int(speed), label_fi="Vauhti", label_en="Pace", is_hidden=True), *current[3].options[1:])
    survey_update(
        survey=survey,
        questions=[*current[:3], QuestionInput(**{**current[3].__dict__, "options": renamed}), current[4]],
        company_name="A",
    )
    option = question.options.get(pk=speed)
    assert (option.label_fi, option.is_hidden) == ("Vauhti", True)
    assert AnswerChoice.objects.get().option_id == int(speed)


# --- The customer's page -----------------------------------------------------


def test_the_page_marks_the_follow_up_and_offers_the_shown_options(anonymous_client, sent_invitation, survey):
    _invitation, token = sent_invitation
    page = anonymous_client.get(f"/s/{token}/").content.decode()
    keys = _keys(survey)
    assert f'data-show-if="{keys[1]}" data-show-low="0" data-show-high="6"' in page
    assert "Vastaa tähän vain, jos annoit kysymykseen 1 arvon 0\u20136." in page
    assert "Kyllä" in page and "Valitse kaikki sopivat." in page
    assert "Hinta &lt;b&gt;" in page and "Vanha tapa" not in page


def test_a_follow_up_names_the_earlier_answer_in_its_text(anonymous_client, sent_invitation, survey):
    _invitation, token = sent_invitation
    keys = _keys(survey)
    page = anonymous_client.get(f"/s/{token}/").content.decode()
    # The page's script fills the slot as the customer answers; without it an ellipsis stands there.
    slot = f'<span class="question__piped" data-answer-of="{keys[1]}">\u2026</span>'
    assert f"Miksi annoit arvosanan {slot}? Mikä jäi harmittamaan?" in page


def test_the_page_in_swedish(anonymous_client, sent_invitation, survey):
    invitation, token = sent_invitation
    Invitation.objects.filter(pk=invitation.pk).update(language="sv")
    page = anonymous_client.get(f"/s/{token}/").content.decode()
    assert "Svara bara om du gav fråga 1 ett värde från 0 till 6." in page
    assert "<span>Ja</span>" in page and "<span>Nej</span>" in page and "Snabbhet" in page


def test_a_detractor_must_answer_the_required_follow_up(anonymous_client, sent_invitation, survey):
    _invitation, token = sent_invitation
    keys = _keys(survey)
    refused = anonymous_client.post(f"/s/{token}/", {keys[1]: "3", keys[3]: "0"})
    assert refused.status_code == 400
    assert "Vastaa tähän kysymykseen." in refused.content.decode() or "Please answer" in refused.content.decode()
    assert not Response.objects.exists()
    done = anonymous_client.post(f"/s/{token}/", {keys[1]: "3", keys[2]: "Jonotin tunnin", keys[3]: "0"})
    assert done.status_code == 302
    assert sorted(Answer.objects.values_list("type", "score", "text")) == [
        ("nps", 3, ""),
        ("text", None, "Jonotin tunnin"),
        ("yesno", 0, ""),
    ]


def test_a_promoter_is_not_asked_and_an_answer_to_the_hidden_follow_up_is_dropped(
    anonymous_client, sent_invitation, survey
):
    _invitation, token = sent_invitation
    keys = _keys(survey)
    posted = {
        keys[1]: "10",
        keys[2]: "Tämä ei kuulu tänne",
        keys[3]: "1",
        keys[4]: [_option(survey, 4, "Nopeus"), _option(survey, 4, "Hinta <b>")],
    }
    assert anonymous_client.post(f"/s/{token}/", posted).status_code == 302
    assert not Answer.objects.filter(type="text").exists()
    multi = Answer.objects.get(type="multi")
    assert multi.score is None
    assert sorted(multi.choices.values_list("option__label_fi", flat=True)) == ["Hinta <b>", "Nopeus"]


def test_a_hidden_or_foreign_option_cannot_be_chosen(anonymous_client, sent_invitation, survey):
    _invitation, token = sent_invitation
    keys = _keys(survey)
    for value in (_option(survey, 5, "Vanha tapa"), _option(survey, 4, "Nopeus"), "abc"):
        refused = anonymous_client.post(f"/s/{token}/", {keys[1]: "9", keys[3]: "1", keys[5]: value})
        assert refused.status_code == 400
    assert not Response.objects.exists()


# --- Piping ------------------------------------------------------------------


def test_placeholders_known_unknown_and_other_braces():
    text = "A {answer:1} B {answer:2} C {answer:7} {other} {answer:x}"
    assert answers_pipe(text, answers={1: "9"}, positions={1, 2}) == "A 9 B  C  {other} {answer:x}"
    assert answers_pipe(text, answers={1: "9"}, positions={1, 2}, keep_unknown=True).endswith(
        "C {answer:7} {other} {answer:x}"
    )


def test_the_thank_you_page_pipes_the_answers_escaped_in_finnish(anonymous_client, sent_invitation, survey):
    _invitation, token = sent_invitation
    keys = _keys(survey)
    posted = {
        keys[1]: "4",
        keys[2]: "<script>x</script>",
        keys[3]: "1",
        keys[4]: [_option(survey, 4, "Hinta <b>"), _option(survey, 4, "Nopeus")],
    }
    anonymous_client.post(f"/s/{token}/", posted)
    page = anonymous_client.get(f"/s/{token}/thanks/").content.decode()
    assert "Kiitos! Annoit 4, asiasi hoitui: Kyllä. Valitsit: Nopeus, Hinta &lt;b&gt;." in page
    assert "{answer:" not in page and "<b>" not in page.split("<main", 1)[1]


def test_the_thank_you_page_pipes_in_english(anonymous_client, sent_invitation, survey):
    invitation, token = sent_invitation
    Invitation.objects.filter(pk=invitation.pk).update(language="en")
    keys = _keys(survey)
    anonymous_client.post(f"/s/{token}/", {keys[1]: "10", keys[3]: "0", keys[4]: _option(survey, 4, "Ystävällisyys")})
    page = anonymous_client.get(f"/s/{token}/thanks/").content.decode()
    assert "Thanks! You gave 10, sorted: No. You chose: Friendliness." in page


def test_the_preview_shows_an_unknown_placeholder_to_the_author(client_for, manager, survey):
    keys = _keys(survey)
    page = client_for(manager).post(f"/surveys/{survey.pk}/preview/en/", {keys[1]: "8", keys[3]: "1"})
    assert page.status_code == 200
    assert "Thanks! You gave 8, sorted: Yes. You chose: .{answer:9}" in page.content.decode()


def test_the_customer_timeline_reads_the_yes_no_and_choice_answers(
    anonymous_client, sent_invitation, survey, client_for, manager
):
    invitation, token = sent_invitation
    keys = _keys(survey)
    anonymous_client.post(f"/s/{token}/", {keys[1]: "9", keys[3]: "1", keys[4]: _option(survey, 4, "Nopeus")})
    page = client_for(manager).get(f"/customers/{invitation.customer_id}/").content.decode()
    assert "Saitko asiasi hoidettua? Kyllä" in page and "Mikä sujui hyvin? Nopeus" in page
