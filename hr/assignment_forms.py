"""Forms of course assignments in the HR workspace: who, what and by when, with
choices limited to the officer's scope."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from competencies.hr.selectors import HRAccess, units_in_scope
from competencies.selectors import position_choices, standards_snapshot
from courses.assignments.selectors import AssignmentTarget, courses_assignable, today

from .forms import (
    DateInput,
    KeptChoiceField,
    KeptGroupChoiceField,
    KeptLevelChoiceField,
    UnitChoiceField,
    UnitTreeSelect,
    with_framework,
)

NUMBER_SEPARATORS = re.compile(r"[\s,;]+")
MAX_LISTED = 5000


class CourseChoiceField(KeptChoiceField):
    """The assignable courses, read once (one query) for both the choices shown and
    the check of the one chosen."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.code} · {obj.display_title}" if obj.code else obj.display_title


class AssignmentForm(forms.Form):
    """Who (unit, group, position, or a list of employee numbers), what and by when."""

    course = CourseChoiceField(label=_("Course"))
    due_on = forms.DateField(label=_("Due date"), widget=DateInput)
    unit = UnitChoiceField(
        label=_("Unit (and the units under it)"),
        queryset=None,
        required=False,
        widget=UnitTreeSelect,
    )
    group = KeptGroupChoiceField(label=_("Personnel group"), required=False)
    position_type = KeptChoiceField(label=_("Position type"), required=False)
    position_level = KeptLevelChoiceField(label=_("Position level"), required=False)
    employee_numbers = forms.CharField(
        label=_("Or a list of employee numbers"),
        help_text=_(
            "One per line or separated by commas. A list replaces the choices above."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(
        label=_("Note to learners"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    include_new_members = forms.BooleanField(
        label=_("Also assign people who join later"),
        help_text=_(
            "Until the due date, people who come to match the choice above (new "
            "staff, transfers, promotions) are added every morning. Not for a list."
        ),
        required=False,
    )

    def __init__(self, *args, access: HRAccess, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].set_objects(courses_assignable())
        self.fields["unit"].queryset = units_in_scope(access)
        self.fields["unit"].widget.access = access
        self.fields["unit"].empty_label = _("All my organisation")
        for name in ("group", "position_type", "position_level"):
            self.fields[name].empty_label = _("All")
        # The groups of the active frameworks and the positions: reference data
        # kept per process (academy.core.refcache), no query.
        snapshot = standards_snapshot()
        self.fields["group"].set_objects(
            with_framework(
                snapshot.groups.values(),
                {framework.pk: framework for framework in snapshot.frameworks},
            )
        )
        positions = position_choices()
        self.fields["position_type"].set_objects(positions.types)
        self.fields["position_level"].set_objects(positions.levels)

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < today():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due_on

    def clean_employee_numbers(self):
        text = self.cleaned_data.get("employee_numbers") or ""
        numbers = list(
            dict.fromkeys(part for part in NUMBER_SEPARATORS.split(text) if part)
        )
        if len(numbers) > MAX_LISTED:
            raise forms.ValidationError(
                _("List at most %(max)d employee numbers.") % {"max": MAX_LISTED}
            )
        return numbers

    def clean(self):
        data = super().clean()
        level = data.get("position_level")
        kind = data.get("position_type")
        if level is not None and kind is not None and level.position_type_id != kind.pk:
            self.add_error(
                "position_level", _("The level does not belong to the position type.")
            )
        return data

    def target(self) -> AssignmentTarget:
        data = self.cleaned_data
        if data["employee_numbers"]:
            return AssignmentTarget(employee_numbers=data["employee_numbers"])
        return AssignmentTarget(
            unit=data.get("unit"),
            group=data.get("group"),
            position_type=data.get("position_type"),
            position_level=data.get("position_level"),
        )


class AssignmentChangeForm(forms.Form):
    """What may change after assigning: the due date and the note (not who)."""

    due_on = forms.DateField(label=_("Due date"), widget=DateInput)
    note = forms.CharField(
        label=_("Note to learners"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
