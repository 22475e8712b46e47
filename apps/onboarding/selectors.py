"""Reads for getting a company started: the starter offer, what each template adds, and the onboarding checklist.

The checklist is on every start page of admins and managers until the company is set
up, so it is read in one query of EXISTS tests and, once everything is done, not at
all: the "complete" flag is cached under the company's own key (the cache's key
function puts the schema name in every key) and never cached as incomplete.
"""

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet

from apps.journeys.models import ServicePath, Touchpoint
from apps.onboarding.content import SURVEY_INTRO, SURVEY_QUESTIONS, SURVEY_THANK_YOU, SURVEY_TITLE, StarterTemplate
from apps.onboarding.models import StarterChoice
from apps.surveys.models import Response, TouchpointSurvey
from apps.surveys.wordings import question_default_text

# A week: an expired flag costs one query to set again.
COMPLETE_CACHE_SECONDS = 7 * 24 * 3600


def complete_cache_key() -> str:
    """The company's "set up" flag. The schema name is already in every key (the cache's key
    function); the company's id keeps a company recreated under the same schema name from
    inheriting its predecessor's flag."""
    return f"onboarding:complete:v1:{getattr(connection.tenant, 'pk', '')}"


@dataclass(frozen=True)
class CompanySetup:
    """What a new company has done so far."""

    has_path: bool
    has_touchpoint: bool
    has_unowned_touchpoint: bool
    has_follow_up_survey: bool
    has_answer: bool
    starter_decided: bool

    @property
    def owners_done(self) -> bool:
        return self.has_touchpoint and not self.has_unowned_touchpoint

    @property
    def complete(self) -> bool:
        return self.has_path and self.owners_done and self.has_follow_up_survey and self.has_answer

    @property
    def starter_offer_open(self) -> bool:
        """Offer the templates first-hand while the company is empty and nobody has answered the offer."""
        return not self.has_path and not self.starter_decided


def _exists_row(querysets: list[QuerySet]) -> tuple[bool, ...]:
    """EXISTS of each queryset, in one round trip."""
    parts, params = [], []
    for queryset in querysets:
        sql, query_params = queryset.values("pk")[:1].query.sql_with_params()
        parts.append(f"EXISTS({sql})")
        params.extend(query_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return tuple(bool(value) for value in cursor.fetchone())


def company_setup_get() -> CompanySetup:
    """The company's setup state, in one query."""
    in_use = Touchpoint.objects.filter(stage__path__archived_at__isnull=True)
    values = _exists_row(
        [
            ServicePath.objects.filter(archived_at__isnull=True),
            in_use,
            in_use.filter(owner__isnull=True),
            TouchpointSurvey.objects.filter(survey__is_active=True, touchpoint__stage__path__archived_at__isnull=True),
            Response.objects.all(),
            StarterChoice.objects.filter(decided_at__isnull=False),
        ]
    )
    return CompanySetup(*values)


def onboarding_setup_pending() -> CompanySetup | None:
    """The setup state while the company is not set up; None (and no query) once it is."""
    if cache.get(complete_cache_key()):
        return None
    setup = company_setup_get()
    if setup.complete:
        cache.set(complete_cache_key(), True, timeout=COMPLETE_CACHE_SECONDS)
        return None
    return setup


def starter_choice_get() -> StarterChoice | None:
    return StarterChoice.objects.select_related("decided_by").filter(singleton=True).first()


def starter_template_preview(*, template: StarterTemplate, language: str, company_name: str) -> dict[str, Any]:
    """What taking `template` adds, in `language`: the path with its stages and touchpoints, the
    follow-up survey and the personas. For the preview page and the API alike."""
    return {
        "key": template.key,
        "label": template.label(language),
        "summary": template.summary(language),
        "stage_count": len(template.stages),
        "touchpoint_count": template.touchpoint_count,
        "persona_count": len(template.personas),
        "path": {
            "name": template.path_name(language),
            "description": template.path_description(language),
            "stages": [
                {
                    "name": stage.name(language),
                    "touchpoints": [
                        {
                            "name": seed.name(language),
                            "channel": seed.channel,
                            "intended": seed.intended(language),
                            "peak": seed.peak,
                            "end": seed.end,
                            "follow_up": seed.follow_up,
                        }
                        for seed in stage.touchpoints
                    ],
                }
                for stage in template.stages
            ],
        },
        "survey": {
            "title": SURVEY_TITLE(language),
            "intro": SURVEY_INTRO(language),
            "thank_you": SURVEY_THANK_YOU(language),
            "questions": [
                seed.text(language)
                if seed.text
                else question_default_text(seed.type, language, company_name=company_name)
                for seed in SURVEY_QUESTIONS
            ],
        },
        "personas": [
            {"name": seed.name(language), "description": seed.description(language)} for seed in template.personas
        ],
    }
