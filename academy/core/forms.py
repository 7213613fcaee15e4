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


class KeptChoiceField(forms.ChoiceField):
    """ModelChoiceField's behaviour (the object in cleaned_data, its label from
    label_from_instance, the same markup and messages) over objects already in
    memory, kept per process as reference data (academy.core.refcache): no query to
    render the choices or to check one. The form gives the objects with
    `set_objects()` once its own empty_label is set."""

    default_error_messages = {
        "invalid_choice": forms.ModelChoiceField.default_error_messages[
            "invalid_choice"
        ],
    }

    def __init__(self, *, empty_label="---------", **kwargs):
        self.empty_label = empty_label
        self.objects: dict[str, object] = {}
        super().__init__(choices=(), **kwargs)

    def label_from_instance(self, obj) -> str:
        return str(obj)

    def set_objects(self, objects) -> None:
        self.objects = {str(obj.pk): obj for obj in objects}
        choices = [
            (key, self.label_from_instance(obj)) for key, obj in self.objects.items()
        ]
        if self.empty_label is not None:
            choices.insert(0, ("", self.empty_label))
        self.choices = choices

    def to_python(self, value):
        if value in self.empty_values:
            return None
        chosen = self.objects.get(str(value))
        if chosen is None:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return chosen

    def validate(self, value) -> None:
        # The choice itself was checked by to_python; only `required` is left.
        forms.Field.validate(self, value)
