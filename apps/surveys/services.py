"""Writes on survey definitions, touchpoint links, the company's survey rules and send-outs.

Each runs in one transaction and raises DomainError on a broken rule. Sending and
answering live in sending.py and responses.py.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_changes, audit_log_record
from apps.core.content_languages import CONTENT_LANGUAGES
from apps.core.deletion import rows_delete
from apps.core.exceptions import DomainError
from apps.journeys.models import Touchpoint
from apps.surveys.branching import group_fits
from apps.surveys.models import (
    CHOICE_TYPES,
    CONDITION_TYPES,
    AnswerChoice,
    Campaign,
    InvitationChannel,
    Question,
    QuestionOption,
    QuestionType,
    Survey,
    SurveySettings,
    TouchpointSurvey,
)
from apps.surveys.selectors import survey_settings_get
from apps.surveys.wordings import question_default_text

_SURVEY_TEXT_FIELDS = (
    "name",
    "title_fi",
    "title_sv",
    "title_en",
    "intro_fi",
    "intro_sv",
    "intro_en",
    "thank_you_fi",
    "thank_you_sv",
    "thank_you_en",
)
MAX_QUESTIONS = 30
MAX_REPEAT_MONTHS = 24
AUDIENCE_KEYS = ("segment", "persona", "language", "search")


MAX_OPTIONS = 20


@dataclass(frozen=True)
class OptionInput:
    """One option of a choice question as the editor sends it; `id` is None for a new option."""

    label_fi: str = ""
    label_sv: str = ""
    label_en: str = ""
    is_hidden: bool = False
    id: int | None = None


@dataclass(frozen=True)
class QuestionInput:
    """One question as the editor sends it; `id` is None for a new question.

    `show_if_position`: a follow-up names the earlier question it depends on by its position in the
    list sent (1 = the first), since a new question has no id yet; `show_if_group` the answers that show it.
    """

    type: str
    text_fi: str = ""
    text_sv: str = ""
    text_en: str = ""
    required: bool = True
    id: int | None = None
    options: tuple[OptionInput, ...] = ()
    show_if_position: int | None = None
    show_if_group: str = ""


def _survey_fields_clean(fields: dict[str, Any]) -> dict[str, Any]:
    cleaned = {key: str(fields.get(key) or "").strip() for key in _SURVEY_TEXT_FIELDS}
    errors: dict[str, list[str]] = {}
    for key in ("name", "title_fi", "title_en"):
        if not cleaned[key]:
            errors[key] = [_("This field is required.")]
    for key in ("name", "title_fi", "title_sv", "title_en"):
        if len(cleaned[key]) > 200:
            errors[key] = [_("Keep this under 200 characters.")]
    channel = fields.get("channel") or ""
    if not isinstance(channel, str) or (channel and channel not in InvitationChannel.values):
        errors["channel"] = [_("Select a valid choice.")]
    if errors:
        raise DomainError(_("The survey cannot be saved."), fields=errors)
    cleaned["is_active"] = bool(fields.get("is_active", True))
    cleaned["channel"] = str(fields.get("channel") or "")
    return cleaned


def _questions_clean(questions: list[QuestionInput], *, company_name: str) -> list[QuestionInput]:
    """Every question valid, empty texts filled with the standard wording of the type."""
    if not questions:
        raise DomainError(_("A survey needs at least one question."), code="no_questions")
    if len(questions) > MAX_QUESTIONS:
        raise DomainError(_("A survey can have at most %(count)s questions.") % {"count": MAX_QUESTIONS})
    cleaned = []
    for index, question in enumerate(questions, start=1):
        if question.type not in QuestionType.values:
            raise DomainError(
                _("Question %(number)s: choose a valid type.") % {"number": index}, fields={"questions": []}
            )
        texts = {}
        for language in ("fi", "en"):
            text = (getattr(question, f"text_{language}") or "").strip()
            texts[language] = text or question_default_text(question.type, language, company_name=company_name)
        # Swedish is optional: an empty one gets the standard wording only when the question is the
        # standard one, so that a question of the company's own never turns into a different question.
        standard = texts["fi"] == question_default_text(question.type, "fi", company_name=company_name)
        texts["sv"] = (question.text_sv or "").strip() or (
            question_default_text(question.type, "sv", company_name=company_name) if standard else ""
        )
        if not texts["fi"] or not texts["en"]:
            # A choice or yes/no question has no standard wording: the company writes its own.
            raise _question_error(index, _("write the question in Finnish and in English."))
        if any(len(text) > 500 for text in texts.values()):
            raise DomainError(_("Question %(number)s: keep the text under 500 characters.") % {"number": index})
        cleaned.append(
            QuestionInput(
                id=question.id,
                type=question.type,
                text_fi=texts["fi"],
                text_sv=texts["sv"],
                text_en=texts["en"],
                required=bool(question.required),
                options=_options_clean(question, number=index),
                show_if_position=question.show_if_position,
                show_if_group=(question.show_if_group or "").strip(),
            )
        )
    for index, question in enumerate(cleaned, start=1):
        _condition_check(question, number=index, questions=cleaned)
    return cleaned


def _question_error(number: int, message: str) -> DomainError:
    text = _("Question %(number)s: %(problem)s") % {"number": number, "problem": message}
    return DomainError(text, fields={"questions": [text]}, code="question_invalid")


def _options_clean(question: QuestionInput, *, number: int) -> tuple[OptionInput, ...]:
    """A choice question's options, trimmed; at least two shown, each with a Finnish and an English label."""
    if question.type not in CHOICE_TYPES:
        if question.options:
            raise _question_error(number, _("only single- and multiple-choice questions have options."))
        return ()
    options = tuple(
        OptionInput(
            id=option.id,
            label_fi=(option.label_fi or "").strip(),
            label_sv=(option.label_sv or "").strip(),
            label_en=(option.label_en or "").strip(),
            is_hidden=bool(option.is_hidden),
        )
        for option in question.options
    )
    if len(options) > MAX_OPTIONS:
        raise _question_error(number, _("a question can have at most %(count)s options.") % {"count": MAX_OPTIONS})
    for option in options:
        if not option.label_fi or not option.label_en:
            raise _question_error(number, _("each option needs a Finnish and an English label."))
        if any(len(label) > 200 for label in (option.label_fi, option.label_sv, option.label_en)):
            raise _question_error(number, _("keep each option under 200 characters."))
    if sum(not option.is_hidden for option in options) < 2:
        raise _question_error(number, _("a choice question needs at least two options shown."))
    return options


def _condition_check(question: QuestionInput, *, number: int, questions: list[QuestionInput]) -> None:
    """A follow-up names an earlier NPS, CSAT, CES or yes/no question and one of that type's groups."""
    position, group = question.show_if_position, question.show_if_group
    if position is None and not group:
        return
    if position is None or not group:
        raise _question_error(number, _("a follow-up needs both the earlier question and the answers that show it."))
    if not 1 <= position < number:
        raise _question_error(number, _("a follow-up can only depend on an earlier question."))
    target = questions[position - 1]
    if target.type not in CONDITION_TYPES:
        raise _question_error(number, _("a follow-up can only depend on an NPS, CSAT, CES or yes/no question."))
    if not group_fits(question_type=target.type, group=group):
        raise _question_error(
            number,
            _("“%(group)s” is not a group of the answers to question %(position)s.")
            % {"group": group, "position": position},
        )


def _questions_save(survey: Survey, questions: list[QuestionInput]) -> None:
    """Replace the survey's questions with `questions`, in that order, positions 1..n.

    A question that already has answers keeps its type and cannot be removed, so
    every recorded answer still means what it meant when it was given.
    """
    existing = {question.pk: question for question in survey.questions.all()}
    kept_ids = {question.id for question in questions if question.id is not None}
    unknown = kept_ids - set(existing)
    if unknown:
        raise DomainError(_("A question does not belong to this survey."), code="unknown_question")
    removed = [question for pk, question in existing.items() if pk not in kept_ids]
    answered = set(
        Question.objects.filter(pk__in=existing, answers__isnull=False).values_list("pk", flat=True).distinct()
    )
    for question in removed:
        if question.pk in answered:
            raise DomainError(
                _("“%(text)s” already has answers and cannot be removed. Deactivate the survey and make a new one.")
                % {"text": question.text_fi or question.text_en},
                code="question_answered",
            )
    for question in questions:
        if question.id in answered and existing[question.id].type != question.type:
            raise DomainError(
                _("“%(text)s” already has answers, so its type cannot change.")
                % {"text": existing[question.id].text_fi},
                code="question_answered",
            )
    # An answer given since the check above still keeps its question (a 400, not a 500).
    rows_delete(rows=Question.objects.filter(pk__in=[question.pk for question in removed]))
    # Positions are unique per survey: move the kept rows out of the way before renumbering.
    offset = 10_000
    for question_id in kept_ids:
        Question.objects.filter(pk=question_id).update(position=existing[question_id].position + offset)
    saved: list[int] = []
    for position, question in enumerate(questions, start=1):
        values = {
            "position": position,
            "type": question.type,
            "text_fi": question.text_fi,
            "text_sv": question.text_sv,
            "text_en": question.text_en,
            "required": question.required,
            "show_if_question": None,
            "show_if_group": "",
        }
        if question.id is None:
            saved.append(Question.objects.create(survey=survey, **values).pk)
        else:
            Question.objects.filter(pk=question.id).update(**values)
            saved.append(question.id)
        _options_save(saved[-1], question.options, number=position)
    # The conditions last: a follow-up may name a question created just above.
    for question_id, question in zip(saved, questions, strict=True):
        if question.show_if_position is not None:
            Question.objects.filter(pk=question_id).update(
                show_if_question_id=saved[question.show_if_position - 1], show_if_group=question.show_if_group
            )


def _options_save(question_id: int, options: tuple[OptionInput, ...], *, number: int) -> None:
    """Replace the question's options with `options`, in that order. An option already chosen in an answer
    cannot be removed (its answers keep meaning what they meant): it can be renamed or hidden."""
    existing = {option.pk: option for option in QuestionOption.objects.filter(question_id=question_id)}
    kept_ids = {option.id for option in options if option.id is not None}
    if kept_ids - set(existing):
        raise _question_error(number, _("an option does not belong to this question."))
    removed = [option for pk, option in existing.items() if pk not in kept_ids]
    chosen = set(AnswerChoice.objects.filter(option__in=removed).values_list("option_id", flat=True).distinct())
    for option in removed:
        if option.pk in chosen:
            raise _question_error(
                number,
                _("the option “%(label)s” already has answers and cannot be removed; hide it instead.")
                % {"label": option.label_fi or option.label_en},
            )
    rows_delete(rows=QuestionOption.objects.filter(pk__in=[option.pk for option in removed]))
    for position, option in enumerate(options, start=1):
        values = {
            "position": position,
            "label_fi": option.label_fi,
            "label_sv": option.label_sv,
            "label_en": option.label_en,
            "is_hidden": option.is_hidden,
        }
        if option.id is None:
            QuestionOption.objects.create(question_id=question_id, **values)
        else:
            QuestionOption.objects.filter(pk=option.id).update(**values)


@transaction.atomic
def survey_create(*, questions: list[QuestionInput], company_name: str, **fields: Any) -> Survey:
    """A survey with its questions. `fields`: name, title_fi/sv/en, intro_fi/sv/en, thank_you_fi/sv/en, is_active,
    channel (how its invitations go; blank for the company's choice)."""
    cleaned = _survey_fields_clean(fields)
    questions = _questions_clean(questions, company_name=company_name)
    survey = Survey.objects.create(**cleaned)
    _questions_save(survey, questions)
    return survey


@transaction.atomic
def survey_update(
    *, survey: Survey, questions: list[QuestionInput] | None = None, company_name: str = "", **fields: Any
) -> Survey:
    """Change the texts (any subset of the fields) and, when given, replace the question list."""
    current = {key: getattr(survey, key) for key in (*_SURVEY_TEXT_FIELDS, "is_active", "channel")}
    unknown = set(fields) - set(current)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    cleaned = _survey_fields_clean({**current, **fields})
    for key, value in cleaned.items():
        setattr(survey, key, value)
    survey.save()
    if questions is not None:
        _questions_save(survey, _questions_clean(questions, company_name=company_name))
    return survey


@transaction.atomic
def survey_touchpoints_set(
    *, survey: Survey, delays: dict[int, int | None], acting_user: User | None = None
) -> list[TouchpointSurvey]:
    """Make exactly the touchpoints in `delays` (id -> minutes, None = company default) follow up with `survey`.

    A touchpoint can have one follow-up survey: choosing it here moves it from any other survey.
    """
    touchpoints = Touchpoint.objects.filter(pk__in=delays, stage__path__archived_at__isnull=True)
    found = {touchpoint.pk for touchpoint in touchpoints}
    if set(delays) - found:
        raise DomainError(_("A chosen touchpoint does not exist any more."), code="unknown_touchpoint")
    for minutes in delays.values():
        if minutes is not None and not 0 <= minutes <= 60 * 24 * 30:
            raise DomainError(
                _("The delay must be between 0 minutes and 30 days."), fields={"delay": [_("Check the delays.")]}
            )
    if delays and not survey.is_active:
        raise DomainError(_("Activate the survey before attaching it to touchpoints."), code="survey_inactive")
    before = dict(TouchpointSurvey.objects.filter(survey=survey).values_list("touchpoint_id", "delay_minutes"))
    TouchpointSurvey.objects.filter(survey=survey).exclude(touchpoint_id__in=found).delete()
    links = []
    for touchpoint_id, minutes in delays.items():
        link, _created = TouchpointSurvey.objects.update_or_create(
            touchpoint_id=touchpoint_id, defaults={"survey": survey, "delay_minutes": minutes}
        )
        links.append(link)
    _touchpoint_rules_log(survey=survey, before=before, after=dict(delays), acting_user=acting_user)
    return links


def _touchpoint_rules_log(
    *, survey: Survey, before: dict[int, int | None], after: dict[int, int | None], acting_user: User | None
) -> None:
    """One entry for a change of which touchpoints follow up with `survey`, by touchpoint id, and their delays."""
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    delay_changed = sorted(pk for pk in set(before) & set(after) if before[pk] != after[pk])
    if not (added or removed or delay_changed):
        return
    extra = {
        "changed": ["touchpoints"],
        "touchpoints_added": added,
        "touchpoints_removed": removed,
        "delays_changed": delay_changed,
        "delay_minutes": {str(pk): after[pk] for pk in [*added, *delay_changed]},
    }
    audit_log_record(event_type=AuditEvent.SETTINGS_CHANGED, acting_user=acting_user, target=survey, extra=extra)


_SETTINGS_FIELDS = (
    "default_delay_minutes",
    "quiet_hours_start",
    "quiet_hours_end",
    "frequency_cap_days",
    "reminder_after_days",
    "link_valid_days",
    "nps_poor_max",
    "csat_poor_max",
    "ces_poor_max",
    "case_due_working_days",
    "case_escalate_after_working_days",
    "invitation_channel",
)


@transaction.atomic
def survey_settings_update(*, acting_user: User | None = None, **changes: Any) -> SurveySettings:
    """Change any of the company's survey rules; every field is validated against its limits.

    The rules are numbers and times, never personal: the audit entry keeps their old and new values.
    """
    unknown = set(changes) - set(_SETTINGS_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    rules = survey_settings_get()
    before = {key: getattr(rules, key) for key in changes}
    for key, value in changes.items():
        setattr(rules, key, value)
    try:
        rules.full_clean(exclude=["singleton"])
    except ValidationError as error:
        raise DomainError(_("The survey settings cannot be saved."), fields=error.message_dict) from error
    if rules.reminder_after_days and rules.reminder_after_days >= rules.link_valid_days:
        raise DomainError(
            _("The settings cannot be saved."),
            fields={"reminder_after_days": [_("The reminder must go out before the link expires.")]},
        )
    rules.save()
    extra = audit_changes(before=before, after=changes, values_kept=_SETTINGS_FIELDS)
    if extra:
        audit_log_record(event_type=AuditEvent.SETTINGS_CHANGED, acting_user=acting_user, target=rules, extra=extra)
    return rules


def _audience_clean(audience: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key in AUDIENCE_KEYS:
        value = audience.get(key)
        if value in (None, ""):
            continue
        if key in ("segment", "persona"):
            try:
                cleaned[key] = int(value)
            except (TypeError, ValueError) as error:
                raise DomainError(_("Choose a valid %(filter)s.") % {"filter": key}, fields={key: []}) from error
        elif key == "language":
            if value not in CONTENT_LANGUAGES:
                raise DomainError(
                    _("Choose Finnish, Swedish or English."), fields={"language": [_("Choose a valid choice.")]}
                )
            cleaned[key] = value
        else:
            cleaned[key] = str(value).strip()[:200]
    return cleaned


@transaction.atomic
def campaign_create(
    *,
    name: str,
    survey: Survey,
    audience: dict[str, Any],
    send_at: dt.datetime | None = None,
    repeat_every_months: int | None = None,
    channel: str = "",
    created_by: Any = None,
    now: dt.datetime | None = None,
) -> Campaign:
    """A send-out of `survey` to the customers matching `audience`: now (send_at None), at a time, or recurring.

    The dispatcher runs it when `next_run_at` comes (sending.campaigns_run_due); the
    frequency cap, consent and unsubscribes apply to every run.
    """
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("This field is required.")]
    if not survey.is_active:
        errors["survey"] = [_("This survey is not active.")]
    if send_at is not None and send_at < now - dt.timedelta(minutes=5):
        errors["send_at"] = [_("Choose a time in the future.")]
    if repeat_every_months is not None and not 1 <= repeat_every_months <= MAX_REPEAT_MONTHS:
        errors["repeat_every_months"] = [
            _("Repeat every 1 to %(count)s months, or leave empty to send once.") % {"count": MAX_REPEAT_MONTHS}
        ]
    if channel and channel not in InvitationChannel.values:
        errors["channel"] = [_("Select a valid choice.")]
    if errors:
        raise DomainError(_("The send-out cannot be saved."), fields=errors)
    return Campaign.objects.create(
        channel=channel,
        name=name[:200],
        survey=survey,
        audience=_audience_clean(audience),
        next_run_at=send_at or now,
        repeat_every_months=repeat_every_months,
        created_by=created_by,
    )


@transaction.atomic
def campaign_pause(*, campaign: Campaign) -> Campaign:
    Campaign.objects.filter(pk=campaign.pk).update(is_active=False)
    campaign.refresh_from_db()
    return campaign


@transaction.atomic
def campaign_resume(*, campaign: Campaign, now: dt.datetime | None = None) -> Campaign:
    """Active again. A recurring send-out whose date passed while paused continues at its next
    date in the future rather than sending at once; a one-off that never ran goes now."""
    now = now or timezone.now()
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    next_run = campaign.next_run_at
    if next_run is not None and next_run < now and campaign.repeat_every_months:
        while next_run < now:
            next_run += relativedelta(months=campaign.repeat_every_months)
    campaign.is_active = True
    campaign.next_run_at = next_run
    campaign.save(update_fields=["is_active", "next_run_at", "updated_at"])
    return campaign
