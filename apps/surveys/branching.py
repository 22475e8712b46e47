"""Follow-up questions: when one is shown, from the answer to an earlier scored question; no database.

A follow-up names an earlier NPS, CSAT, CES or yes/no question and a group of its answers
(`Question.show_if_question`, `Question.show_if_group`). The groups are the standard ones of
DOMAIN.md: NPS detractors 0-6, passives 7-8, promoters 9-10; CSAT satisfied 4-5; CES easy 5-7.
The server decides: a follow-up whose condition is not met is not required, and an answer
given to it anyway is dropped (the page's script only mirrors this rule).
"""

from apps.surveys.models import QuestionType, ShowIfGroup

# Each group: the question type it belongs to and its score range (inclusive).
GROUP_RANGES: dict[str, tuple[str, int, int]] = {
    ShowIfGroup.DETRACTORS: (QuestionType.NPS, 0, 6),
    ShowIfGroup.PASSIVES: (QuestionType.NPS, 7, 8),
    ShowIfGroup.PROMOTERS: (QuestionType.NPS, 9, 10),
    ShowIfGroup.DISSATISFIED: (QuestionType.CSAT, 1, 3),
    ShowIfGroup.SATISFIED: (QuestionType.CSAT, 4, 5),
    ShowIfGroup.EFFORTFUL: (QuestionType.CES, 1, 4),
    ShowIfGroup.EASY: (QuestionType.CES, 5, 7),
    ShowIfGroup.NO: (QuestionType.YESNO, 0, 0),
    ShowIfGroup.YES: (QuestionType.YESNO, 1, 1),
}


def groups_of(question_type: str) -> list[str]:
    """The groups a follow-up of a `question_type` question may name."""
    return [group for group, (kind, _low, _high) in GROUP_RANGES.items() if kind == question_type]


def group_fits(*, question_type: str, group: str) -> bool:
    return group in GROUP_RANGES and GROUP_RANGES[group][0] == question_type


def group_range(group: str) -> tuple[int, int]:
    _kind, low, high = GROUP_RANGES[group]
    return low, high


def condition_met(*, group: str, score: int | None) -> bool:
    """True when an answer `score` (None: not answered, or not shown itself) puts the follow-up on show."""
    if score is None or group not in GROUP_RANGES:
        return False
    low, high = group_range(group)
    return low <= score <= high
