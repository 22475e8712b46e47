from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.customers.models import Customer


class CustomerEraseForm(forms.Form):
    """Erasure cannot be undone: the user types the customer's number to confirm it."""

    confirmation = forms.CharField(label=_("Type the customer number to confirm"), max_length=20)

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.fields["confirmation"].help_text = _("The customer number is %(id)s.") % {"id": customer.pk}
        self.fields["confirmation"].widget.attrs.update({"autocomplete": "off", "inputmode": "numeric"})

    def clean_confirmation(self) -> str:
        typed = self.cleaned_data["confirmation"].strip().lstrip("#")
        if typed != str(self.customer.pk):
            raise forms.ValidationError(
                _("Type %(id)s, the customer number, to erase this customer.") % {"id": self.customer.pk}
            )
        return typed
