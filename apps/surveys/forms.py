from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.customers.models import Language
from apps.customers.selectors import segment_list
from apps.personas.selectors import persona_list
from apps.surveys.models import InvitationChannel, InvitationStatus, QuestionType, Survey, SurveySettings
from apps.surveys.selectors import EXPIRED
from apps.surveys.services import AUDIENCE_KEYS, MAX_REPEAT_MONTHS, QuestionInput


class SurveyForm(forms.Form):
    """The survey's own texts; its questions come in QuestionFormSet on the same page."""

    name = forms.CharField(
        label=_("Internal name"), max_length=200, help_text=_("Shown to your team only, e.g. “After inspection”.")
    )
    title_fi = forms.CharField(label=_("Title (Finnish)"), max_length=200)
    title_sv = forms.CharField(
        label=_("Title (Swedish)"),
        max_length=200,
        required=False,
        help_text=_("Empty: Swedish speakers see the survey in the company's language."),
    )
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    intro_fi = forms.CharField(
        label=_("Introduction (Finnish)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    intro_sv = forms.CharField(
        label=_("Introduction (Swedish)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    intro_en = forms.CharField(
        label=_("Introduction (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    thank_you_fi = forms.CharField(
        label=_("Thank-you text (Finnish)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    thank_you_sv = forms.CharField(
        label=_("Thank-you text (Swedish)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    thank_you_en = forms.CharField(
        label=_("Thank-you text (English)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    channel = forms.ChoiceField(
        label=_("Send invitations by"),
        required=False,
        choices=[("", _("The company's choice (survey settings)")), *InvitationChannel.choices],
        help_text=_("Invitations after an encounter go this way. A send-out may choose otherwise."),
    )

    @classmethod
    def for_survey(cls, survey: Survey, **kwargs: Any) -> "SurveyForm":
        return cls(initial={name: getattr(survey, name) for name in cls.base_fields}, **kwargs)


class QuestionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    type = forms.ChoiceField(label=_("Type"), choices=QuestionType.choices)
    text_fi = forms.CharField(
        label=_("Question (Finnish)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Empty: the standard wording of the type."),
    )
    text_sv = forms.CharField(
        label=_("Question (Swedish)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Empty: the standard wording, or your own question in the company's language."),
    )
    text_en = forms.CharField(
        label=_("Question (English)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Empty: the standard wording of the type."),
    )
    required = forms.BooleanField(label=_("Answer required"), required=False, initial=True)

    def as_input(self) -> QuestionInput:
        data = self.cleaned_data
        return QuestionInput(
            id=data.get("id"),
            type=data["type"],
            text_fi=data.get("text_fi", ""),
            text_sv=data.get("text_sv", ""),
            text_en=data.get("text_en", ""),
            required=data.get("required", False),
        )


class _QuestionFormSetBase(forms.BaseFormSet):
    def question_inputs(self) -> list[QuestionInput]:
        """The questions in the order chosen, without the removed ones and untouched blank rows."""
        rows = []
        for form in self.ordered_forms if self.can_order else self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            if not form.has_changed() and not form.cleaned_data.get("id"):
                continue
            rows.append(form.as_input())
        return rows


QuestionFormSet = forms.formset_factory(
    QuestionForm, formset=_QuestionFormSetBase, extra=0, can_order=True, can_delete=True, max_num=30
)


class SurveySettingsForm(forms.ModelForm):
    class Meta:
        model = SurveySettings
        fields = [
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
        ]
        widgets = {
            "quiet_hours_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_hours_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {
            "default_delay_minutes": _("Used when a touchpoint does not set its own delay. 120 = two hours."),
            "quiet_hours_start": _("No survey email is sent between the start and the end, in the company's time."),
            "quiet_hours_end": _("Same start and end: no quiet hours."),
            "frequency_cap_days": _("A customer surveyed in this time gets no new survey. 0 = no limit."),
            "reminder_after_days": _("One reminder to those who have not answered. Must be before the link expires."),
            "link_valid_days": _("From 1 to 180 days after the email is sent."),
            "nps_poor_max": _("0-10. The standard: 0-6 are detractors."),
            "csat_poor_max": _("1-5."),
            "ces_poor_max": _("1-7."),
            "case_due_working_days": _("Weekends and Finnish public holidays are not counted."),
            "case_escalate_after_working_days": _(
                "A late case reminds its assignee at once; this many working days later it goes to their manager."
            ),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        reminder, valid = data.get("reminder_after_days"), data.get("link_valid_days")
        if reminder and valid and reminder >= valid:
            self.add_error("reminder_after_days", _("The reminder must go out before the link expires."))
        return data


class AudienceForm(forms.Form):
    """The filters of a send-out's customer list (the same as on the customer list)."""

    segment = forms.TypedChoiceField(label=_("Segment"), required=False, coerce=int, empty_value=None)
    persona = forms.TypedChoiceField(label=_("Persona"), required=False, coerce=int, empty_value=None)
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Any language")), *Language.choices]
    )
    search = forms.CharField(label=_("Name, email or phone contains"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = [("", _("All segments"))] + [(s.pk, s.name) for s in segment_list()]
        self.fields["persona"].choices = [("", _("All personas"))] + [(p.pk, p.name) for p in persona_list()]

    def audience(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {key: data[key] for key in AUDIENCE_KEYS if data.get(key) not in (None, "")}


class When:
    NOW = "now"
    AT = "at"
    RECURRING = "recurring"


WHEN_CHOICES = [
    (When.NOW, _("Once, now")),
    (When.AT, _("Once, at a date and time")),
    (When.RECURRING, _("Recurring, every N months")),
]


class CampaignForm(AudienceForm):
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("For example “Relationship NPS, quarterly”."))
    survey = forms.ModelChoiceField(label=_("Survey"), queryset=Survey.objects.none())
    when = forms.ChoiceField(label=_("When"), choices=WHEN_CHOICES, widget=forms.RadioSelect, initial=When.NOW)
    send_at = forms.DateTimeField(
        label=_("Date and time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In the company's time zone. For a recurring send-out: the first send."),
    )
    channel = forms.ChoiceField(
        label=_("Send by"),
        required=False,
        choices=[("", _("The survey's choice, else the company's")), *InvitationChannel.choices],
    )
    repeat_every_months = forms.IntegerField(
        label=_("Repeat every (months)"),
        required=False,
        min_value=1,
        max_value=MAX_REPEAT_MONTHS,
        help_text=_("3 = quarterly, 12 = yearly."),
    )

    field_order = ["name", "survey", "segment", "persona", "language", "search", "channel", "when", "send_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["survey"].queryset = Survey.objects.filter(is_active=True).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        when = data.get("when")
        if when in (When.AT,) and not data.get("send_at"):
            self.add_error("send_at", _("Choose the date and time."))
        if when == When.RECURRING and not data.get("repeat_every_months"):
            self.add_error("repeat_every_months", _("How many months between the sends?"))
        if when == When.NOW:
            data["send_at"] = None
        if when != When.RECURRING:
            data["repeat_every_months"] = None
        return data


class InvitationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any status")),
            (InvitationStatus.SCHEDULED, InvitationStatus.SCHEDULED.label),
            (InvitationStatus.SENT, _("Awaiting answer")),
            (EXPIRED, _("Expired unanswered")),
            (InvitationStatus.ANSWERED, InvitationStatus.ANSWERED.label),
            (InvitationStatus.SUPPRESSED, InvitationStatus.SUPPRESSED.label),
            (InvitationStatus.FAILED, InvitationStatus.FAILED.label),
        ],
    )
    survey = forms.TypedChoiceField(label=_("Survey"), required=False, coerce=int, empty_value=None)
    q = forms.CharField(label=_("Customer"), required=False, max_length=200)
    campaign = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        surveys = Survey.objects.order_by("name").values_list("pk", "name")
        self.fields["survey"].choices = [("", _("All surveys")), *surveys]
