"""Why a case was opened, kept as data and put into words in the reader's language.

A case opened by a poor survey answer keeps which measures were poor and their
scores; only a reason written by staff is kept as text (it is theirs, and personal
data: erasure blanks it). The words are chosen when the reason is read, so the
case list, the case page, the timeline and the assignee's email each say it in the
language of whoever reads it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The longest reason staff may write.
REASON_TEXT_MAX_LENGTH = 300


class ReasonCode(models.TextChoices):
    POOR_ANSWER = "poor_answer", _("Poor answer")
    STAFF = "staff", _("Written by staff")


@dataclass(frozen=True)
class PoorScore:
    """One poor score of an answer: the measure ("nps", "csat", "ces") and the score given."""

    measure: str
    score: int

    def as_data(self) -> dict[str, Any]:
        return {"measure": self.measure, "score": self.score}


@dataclass(frozen=True)
class CaseReason:
    code: str
    scores: tuple[PoorScore, ...] = ()
    text: str = ""

    @classmethod
    def poor_answer(cls, scores: Iterable[PoorScore]) -> "CaseReason":
        """A survey answer with these poor scores, in question order."""
        return cls(code=ReasonCode.POOR_ANSWER, scores=tuple(scores))

    @classmethod
    def written(cls, text: str) -> "CaseReason":
        """A reason written by staff, as they wrote it."""
        return cls(code=ReasonCode.STAFF, text=text.strip()[:REASON_TEXT_MAX_LENGTH])

    @classmethod
    def from_fields(cls, *, code: str, scores: Sequence[dict[str, Any]] | None, text: str) -> "CaseReason":
        """The reason as stored on a case (reason_code, reason_scores, reason_text)."""
        return cls(
            code=code,
            scores=tuple(PoorScore(measure=str(item["measure"]), score=int(item["score"])) for item in scores or ()),
            text=text,
        )

    def fields(self) -> dict[str, Any]:
        """The case's fields that store the reason."""
        return {
            "reason_code": self.code,
            "reason_scores": [score.as_data() for score in self.scores],
            "reason_text": self.text,
        }

    def __str__(self) -> str:
        """The reason in the active language."""
        if self.code == ReasonCode.POOR_ANSWER:
            scores = ", ".join(f"{score.measure.upper()} {score.score}" for score in self.scores)
            return gettext("Poor answer: %(scores)s") % {"scores": scores}
        # A staff reason is blank once erased or past the company's keeping time for staff notes.
        return self.text or gettext("Opened by staff")
