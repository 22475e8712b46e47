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


class CompanyBrandingForm(forms.Form):
    """Checked in full by the services (apps/tenants/services.py); here only the shape of the input."""

    brand_colour = forms.CharField(
        label=_("Brand colour"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "#0b6e69", "autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            "A hex code such as #0b6e69, for buttons and selected answers. Their text is white or black, "
            "whichever has more contrast on this colour (always at least 4.5:1). Empty: the default teal."
        ),
    )
    sender_name = forms.CharField(
        label=_("Sender name"),
        required=False,
        max_length=200,
        help_text=_(
            "The name customers see as the sender of surveys and reminders. Empty: the company's name. "
            "The address stays the platform's own."
        ),
    )
    reply_to = forms.CharField(
        label=_("Reply-to address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_(
            "Where replies to the emails go, for example your customer service. "
            "Empty: replies go to the platform's sending address, where no one reads them."
        ),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        help_text=_(
            "PNG, JPEG or WebP, at most 2 MB. It is shown at most 200 x 60 pixels above the survey and "
            "the emails; a wide logo on a transparent or white background works best."
        ),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
