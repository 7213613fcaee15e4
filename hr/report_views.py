"""Report workbooks of the staff directory and of a person's evidence (to print).

The raw exports (views.directory_export, views.person_evidence_export) stay for
analysts; these read as reports (hr.reports). HR officers only, in
their scope, audited as exports.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from academy.accounts.audit import AuditAction, audit_record
from competencies.hr import selectors

from . import reports
from .report_rows import directory_report_rows, evidence_report_rows
from .views import _directory, _stamp
from .workspace import workspace_view

R = reports


def _scope_title(access, unit) -> str:
    units = [unit] if unit is not None else list(access.scope_units)
    selectors.unit_trails(units)
    return "; ".join(R.unit_scope(item) for item in units)


@workspace_view(officer=True)
def directory_report(request, access):
    _form, filters, _placements = _directory(request, access)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        request=request,
        detail={
            "table": "directory",
            "format": "report",
            "filters": request.GET.dict(),
        },
    )
    columns = [
        R.Column(_("Employee number"), width=14),
        R.Column(_("Name"), width=30),
        R.Column(_("Organisation unit"), width=30),
        R.Column(_("Unit code"), width=12),
        R.Column(_("Part of"), width=40),
        R.Column(_("Position type"), width=18),
        R.Column(_("Position level"), width=18),
        R.Column(_("Line of work"), width=24),
        R.Column(_("Position number"), width=12),
        R.Column(_("Administrative post"), width=20),
        R.Column(_("Supervisor"), width=28),
        R.Column(_("Start date"), R.DATE),
    ]
    framework = filters.framework
    if framework is not None:
        columns.append(R.Column(_("Personnel group"), width=28))
    sheet = R.ReportSheet(
        name=_("Staff"),
        title=R.report_title(
            _("Staff"),
            scope=_scope_title(access, filters.unit),
            framework=framework.name if framework else "",
            on=timezone.localdate(),
        ),
        columns=columns,
        rows=directory_report_rows(access, filters),
    )
    return R.report_response(filename=f"staff-report-{_stamp()}", sheets=[sheet])


@workspace_view(officer=True)
def person_evidence_report(request, access, person_id: int):
    person = selectors.person_get_for_hr(access, person_id)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=person,
        subject=person,
        request=request,
        detail={"table": "person_evidence", "format": "report"},
    )
    name = f"{person.title_th}{person.first_name_th} {person.last_name_th}"
    number = person.employee_number or str(person.pk)
    sheet = R.ReportSheet(
        name=_("Evidence"),
        title=R.report_title(
            _("Competency evidence"),
            scope=f"{name} ({number})",
            on=timezone.localdate(),
        ),
        columns=[
            R.Column(_("Framework"), width=24),
            R.Column(_("Competency code"), width=14),
            R.Column(_("Competency"), width=36),
            R.Column(_("Level"), R.INTEGER, width=8),
            R.Column(_("Level name"), width=18),
            R.Column(_("Source"), width=20),
            R.Column(_("Observed on"), R.DATE),
            R.Column(_("Expires on"), R.DATE),
            R.Column(_("Recorded by"), width=24),
            R.Column(_("Reference"), width=18),
            R.Column(_("Note"), width=30),
        ],
        rows=evidence_report_rows(person),
    )
    return R.report_response(
        filename=f"evidence-report-{number}-{_stamp()}", sheets=[sheet]
    )
