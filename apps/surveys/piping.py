"""Answer piping: `{answer:N}` in a thank-you text becomes the answer to question N; no database.

N is the question's position in the survey (1 = the first question). The answer reads as the
customer gave it, in their language: a score as its number, yes/no as the word, the chosen
options' labels joined with commas, a free text as written. The result is plain text and the
templates escape it like any other, so a customer's answer can never become markup.

A placeholder naming a question the survey has, which this customer did not answer (skipped, or a
follow-up not shown), becomes empty. One naming no question of the survey is the author's mistake:
the preview keeps it visible so that the author sees it, a customer never sees it (it is removed).
Anything else in braces is ordinary text and stays as it is.
"""

import re

PLACEHOLDER = re.compile(r"\{answer:(\d{1,3})\}")


def answers_pipe(text: str, *, answers: dict[int, str], positions: set[int], keep_unknown: bool = False) -> str:
    """`text` with each `{answer:N}` replaced: `answers` by position, `positions` those the survey has."""

    def replace(match: re.Match[str]) -> str:
        position = int(match.group(1))
        if position in positions:
            return answers.get(position, "")
        return match.group(0) if keep_unknown else ""

    return PLACEHOLDER.sub(replace, text)


def placeholders_unknown(text: str, *, positions: set[int]) -> list[str]:
    """The placeholders of `text` that name no question of the survey, for the editor's warning."""
    return [match.group(0) for match in PLACEHOLDER.finditer(text) if int(match.group(1)) not in positions]


def answer_words(*, question_type: str, score: int | None, text: str, labels: list[str]) -> str:
    """One answer as the customer reads it back, in the active language (a view sets the customer's)."""
    # Imported here: this module stays free of Django for everything but the yes/no words.
    from django.utils.translation import gettext as _

    if question_type == "yesno" and score is not None:
        return _("Yes") if score == 1 else _("No")
    if labels:
        return ", ".join(labels)
    if score is not None:
        return str(score)
    return text
