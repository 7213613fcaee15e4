"""Form helpers shared by every app's views."""

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
