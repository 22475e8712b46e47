import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.surveys.models import SEARCH_CONFIGS
from apps.themes.models import TERM_MAX_LENGTH, TERMS_MAX
from apps.themes.services import terms_clean

PERIOD_DAYS = (30, 90, 365)


def _last_days(days: int) -> str:
    return gettext("Last %(days)s days") % {"days": days}


_last_days_lazy = lazy(_last_days, str)  # the choices are made once, at import: translated when shown


class ThemeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    name_fi = forms.CharField(label=_("Name in Finnish"), max_length=80, required=False)
    name_sv = forms.CharField(label=_("Name in Swedish"), max_length=80, required=False)
    name_en = forms.CharField(label=_("Name in English"), max_length=80, required=False)
    terms = forms.CharField(
        label=_("Words and phrases"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "One per line. A word also matches its inflected forms and the words that begin with it "
            "(jono: jonossa, jonot, jonotusaika); a phrase matches its words in this order."
        ),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def clean_terms(self) -> list[str]:
        terms = terms_clean(self.cleaned_data["terms"].replace(",", "\n").splitlines())
        if not terms:
            raise forms.ValidationError(_("Give at least one word or phrase."))
        if len(terms) > TERMS_MAX:
            raise forms.ValidationError(_("At most %(count)s words and phrases.") % {"count": TERMS_MAX})
        for term in terms:
            if len(term) > TERM_MAX_LENGTH:
                raise forms.ValidationError(
                    _("“%(term)s” is too long: at most %(count)s characters.")
                    % {"term": term[:20], "count": TERM_MAX_LENGTH}
                )
            if not any(char.isalnum() for char in term):
                raise forms.ValidationError(_("“%(term)s” has no word in it.") % {"term": term})
        return terms


class PeriodForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Period"),
        coerce=int,
        required=False,
        empty_value=90,
        choices=[(days, _last_days_lazy(days)) for days in PERIOD_DAYS],
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("All languages")), *((code, code.upper()) for code in SEARCH_CONFIGS)],
    )

    def period(self) -> tuple[dt.datetime, dt.datetime]:
        days = self.cleaned_data.get("days") or 90 if self.is_valid() else 90
        until = timezone.now()
        return until - dt.timedelta(days=days), until
