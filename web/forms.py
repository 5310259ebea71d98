"""Form helpers shared by every app's pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms import BaseForm


def form_error_from(form: BaseForm, exc: ValidationError) -> None:
    """Put a service's ``ValidationError`` beside the form fields it names."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else NON_FIELD_ERRORS, errors)
    else:
        form.add_error(NON_FIELD_ERRORS, exc.messages)


class RequiredByServiceCharField(forms.CharField):
    """A text field the service requires, not the form (it says so beside the field, with the
    service's other errors); ``_field.html`` does not mark it "(optional)"."""

    shown_as_required = True
