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

    def __init__(self, *args, competencies: list, courses, rows: dict, **kwargs):
        """`competencies`: the competencies to offer, in order (the profile's, from
        the standards snapshot: rendering reads no competency); `courses`: a query
        set, read once."""
        super().__init__(*args, **kwargs)
        gaps = self.fields["gaps"]
        gaps.rows = rows
        # Validation reads the database; the choices come from what is loaded.
        gaps.queryset = Competency.objects.filter(
            pk__in=[competency.pk for competency in competencies]
        )
        gaps.choices = [
            (competency.pk, gaps.label_from_instance(competency))
            for competency in competencies
        ]
        field = self.fields["courses"]
        field.queryset = courses
        field.choices = [
            (course.pk, field.label_from_instance(course)) for course in courses
        ]
