from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.selectors import user_list
from apps.cases.models import CaseStatus
from apps.cases.timeliness import Timeliness


class CaseNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)


class CaseResolveForm(forms.Form):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class CaseReassignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=user_list(include_inactive=False))


UNRESOLVED = "active"
ALL = "all"
# static/js/shell.js sends the form as soon as one of these changes; the Filter button works without JavaScript.
AUTOSUBMIT = {"data-autosubmit": ""}


class CaseFilterForm(forms.Form):
    """The case list's filters; the words are apps.cases.timeliness's."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(UNRESOLVED, _("Unresolved (open and contacted)")), *CaseStatus.choices, (ALL, _("All"))],
        widget=forms.Select(attrs=AUTOSUBMIT),
    )
    timeliness = forms.ChoiceField(
        label=_("Timeliness"),
        required=False,
        choices=[("", _("Any")), *Timeliness.choices],
        widget=forms.Select(attrs=AUTOSUBMIT),
    )
    mine = forms.BooleanField(label=_("Only mine"), required=False, widget=forms.CheckboxInput(attrs=AUTOSUBMIT))

    def selector_filters(self) -> dict[str, object]:
        """case_list's arguments; an unknown value falls back to the default view rather than an error."""
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or UNRESOLVED
        return {
            "status": None if status in (UNRESOLVED, ALL) else status,
            "unresolved": status == UNRESOLVED,
            "timeliness": data.get("timeliness") or None,
            "mine": bool(data.get("mine")),
        }
