from django import forms

from apps.core.exceptions import DomainError


def form_add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's DomainError on the form: per field where it names one, else on top."""
    if not error.fields:
        form.add_error(None, error.message)
        return
    for field, messages in error.fields.items():
        for message in messages if isinstance(messages, list) else [messages]:
            form.add_error(field if field in form.fields else None, message)
