"""Levels the courses app holds (course outcomes, prerequisites, questions, planned
gaps) follow a competency whose framework changed scale (competency_scale_changed)."""

from django.db import transaction
from django.dispatch import receiver

from competencies.models import Competency, ProficiencyLevel, ProficiencyScale
from competencies.signals import competency_scale_changed

from .models import CourseCompetency, CoursePrerequisite, PlanGap, Question


def level_on_scale(
    level: ProficiencyLevel, scale: ProficiencyScale
) -> ProficiencyLevel:
    """A pass / not-yet scale has one level to aim at; a levelled one keeps the rank
    (capped at its highest level)."""
    levels = {item.rank: item for item in scale.levels.all()}
    if scale.kind == ProficiencyScale.Kind.PASS_NOT_YET:
        return scale.proficient_level or levels[max(levels)]
    return levels.get(level.rank) or levels[max(levels)]


@receiver(competency_scale_changed, dispatch_uid="courses.rescale_levels")
def rescale_levels(sender, *, competency_ids, **kwargs) -> None:
    competencies = Competency.objects.filter(pk__in=competency_ids).select_related(
        "framework__scale"
    )
    scales = {competency.pk: competency.framework.scale for competency in competencies}
    with transaction.atomic():
        for model, field in (
            (CourseCompetency, "level"),
            (CoursePrerequisite, "level"),
            (Question, "level"),
            (PlanGap, "target_level"),
        ):
            rows = (
                model.objects.filter(competency_id__in=scales)
                .select_related(field)
                .exclude(**{f"{field}__isnull": True})
            )
            for row in rows:
                scale = scales[row.competency_id]
                level = getattr(row, field)
                if level.scale_id == scale.pk:
                    continue
                model.objects.filter(pk=row.pk).update(
                    **{field: level_on_scale(level, scale)}
                )
