"""The thank-you text a customer reads after answering, with their answers piped in (apps.surveys.piping)."""

from apps.surveys.models import Response, Survey
from apps.surveys.piping import answer_words, answers_pipe
from apps.surveys.responses import CleanAnswer


def thank_you_text(*, survey: Survey, language: str, response: Response | None = None) -> str:
    """The survey's thank-you text in `language`, each `{answer:N}` replaced by this response's answer to
    question N (empty without one); a placeholder naming no question is removed."""
    text = survey.text("thank_you", language)
    if "{answer:" not in text:
        return text
    positions = set(survey.questions.values_list("position", flat=True))
    answers: dict[int, str] = {}
    if response is not None:
        rows = response.answers.select_related("question").prefetch_related("choices__option")
        for answer in rows:
            labels = [choice.option.label(language) for choice in answer.choices.all()]
            answers[answer.question.position] = answer_words(
                question_type=answer.type, score=answer.score, text=answer.text, labels=labels
            )
    return answers_pipe(text, answers=answers, positions=positions)


def thank_you_preview(*, survey: Survey, language: str, answers: list[CleanAnswer]) -> str:
    """The thank-you text of the manager's preview, from answers checked but not recorded. A placeholder
    naming no question stays visible, so that the author sees the mistake."""
    text = survey.text("thank_you", language)
    positions = set(survey.questions.values_list("position", flat=True))
    piped = {
        answer.question.position: answer_words(
            question_type=answer.question.type,
            score=answer.score,
            text=answer.text,
            labels=[option.label(language) for option in answer.options],
        )
        for answer in answers
    }
    return answers_pipe(text, answers=piped, positions=positions, keep_unknown=True)
