from django import forms

from apps.privacy.models import RetentionSettings
from apps.privacy.retention.selectors import RetentionPolicy


class RetentionSettingsForm(forms.ModelForm):
    """The switch and the three periods; the model's validators give the limits (1-240 months, or empty)."""

    class Meta:
        model = RetentionSettings
        fields = ["enabled", "free_text_months", "staff_note_months", "inactive_customer_months"]
        widgets = {
            name: forms.NumberInput(attrs={"min": 1, "max": 240, "inputmode": "numeric"})
            for name in ("free_text_months", "staff_note_months", "inactive_customer_months")
        }

    def policy(self) -> RetentionPolicy:
        """The policy as submitted (call after is_valid)."""
        return RetentionPolicy(**{name: self.cleaned_data[name] for name in self.Meta.fields})
