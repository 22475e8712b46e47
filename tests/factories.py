"""factory_boy factories for plain rows. They write to the schema the ORM currently points at (alpha in tests).

A factory writes one valid row and the rows it needs (SubFactory), with unique values from a
Sequence; it runs no domain rule. Where a rule is what the test is about (an answer that opens a
case, a consent that goes into the ledger, a path edited in the UI), go through the service:
`customer_create`, `encounter_log`, `response_submit`, `tests.journeys.factories.map_build`, ...
"""

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from apps.accounts.models import Role, Team, User
from apps.cases.models import CaseStatus, FollowUpCase
from apps.cases.reasons import ReasonCode
from apps.customers.models import Customer, CustomerImport, ImportStatus, Language, Segment
from apps.encounters.models import Encounter, Outcome
from apps.journeys.models import Channel, ServicePath, Stage, Touchpoint
from apps.outbox.models import OutboundEmail, OutboundStatus
from apps.personas.models import BuyerPersona
from apps.surveys.models import (
    Answer,
    Campaign,
    EmailKind,
    Invitation,
    InvitationEmail,
    InvitationStatus,
    Question,
    QuestionType,
    Response,
    Survey,
    TouchpointSurvey,
)
from apps.surveys.tokens import token_for, token_hash, token_nonce_new
from tests.conftest import PASSWORD

# A score in the middle of each scale, so that an answer made without one is neither poor nor perfect.
_SCORE_DEFAULTS = {QuestionType.NPS: 8, QuestionType.CSAT: 4, QuestionType.CES: 5}
# How long a survey link stays valid, as the company default (SurveySettings.link_valid_days).
_LINK_VALID = dt.timedelta(days=14)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Tiimi {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person-{n}@example.test")
    full_name = factory.Faker("name", locale="fi_FI")
    role = Role.FRONTLINE
    is_active = True

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: Any) -> None:
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class AdminFactory(UserFactory):
    role = Role.ADMIN


class ManagerFactory(UserFactory):
    role = Role.MANAGER


class ServicePathFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServicePath

    name = factory.Sequence(lambda n: f"Palvelupolku {n}")


class StageFactory(factory.django.DjangoModelFactory):
    """A stage at the end of its path (positions are dense from 0)."""

    class Meta:
        model = Stage

    path = factory.SubFactory(ServicePathFactory)
    name = factory.Sequence(lambda n: f"Vaihe {n}")
    position = factory.LazyAttribute(lambda stage: stage.path.stages.count())


class TouchpointFactory(factory.django.DjangoModelFactory):
    """A touchpoint at the end of its stage, with no owner."""

    class Meta:
        model = Touchpoint

    stage = factory.SubFactory(StageFactory)
    name = factory.Sequence(lambda n: f"Kontaktipiste {n}")
    channel = Channel.WEB
    position = factory.LazyAttribute(lambda touchpoint: touchpoint.stage.touchpoints.count())


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Segment

    name = factory.Sequence(lambda n: f"Segmentti {n}")


class PersonaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BuyerPersona

    name = factory.Sequence(lambda n: f"Persoona {n}")


class CustomerFactory(factory.django.DjangoModelFactory):
    """A customer without consent to surveys: a consent belongs in the ledger, so give it with
    `customer_create(survey_consent=True, ...)` or `customer_consent_record`."""

    class Meta:
        model = Customer

    full_name = factory.Faker("name", locale="fi_FI")
    email = factory.Sequence(lambda n: f"asiakas-{n}@example.fi")
    language = Language.FI


class CustomerImportFactory(factory.django.DjangoModelFactory):
    """An uploaded file checked and waiting for confirmation."""

    class Meta:
        model = CustomerImport

    file_name = factory.Sequence(lambda n: f"asiakkaat-{n}.csv")
    content = b"name,email\nAino Asiakas,aino@example.fi\n"
    status = ImportStatus.VALIDATED


class EncounterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Encounter

    customer = factory.SubFactory(CustomerFactory)
    touchpoint = factory.SubFactory(TouchpointFactory)
    occurred_at = factory.LazyFunction(timezone.now)
    outcome = Outcome.RESOLVED


class SurveyFactory(factory.django.DjangoModelFactory):
    """A survey without questions; add them with QuestionFactory(survey=...)."""

    class Meta:
        model = Survey

    name = factory.Sequence(lambda n: f"Kysely {n}")
    title_fi = "Miten asiointi sujui?"
    title_en = "How did it go?"


class QuestionFactory(factory.django.DjangoModelFactory):
    """A question at the end of its survey (positions from 1), NPS unless told otherwise."""

    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    position = factory.LazyAttribute(lambda question: question.survey.questions.count() + 1)
    type = QuestionType.NPS
    text_fi = "Kuinka todennäköisesti suosittelisit meitä ystävällesi tai kollegallesi?"
    text_en = "How likely are you to recommend us to a friend or colleague?"


class TouchpointSurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TouchpointSurvey

    touchpoint = factory.SubFactory(TouchpointFactory)
    survey = factory.SubFactory(SurveyFactory)
    delay_minutes = 120


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Kyselykierros {n}")
    survey = factory.SubFactory(SurveyFactory)
    created_by = factory.SubFactory(ManagerFactory)


class InvitationFactory(factory.django.DjangoModelFactory):
    """An invitation already sent (now, unless `sent_at` says otherwise), its link valid for two weeks.

    Its touchpoint is the encounter's; the link token is `token_for(invitation.token_nonce)`.
    """

    class Meta:
        model = Invitation

    survey = factory.SubFactory(SurveyFactory)
    customer = factory.SubFactory(CustomerFactory)
    encounter = None
    touchpoint = factory.LazyAttribute(
        lambda invitation: invitation.encounter.touchpoint if invitation.encounter else None
    )
    status = InvitationStatus.SENT
    token_nonce = factory.LazyFunction(token_nonce_new)
    token_hash = factory.LazyAttribute(lambda invitation: token_hash(token_for(invitation.token_nonce)))
    sent_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda invitation: invitation.sent_at + _LINK_VALID)


class InvitationEmailFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvitationEmail

    invitation = factory.SubFactory(InvitationFactory)
    kind = EmailKind.INITIAL
    due_at = factory.LazyFunction(timezone.now)


class ResponseFactory(factory.django.DjangoModelFactory):
    """A response to an invitation, which it marks answered; its survey, customer, encounter and
    place come from the invitation, as the survey page records them. No answers: add them with
    AnswerFactory(response=...). A poor answer opens no case here (that is response_submit's)."""

    class Meta:
        model = Response
        skip_postgeneration_save = True

    invitation = factory.SubFactory(InvitationFactory)
    survey = factory.SelfAttribute("invitation.survey")
    customer = factory.SelfAttribute("invitation.customer")
    encounter = factory.SelfAttribute("invitation.encounter")
    touchpoint = factory.SelfAttribute("invitation.touchpoint")
    path = factory.LazyAttribute(lambda response: response.touchpoint.stage.path if response.touchpoint else None)
    language = factory.SelfAttribute("invitation.language")
    submitted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def invitation_answered(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        Invitation.objects.filter(pk=self.invitation_id).update(
            status=InvitationStatus.ANSWERED, answered_at=self.submitted_at
        )
        self.invitation.status, self.invitation.answered_at = InvitationStatus.ANSWERED, self.submitted_at


class AnswerFactory(factory.django.DjangoModelFactory):
    """An answer to one of the response's survey's questions; a mid-scale score unless told otherwise."""

    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(QuestionFactory, survey=factory.SelfAttribute("..response.survey"))
    type = factory.SelfAttribute("question.type")
    score = factory.LazyAttribute(lambda answer: _SCORE_DEFAULTS.get(answer.type))


class FollowUpCaseFactory(factory.django.DjangoModelFactory):
    """An open case written by staff, due in two days; `poor_answer=True` for one opened by a poor
    NPS answer (the row only: no answer, no notice to the assignee, see case_open for those)."""

    class Meta:
        model = FollowUpCase

    class Params:
        poor_answer = factory.Trait(
            reason_code=ReasonCode.POOR_ANSWER, reason_scores=[{"measure": "nps", "score": 3}], reason_text=""
        )

    customer = factory.SubFactory(CustomerFactory)
    touchpoint = factory.SubFactory(TouchpointFactory)
    status = CaseStatus.OPEN
    reason_code = ReasonCode.STAFF
    reason_text = "Soita asiakkaalle"
    due_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=2))


class OutboundEmailFactory(factory.django.DjangoModelFactory):
    """A queued email, due now."""

    class Meta:
        model = OutboundEmail

    kind = "case_assigned"
    status = OutboundStatus.QUEUED
    recipient = factory.Sequence(lambda n: f"vastaanottaja-{n}@example.fi")
    from_email = "Kokemus <no-reply@example.fi>"
    subject = "Uusi seurantatapaus"
    body_text = "Sinulle on annettu uusi seurantatapaus."
    message_id = factory.Sequence(lambda n: f"<factory-{n}@kokemus.test>")
    due_at = factory.LazyFunction(timezone.now)
