import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.customers.models import Language
from apps.customers.selectors import segment_list
from apps.personas.selectors import persona_list
from apps.surveys.branching import group_fits
from apps.surveys.models import (
    CHOICE_TYPES,
    CONDITION_TYPES,
    InvitationChannel,
    InvitationStatus,
    QuestionType,
    ShowIfGroup,
    Survey,
    SurveySettings,
)
from apps.surveys.selectors import EXPIRED
from apps.surveys.services import (
    AUDIENCE_KEYS,
    MAX_OPTIONS,
    MAX_QUESTIONS,
    MAX_REPEAT_MONTHS,
    OptionInput,
    QuestionInput,
)

PIPING_HELP = _(
    "You can show the customer their own answers: {answer:2} is replaced by the answer to question 2 (the score, "
    "yes or no, or the options chosen, in the customer's language). A follow-up question may use it too: "
    "“Why did you give {answer:1}?”. A number that is no question of the survey shows in the preview only."
)


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
        label=_("Thank-you text (Finnish)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=PIPING_HELP,
    )
    thank_you_sv = forms.CharField(
        label=_("Thank-you text (Swedish)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=PIPING_HELP,
    )
    thank_you_en = forms.CharField(
        label=_("Thank-you text (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=PIPING_HELP,
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
    show_if_position = forms.IntegerField(
        label=_("Show only when question no."),
        required=False,
        min_value=1,
        max_value=MAX_QUESTIONS,
        help_text=_("A follow-up: the number of an earlier NPS, CSAT, CES or yes/no question. Empty: always shown."),
    )
    show_if_group = forms.ChoiceField(
        label=_("was answered in"), required=False, choices=[("", _("Always shown")), *ShowIfGroup.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Option rows: at least OPTION_ROWS, and room for every option the question has or the page posted.
        mine = [*self.initial, *(key for key in (self.data or {}) if key.startswith(f"{self.prefix}-"))]
        used = [int(match.group(1)) for key in mine if (match := _OPTION_KEY.search(key))]
        self.option_rows = min(MAX_OPTIONS, max(OPTION_ROWS, max(used, default=-1) + 3))
        for row in range(self.option_rows):
            self.fields[f"option_{row}_id"] = forms.IntegerField(required=False, widget=forms.HiddenInput)
            for language, label in (("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))):
                self.fields[f"option_{row}_{language}"] = forms.CharField(label=label, required=False, max_length=200)
            self.fields[f"option_{row}_hidden"] = forms.BooleanField(label=_("Hidden"), required=False)

    def option_fields(self) -> list[dict[str, Any]]:
        """The option rows for the template."""
        return [
            {
                "id": self[f"option_{row}_id"],
                "labels": [self[f"option_{row}_{language}"] for language in ("fi", "sv", "en")],
                "hidden": self[f"option_{row}_hidden"],
            }
            for row in range(self.option_rows)
        ]

    def _options(self) -> list[OptionInput]:
        data = self.cleaned_data
        options = []
        for row in range(self.option_rows):
            labels = {language: (data.get(f"option_{row}_{language}") or "").strip() for language in ("fi", "sv", "en")}
            if not any(labels.values()):
                # A row emptied of its labels removes its option (refused when it has answers).
                continue
            options.append(
                OptionInput(
                    id=data.get(f"option_{row}_id"),
                    label_fi=labels["fi"],
                    label_sv=labels["sv"],
                    label_en=labels["en"],
                    is_hidden=bool(data.get(f"option_{row}_hidden")),
                )
            )
        return options

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("type") in CHOICE_TYPES:
            for row in range(self.option_rows):
                labels = [(data.get(f"option_{row}_{language}") or "").strip() for language in ("fi", "sv", "en")]
                if any(labels):
                    if not labels[0]:
                        self.add_error(f"option_{row}_fi", _("Write the option in Finnish."))
                    if not labels[2]:
                        self.add_error(f"option_{row}_en", _("Write the option in English."))
            if not self.errors and sum(not option.is_hidden for option in self._options()) < 2:
                self.add_error(None, _("A choice question needs at least two options shown."))
        if data.get("show_if_position") and not data.get("show_if_group"):
            self.add_error("show_if_group", _("Choose the answers that show this question."))
        if data.get("show_if_group") and not data.get("show_if_position"):
            self.add_error("show_if_position", _("Give the number of the earlier question."))
        return data

    def as_input(self) -> QuestionInput:
        data = self.cleaned_data
        return QuestionInput(
            id=data.get("id"),
            type=data["type"],
            text_fi=data.get("text_fi", ""),
            text_sv=data.get("text_sv", ""),
            text_en=data.get("text_en", ""),
            required=data.get("required", False),
            options=tuple(self._options()) if data["type"] in CHOICE_TYPES else (),
            show_if_position=data.get("show_if_position"),
            show_if_group=data.get("show_if_group") or "",
        )


_OPTION_KEY = re.compile(r"option_(\d+)_")
# The empty option rows a question shows in the builder.
OPTION_ROWS = 5


class _QuestionFormSetBase(forms.BaseFormSet):
    def _kept_forms(self) -> list[forms.Form]:
        """The valid rows in the order chosen, without the removed ones and untouched blank rows."""
        forms_ = [form for form in self.forms if form.is_valid()]
        if self.can_order:
            forms_.sort(key=lambda form: (form.cleaned_data.get("ORDER") is None, form.cleaned_data.get("ORDER") or 0))
        return [
            form
            for form in forms_
            if not (self.can_delete and self._should_delete_form(form))
            and (form.has_changed() or form.cleaned_data.get("id"))
        ]

    def clean(self) -> None:
        """A follow-up names an earlier question of a type with groups, and one of its groups."""
        kept = self._kept_forms()
        for number, form in enumerate(kept, start=1):
            position, group = form.cleaned_data.get("show_if_position"), form.cleaned_data.get("show_if_group")
            if not position or not group:
                continue
            if position >= number or position > len(kept):
                form.add_error("show_if_position", _("Give the number of an earlier question."))
                continue
            target_type = kept[position - 1].cleaned_data["type"]
            if target_type not in CONDITION_TYPES:
                form.add_error("show_if_position", _("A follow-up can depend on an NPS, CSAT, CES or yes/no question."))
            elif not group_fits(question_type=target_type, group=group):
                form.add_error("show_if_group", _("Choose a group of that question's answers."))

    def question_inputs(self) -> list[QuestionInput]:
        """The questions in the order chosen, without the removed ones and untouched blank rows."""
        return [form.as_input() for form in self._kept_forms()]


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
