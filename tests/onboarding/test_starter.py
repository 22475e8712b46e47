"""Starter content: each industry template taken once, in the company's language, skip, pages per role and company."""

from typing import Any

import pytest
from django.urls import reverse
from django_tenants.utils import schema_context

from apps.audit.models import AuditLogEntry
from apps.core.exceptions import DomainError
from apps.journeys.models import ServicePath, Stage, Touchpoint
from apps.onboarding.content import STARTER_TEMPLATES
from apps.onboarding.models import StarterChoice
from apps.onboarding.services import starter_offer_skip, starter_template_take
from apps.personas.models import BuyerPersona
from apps.surveys.models import Question, Survey, TouchpointSurvey

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "paths": ServicePath.objects.count(),
        "stages": Stage.objects.count(),
        "touchpoints": Touchpoint.objects.count(),
        "surveys": Survey.objects.count(),
        "questions": Question.objects.count(),
        "rules": TouchpointSurvey.objects.count(),
        "personas": BuyerPersona.objects.count(),
    }


@pytest.mark.parametrize("key", list(STARTER_TEMPLATES))
def test_each_template_creates_its_content_once(key: str, company_admin: Any) -> None:
    template = STARTER_TEMPLATES[key]
    before = _counts()
    choice, written = starter_template_take(
        template_key=key, acting_user=company_admin, company_name="Alpha Oy", language="fi"
    )
    assert written and choice.template == key and choice.decided_by == company_admin
    after = _counts()
    follow_ups = sum(seed.follow_up for stage in template.stages for seed in stage.touchpoints)
    assert {name: after[name] - before[name] for name in after} == {
        "paths": 1,
        "stages": len(template.stages),
        "touchpoints": template.touchpoint_count,
        "surveys": 1,
        "questions": 4,
        "rules": follow_ups,
        "personas": len(template.personas),
    }
    path = ServicePath.objects.get(name=template.path_name.fi)
    touchpoints = Touchpoint.objects.filter(stage__path=path)
    assert not touchpoints.filter(owner__isnull=False).exists()
    assert not touchpoints.filter(backup_owner__isnull=False).exists()
    assert touchpoints.filter(is_end=True).count() == 1
    assert [stage.name for stage in path.stages.order_by("position")] == [stage.name.fi for stage in template.stages]
    survey = Survey.objects.latest("pk")
    assert survey.title_fi and survey.title_en and survey.intro_fi and survey.intro_en
    # Swedish always, whatever the company's language: Swedish-speaking customers get a Swedish survey.
    assert (survey.title_sv, survey.intro_sv, survey.thank_you_sv) == (
        "Hur lyckades vi?",
        "Tack för ditt besök. Det tar mindre än en minut att svara, och vi läser varje svar.",
        "Ditt svar hjälper oss att göra servicen bättre.",
    )
    questions = list(survey.questions.order_by("position"))
    assert [question.type for question in questions] == ["nps", "yesno", "text", "text"]
    assert all(question.text_fi and question.text_en for question in questions)
    assert "Alpha Oy" in questions[0].text_fi and "Alpha Oy" in questions[0].text_en
    assert set(TouchpointSurvey.objects.filter(survey=survey).values_list("touchpoint__stage__path", flat=True)) == {
        path.pk
    }
    for seed in template.personas:
        assert BuyerPersona.objects.filter(name=seed.name.fi).exists()

    # Taking it again, or another template, adds nothing.
    for again in (key, next(other for other in STARTER_TEMPLATES if other != key)):
        choice, written = starter_template_take(
            template_key=again, acting_user=company_admin, company_name="Alpha Oy", language="fi"
        )
        assert not written and choice.template == key
    assert _counts() == after


def test_template_in_english_for_an_english_company(company_admin: Any) -> None:
    template = STARTER_TEMPLATES["clinic"]
    starter_template_take(template_key="clinic", acting_user=company_admin, company_name="Alpha Oy", language="en")
    path = ServicePath.objects.get(name=template.path_name.en)
    assert path.description == template.path_description.en
    assert Touchpoint.objects.filter(stage__path=path, name=template.stages[0].touchpoints[0].name.en).exists()
    assert BuyerPersona.objects.filter(name=template.personas[0].name.en).exists()


@pytest.mark.parametrize("key", list(STARTER_TEMPLATES))
def test_template_in_swedish_for_a_swedish_company(key: str, company_admin: Any) -> None:
    template = STARTER_TEMPLATES[key]
    starter_template_take(template_key=key, acting_user=company_admin, company_name="Alpha Ab", language="sv")
    path = ServicePath.objects.get(name=template.path_name.sv)
    assert path.description == template.path_description.sv
    assert [stage.name for stage in path.stages.order_by("position")] == [stage.name.sv for stage in template.stages]
    written = set(Touchpoint.objects.filter(stage__path=path).values_list("name", "intended_experience"))
    assert written == {(seed.name.sv, seed.intended.sv) for stage in template.stages for seed in stage.touchpoints}
    for seed in template.personas:
        persona = BuyerPersona.objects.get(name=seed.name.sv)
        assert (persona.description, persona.needs, persona.pains) == (
            seed.description.sv,
            seed.needs.sv,
            seed.pains.sv,
        )
    assert Survey.objects.get().name == "Responsenkät efter besöket"


def test_every_template_text_is_written_in_swedish() -> None:
    from dataclasses import fields, is_dataclass

    from apps.onboarding.content import Text

    def texts(value: Any) -> list[Text]:
        if isinstance(value, Text):
            return [value]
        if isinstance(value, tuple):
            return [text for item in value for text in texts(item)]
        if is_dataclass(value):
            return [text for field in fields(value) for text in texts(getattr(value, field.name))]
        return []

    every = [text for template in STARTER_TEMPLATES.values() for text in texts(template)]
    assert len(every) > 100
    assert all(text.sv.strip() and text.sv not in (text.fi, text.en) for text in every if text.en != "Till")
    assert STARTER_TEMPLATES["vehicle_inspection"].label.sv == "Besiktning"


def test_the_preview_reads_in_swedish(client_for: Any, company_admin: Any) -> None:
    from django.conf import settings

    client = client_for(company_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    page = client.get("/company/starter/vehicle_inspection/").content.decode()
    assert "Besiktningsteknikern förklarar anmärkningarna" in page and "Hur lyckades vi?" in page


def test_a_persona_of_the_same_name_is_kept_not_duplicated(company_admin: Any) -> None:
    from apps.personas.services import persona_create

    template = STARTER_TEMPLATES["retail_store"]
    persona_create(name=template.personas[0].name.fi.upper())
    starter_template_take(template_key="retail_store", acting_user=company_admin, company_name="A", language="fi")
    assert BuyerPersona.objects.filter(name__iexact=template.personas[0].name.fi).count() == 1
    assert BuyerPersona.objects.filter(name=template.personas[1].name.fi).exists()


def test_unknown_template_is_refused_and_writes_nothing(company_admin: Any) -> None:
    before = _counts()
    with pytest.raises(DomainError):
        starter_template_take(template_key="bakery", acting_user=company_admin, company_name="A", language="fi")
    assert _counts() == before
    assert not StarterChoice.objects.filter(decided_at__isnull=False).exists()


def test_skip_then_take_still_possible(company_admin: Any) -> None:
    choice = starter_offer_skip(acting_user=company_admin)
    assert choice.is_decided and not choice.is_taken
    assert starter_offer_skip(acting_user=company_admin).decided_at == choice.decided_at
    assert _counts()["paths"] == 0
    choice, written = starter_template_take(
        template_key="b2b_services", acting_user=company_admin, company_name="A", language="fi"
    )
    assert written and choice.template == "b2b_services"
    # Skipping after taking changes nothing.
    assert starter_offer_skip(acting_user=company_admin).template == "b2b_services"
    entries = AuditLogEntry.objects.filter(target_type__icontains="starter")
    assert entries.count() == 2
    assert all(entry.acting_user_id == company_admin.pk for entry in entries)


def test_pages_for_the_company_admin(client_for: Any, company_admin: Any) -> None:
    client = client_for(company_admin)
    page = client.get(reverse("onboarding:template_list"))
    assert page.status_code == 200
    for template in STARTER_TEMPLATES.values():
        assert template.label.fi in page.content.decode()
    client.cookies["django_language"] = "en"
    page = client.get(reverse("onboarding:template_list"))
    for template in STARTER_TEMPLATES.values():
        assert template.label.en in page.content.decode()
    preview = client.get(reverse("onboarding:template_detail", args=["clinic"]))
    assert preview.status_code == 200
    assert STARTER_TEMPLATES["clinic"].stages[2].touchpoints[0].name.en in preview.content.decode()
    assert client.get(reverse("onboarding:template_detail", args=["bakery"])).status_code == 404

    response = client.post(reverse("onboarding:template_take", args=["clinic"]))
    assert response.status_code == 302 and response["Location"] == reverse("journeys:ownership")
    again = client.post(reverse("onboarding:template_take", args=["clinic"]))
    assert again.status_code == 302 and again["Location"] == reverse("onboarding:template_list")
    assert ServicePath.objects.filter(name=STARTER_TEMPLATES["clinic"].path_name.fi).count() == 1
    assert client.post(reverse("onboarding:template_take", args=["bakery"])).status_code == 302
    assert client.get(reverse("onboarding:template_take", args=["clinic"])).status_code == 405


def test_skip_page(client_for: Any, company_admin: Any) -> None:
    response = client_for(company_admin).post(reverse("onboarding:offer_skip"))
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    assert StarterChoice.objects.get().is_decided


@pytest.mark.parametrize("role", ["manager", "frontline"])
def test_only_the_company_admin_takes_templates(role: str, request: Any, client_for: Any) -> None:
    client = client_for(request.getfixturevalue(role))
    assert client.get(reverse("onboarding:template_list")).status_code == 403
    assert client.post(reverse("onboarding:template_take", args=["clinic"])).status_code == 403
    assert client.post(reverse("onboarding:offer_skip")).status_code == 403
    assert _counts()["paths"] == 0
    assert not StarterChoice.objects.exists()


def test_taking_in_one_company_leaves_the_other_empty(client_for: Any, outsider: Any, tenant_beta: Any) -> None:
    client_for(outsider).post(reverse("onboarding:template_take", args=["retail_store"]))
    assert _counts()["paths"] == 0 and not StarterChoice.objects.exists()
    with schema_context(tenant_beta.schema_name):
        assert ServicePath.objects.filter(name=STARTER_TEMPLATES["retail_store"].path_name.fi).count() == 1
        assert StarterChoice.objects.get().template == "retail_store"


def test_the_audit_log_reads_the_choice(client_for: Any, company_admin: Any) -> None:
    starter_template_take(template_key="clinic", acting_user=company_admin, company_name="A", language="fi")
    client = client_for(company_admin)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("audit:log"))
    assert page.status_code == 200
    assert "Template: \N{EN DASH} → clinic" in page.content.decode()


def test_the_starter_survey_asks_detractors_why(company_admin: Any) -> None:
    starter_template_take(template_key="clinic", acting_user=company_admin, company_name="Alpha Oy", language="fi")
    survey = Survey.objects.get()
    follow_up = survey.questions.get(position=3)
    assert (follow_up.show_if_question.type, follow_up.show_if_group) == ("nps", "detractors")
    assert follow_up.text_sv == "Vad var du missnöjd med? Berätta med egna ord."
    assert survey.questions.get(position=2).type == "yesno"
