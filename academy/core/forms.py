"""Form helpers shared by every app's views."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def form_add_service_errors(form, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form: on the field it names when the
    form has that field, otherwise to the whole form. Works for plain errors (no
    field) as well as per-field ones."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field_name, field_errors in error.error_dict.items():
        target = field_name if field_name in form.fields else None
        if field_name == NON_FIELD_ERRORS:
            target = None
        form.add_error(target, field_errors)


class DateInput(forms.DateInput):
    """The browser's date picker. Its value is ISO 8601 whatever the language (the
    localised default, 05/01/2570 in Thai, would show an initial date as empty)."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's name
        super().__init__(attrs, format)
