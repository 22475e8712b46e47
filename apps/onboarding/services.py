"""Writes on the starter content offer: take one industry template, or skip the offer.

Each runs in one transaction that first locks the company's StarterChoice row, so two
clicks (or two admins) at once write the content once. The objects are made through
the journeys, surveys and personas services, so their rules hold as in the editors.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.audit.services import audit_log_record
from apps.core.exceptions import DomainError
from apps.journeys.services.paths import path_create
from apps.journeys.services.stages import stage_add
from apps.journeys.services.touchpoints import touchpoint_add
from apps.onboarding.content import (
    STARTER_TEMPLATES,
    SURVEY_INTRO,
    SURVEY_QUESTIONS,
    SURVEY_THANK_YOU,
    SURVEY_TITLE,
    StarterTemplate,
    Text,
)
from apps.onboarding.models import StarterChoice
from apps.personas.selectors import persona_by_name_map
from apps.personas.services import persona_create
from apps.surveys.services import QuestionInput, survey_create, survey_touchpoints_set

SURVEY_NAME = Text("Palautekysely käynnin jälkeen", "Follow-up survey", "Responsenkät efter besöket")


def _choice_lock() -> StarterChoice:
    StarterChoice.objects.get_or_create(singleton=True)
    return StarterChoice.objects.select_for_update().get(singleton=True)


@transaction.atomic
def starter_template_take(
    *, template_key: str, acting_user: User | None, company_name: str, language: str
) -> tuple[StarterChoice, bool]:
    """Write `template_key`'s path, follow-up survey and personas; (choice, True when written now).

    The path and personas are written in `language` (the company's: Finnish, Swedish or
    English), the survey in all three, so each customer reads it in their own. Once a template
    has been taken, taking any again writes nothing.
    """
    template = STARTER_TEMPLATES.get(template_key)
    if template is None:
        raise DomainError(_("There is no such template."), code="unknown_template")
    choice = _choice_lock()
    if choice.is_taken:
        return choice, False
    path_id, survey_id, persona_ids = _template_write(
        template=template, acting_user=acting_user, company_name=company_name, language=language
    )
    choice.template = template.key
    choice.decided_at = timezone.now()
    choice.decided_by = acting_user
    choice.save()
    audit_log_record(
        event_type=AuditEvent.SETTINGS_CHANGED,
        acting_user=acting_user,
        target=choice,
        extra={
            "changed": ["template"],
            "old": {"template": ""},
            "new": {"template": template.key},
            "path_id": path_id,
            "survey_id": survey_id,
            "personas": len(persona_ids),
        },
    )
    return choice, True


def _template_write(
    *, template: StarterTemplate, acting_user: User | None, company_name: str, language: str
) -> tuple[int, int, list[int]]:
    path = path_create(
        name=template.path_name(language), description=template.path_description(language), created_by=acting_user
    )
    follow_ups: dict[int, int | None] = {}
    for stage_seed in template.stages:
        stage = stage_add(path=path, name=stage_seed.name(language))
        for seed in stage_seed.touchpoints:
            touchpoint = touchpoint_add(
                stage=stage,
                name=seed.name(language),
                channel=seed.channel,
                customer_does=seed.does(language),
                intended_experience=seed.intended(language),
                planned_emotion=seed.emotion,
                is_peak=seed.peak,
                is_end=seed.end,
            )
            if seed.follow_up:
                follow_ups[touchpoint.pk] = None
    # Empty question texts take the standard wordings of apps.surveys.wordings, in every language.
    survey = survey_create(
        questions=[
            QuestionInput(
                type=seed.type,
                required=seed.required,
                text_fi=seed.text.fi if seed.text else "",
                text_sv=seed.text.sv if seed.text else "",
                text_en=seed.text.en if seed.text else "",
                show_if_position=seed.show_if_position,
                show_if_group=seed.show_if_group,
            )
            for seed in SURVEY_QUESTIONS
        ],
        company_name=company_name,
        name=SURVEY_NAME(language),
        title_fi=SURVEY_TITLE.fi,
        title_sv=SURVEY_TITLE.sv,
        title_en=SURVEY_TITLE.en,
        intro_fi=SURVEY_INTRO.fi,
        intro_sv=SURVEY_INTRO.sv,
        intro_en=SURVEY_INTRO.en,
        thank_you_fi=SURVEY_THANK_YOU.fi,
        thank_you_sv=SURVEY_THANK_YOU.sv,
        thank_you_en=SURVEY_THANK_YOU.en,
    )
    survey_touchpoints_set(survey=survey, delays=follow_ups, acting_user=acting_user)
    existing = persona_by_name_map()
    persona_ids = []
    for seed in template.personas:
        if seed.name(language).lower() in existing:
            continue
        persona = persona_create(
            name=seed.name(language),
            description=seed.description(language),
            needs=seed.needs(language),
            pains=seed.pains(language),
            inbound_stage=seed.inbound_stage,
            icon=seed.icon,
            colour=seed.colour,
        )
        persona_ids.append(persona.pk)
    return path.pk, survey.pk, persona_ids


@transaction.atomic
def starter_offer_skip(*, acting_user: User | None) -> StarterChoice:
    """Start from an empty company; the templates stay available. Does nothing once decided."""
    choice = _choice_lock()
    if choice.is_decided:
        return choice
    choice.decided_at = timezone.now()
    choice.decided_by = acting_user
    choice.save()
    audit_log_record(
        event_type=AuditEvent.SETTINGS_CHANGED,
        acting_user=acting_user,
        target=choice,
        extra={"changed": ["decided_at"]},
    )
    return choice
