from django import forms

from apps.maturity.models import MaturitySettings


class MaturitySettingsForm(forms.ModelForm):
    """The evidence rule's thresholds; the model's validators give the limits."""

    class Meta:
        model = MaturitySettings
        fields = ["window_days", "min_answers", "max_overdue_cases", "rollup_share_percent"]
