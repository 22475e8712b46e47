import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CompanySettingsForm(forms.Form):
    name = forms.CharField(label=_("Company name"), max_length=200)
    language = forms.ChoiceField(
        label=_("Default language"),
        choices=settings.LANGUAGES,
        help_text=_("For users who have not chosen a language themselves, and for the login page."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=[(zone, zone) for zone in sorted(zoneinfo.available_timezones())],
        help_text=_(
            "Dates and times are shown in this zone, and scores are counted per day in it; "
            "after a change the scores are recounted in the background within minutes."
        ),
    )
