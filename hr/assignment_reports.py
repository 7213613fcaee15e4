"""Compliance with assigned courses as a report to print (hr.reports).

Two tables, each a sheet: each course's totals in the chosen organisation node, then
the same by the units directly under it. The raw export (views.compliance_export)
stays for analysts. HR officers only, in their scope, audited as an export.
"""

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from academy.accounts.audit import AuditAction, audit_record
from competencies.hr.selectors import unit_trails
from competencies.models import OrgUnit
from courses.assignments import selectors

from . import reports as R
from .assignments import _int
from .workspace import workspace_view

FIELDS = (
    "assignment__course__code",
    "assignment__course__title",
    "assignment__course__title_en",
    "assignment__due_on",
)


def _counts(tally) -> list:
    return [
        tally.assigned,
        tally.completed,
        tally.in_progress,
        tally.not_started,
        tally.overdue,
        tally.share_completed,
    ]


def _count_columns() -> list[R.Column]:
    return [
        R.Column(_("Assigned"), R.INTEGER),
        R.Column(_("Completed"), R.INTEGER),
        R.Column(pgettext("learning", "In progress"), R.INTEGER),
        R.Column(pgettext("learning", "Not started"), R.INTEGER),
        R.Column(_("Overdue"), R.INTEGER),
        R.Column(_("Share completed"), R.PERCENT),
    ]


@workspace_view(officer=True)
def compliance_report(request, access):
    node = selectors.compliance_node(access, _int(request.GET.get("node")))
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        request=request,
        detail={"table": "compliance", "format": "report", "node": node.code},
    )
    on = timezone.localdate()
    english = not (translation.get_language() or "th").startswith("th")
    rows = list(selectors.compliance_counts(access, node=node, on=on, fields=FIELDS))
    units = {
        unit.path: unit
        for unit in OrgUnit.objects.filter(path__in={row["bucket"] for row in rows})
    }
    unit_trails([node])
    scope = R.unit_scope(node)
    courses: dict[int, list] = {}
    totals: dict[int, selectors.Tally] = {}
    by_unit = []
    for row in rows:
        title = (english and row["assignment__course__title_en"]) or row[
            "assignment__course__title"
        ]
        course = [
            title,
            row["assignment__course__code"] or "",
            row["assignment__due_on"],
        ]
        courses.setdefault(row["assignment_id"], course)
        tally = selectors._tally(row)
        totals.setdefault(row["assignment_id"], selectors.Tally()).add(tally)
        unit = units.get(row["bucket"])
        if unit is not None:
            unit_name = (
                _("%(unit)s (placed directly)") % {"unit": unit.name}
                if unit.pk == node.pk
                else unit.name
            )
            by_unit.append([*course, unit_name, unit.code, *_counts(tally)])
    grand = selectors.Tally()
    for tally in totals.values():
        grand.add(tally)
    course_columns = [
        R.Column(_("Course"), width=36),
        R.Column(_("Course code"), width=12),
        R.Column(_("Due on"), R.DATE),
    ]
    summary = R.ReportSheet(
        name=_("By course"),
        title=R.report_title(_("Completion of assigned courses"), scope=scope, on=on),
        columns=[*course_columns, *_count_columns()],
        rows=[[*courses[key], *_counts(totals[key])] for key in courses],
        totals=[[_("Total"), "", None, *_counts(grand)]] if courses else [],
    )
    detail = R.ReportSheet(
        name=_("By unit"),
        title=R.report_title(
            _("Completion of assigned courses by unit"), scope=scope, on=on
        ),
        columns=[
            *course_columns,
            R.Column(_("Organisation unit"), width=30),
            R.Column(_("Unit code"), width=12),
            *_count_columns(),
        ],
        rows=by_unit,
    )
    return R.report_response(
        filename=f"compliance-report-{node.code}-{on.isoformat()}",
        sheets=[summary, detail],
    )
