"""Writes of the HR workspace: scopes, manual evidence, monthly matrix snapshots (the
staff import is hr.staff_import's).

Each write that touches someone's personal record is audited here, in the same
transaction as the write (academy.accounts.audit).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from academy.accounts.audit import AuditAction, audit_record
from competencies.models import (
    Competency,
    Evidence,
    Framework,
    HRScope,
    MatrixSnapshot,
    OrgUnit,
    Person,
    ProficiencyLevel,
)
from competencies.selectors import org_matrix, today
from competencies.services import evidence_record

# ------------------------------------------------------------------------------
# Scopes
# ------------------------------------------------------------------------------


@transaction.atomic
def hr_scope_assign(*, user, unit: OrgUnit) -> HRScope:
    scope, _created = HRScope.objects.get_or_create(user=user, unit=unit)
    if hasattr(user, "_hr_access"):
        del user._hr_access
    return scope


# ------------------------------------------------------------------------------
# Manual ratings and recognition of prior learning
# ------------------------------------------------------------------------------

MANUAL_SOURCES = (Evidence.Source.MANUAL_RATING, Evidence.Source.PRIOR_LEARNING)


@transaction.atomic
def evidence_record_manual(
    *,
    actor,
    person: Person,
    competency: Competency,
    level: ProficiencyLevel,
    source: str,
    observed_on: date,
    note: str,
    expires_on: date | None = None,
    attachment=None,
    request=None,
) -> Evidence:
    """An HR officer's rating or recognition of prior learning, audited.

    Never about the actor themselves: an officer whose own record is in their scope
    could otherwise raise their own levels (and earn what those levels unlock).
    """
    if person.user_id is not None and person.user_id == actor.pk:
        raise ValidationError(
            _(
                "You cannot record a rating or prior learning for yourself; ask "
                "another HR officer."
            )
        )
    if source not in MANUAL_SOURCES:
        raise ValidationError(
            {"source": "Only manual ratings and prior learning are recorded here."}
        )
    evidence = evidence_record(
        person=person,
        competency=competency,
        level=level,
        source=source,
        observed_on=observed_on,
        expires_on=expires_on,
        recorded_by=actor,
        note=note,
        attachment=attachment,
    )
    audit_record(
        actor=actor,
        action=AuditAction.EVIDENCE_RECORD,
        obj=evidence,
        subject=person,
        request=request,
        detail={
            "competency": competency.code,
            "framework": competency.framework.code,
            "level": level.rank,
            "source": source,
            "attachment": attachment is not None,
        },
    )
    return evidence


# ------------------------------------------------------------------------------
# Monthly matrix snapshots
# ------------------------------------------------------------------------------


@dataclass
class SnapshotReport:
    month: date
    created: int = 0
    skipped: int = 0


def matrix_snapshots_take(*, on: date | None = None) -> SnapshotReport:
    """This month's figures for every HR scope node × active framework; idempotent.

    A (node, framework) pair already taken this month is left as it is, so the beat
    task may run daily or be retried. Figures are org_matrix's, summed over the node's
    children: staff with a requirement, staff meeting it, and the staff-weighted mean
    gap, per competency.
    """
    on = on or today()
    report = SnapshotReport(month=on.replace(day=1))
    roots = list(
        OrgUnit.objects.filter(pk__in=HRScope.objects.values("unit_id")).order_by(
            "path"
        )
    )
    frameworks = list(Framework.objects.filter(status=Framework.Status.ACTIVE))
    taken = set(
        MatrixSnapshot.objects.filter(taken_on=report.month).values_list(
            "root_id", "framework_id"
        )
    )
    for root in roots:
        for framework in frameworks:
            if (root.pk, framework.pk) in taken:
                report.skipped += 1
                continue
            matrix = org_matrix(root, framework=framework, by="child", on=on)
            totals: dict[int, list] = defaultdict(lambda: [0, 0, 0.0])
            for (_row, competency_id), cell in matrix.cells.items():
                total = totals[competency_id]
                total[0] += cell.staff
                total[1] += cell.meeting
                total[2] += cell.mean_gap * cell.staff
            snapshots = [
                MatrixSnapshot(
                    root=root,
                    framework=framework,
                    competency_id=competency_id,
                    taken_on=report.month,
                    staff=staff,
                    meeting=meeting,
                    mean_gap=gap / staff if staff else 0.0,
                )
                for competency_id, (staff, meeting, gap) in sorted(totals.items())
            ]
            with transaction.atomic():
                MatrixSnapshot.objects.bulk_create(snapshots, ignore_conflicts=True)
            report.created += len(snapshots)
    return report
