"""The learner's development-plan form; choices limited to what the learner may pick."""

from django import forms
from django.utils.translation import gettext_lazy as _

from competencies.models import Competency


class CompetencyMultipleField(forms.ModelMultipleChoiceField):
    """Each competency with where the person stands on it (`rows`: profile rows)."""

    rows: dict = {}

    def label_from_instance(self, obj: Competency) -> str:
        row = self.rows.get(obj.pk)
        if row is None:
            return f"{obj.code} {obj.name}"
        if row.is_optional and not row.chosen:
            return _(
                "%(code)s %(name)s (optional: counts once your supervisor agrees "
                "the plan)"
            ) % {"code": obj.code, "name": obj.name}
        return _("%(code)s %(name)s (level %(attained)d of %(required)d required)") % {
            "code": obj.code,
            "name": obj.name,
            "attained": row.attained_rank,
            "required": row.required_rank,
        }


class CourseMultipleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.display_title} ({obj.learning_hours} h)"


class PlanForm(forms.Form):
    """The learner's own plan: gaps among those their position requires, courses."""

    gaps = CompetencyMultipleField(
        label=_("Gaps I will work on"),
        queryset=Competency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    courses = CourseMultipleField(
        label=_("Courses I plan to take"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Goals and notes"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, competencies, courses, rows: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gaps"].queryset = competencies
        self.fields["gaps"].rows = rows
        self.fields["courses"].queryset = courses
