"""Competency evidence as xAPI statements (competencies/xapi/, docs/xapi.md)."""

from competencies.models import Evidence
from competencies.xapi import services as xapi
from competencies.xapi import vocabulary


def competency_activity(competency) -> dict:
    """The competency as an objective: its CASE URI when it has one."""
    return xapi.activity(
        id=competency.uri or xapi.activity_id("competency", competency.identifier),
        type=vocabulary.ACTIVITY_OBJECTIVE,
        name_th=competency.name_th,
        name_en=competency.name_en,
        extensions={
            xapi.extension("framework"): competency.framework.code,
            xapi.extension("competency-code"): competency.code,
        },
    )


def evidence_recorded(*, evidence: Evidence) -> None:
    """`satisfied` the competency at the evidence's level (its rank as the score)."""
    if not xapi.event_enabled("evidence_recorded"):
        return  # before the query for the scale's ranks
    competency = evidence.competency
    ranks = list(competency.framework.scale.levels.values_list("rank", flat=True))
    xapi.learner_record(
        "evidence_recorded",
        key=evidence.pk,
        person=evidence.person,
        verb=vocabulary.SATISFIED,
        object=competency_activity(competency),
        at=evidence.created_at,
        result={
            "score": {
                "raw": evidence.level.rank,
                "min": min(ranks, default=evidence.level.rank),
                "max": max(ranks, default=evidence.level.rank),
            },
            "extensions": {
                xapi.extension("level-code"): evidence.level.code,
                xapi.extension("observed-on"): evidence.observed_on.isoformat(),
            },
        },
        context={
            "extensions": {xapi.extension("evidence-source"): evidence.source},
        },
    )


xapi.backfill_each(
    "evidence_recorded",
    Evidence.objects.select_related(
        "person__user", "competency__framework__scale", "level"
    ),
    lambda evidence: evidence_recorded(evidence=evidence),
)
