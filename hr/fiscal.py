"""The fiscal-year report at /hr/fiscal/: a page, and a workbook to print and file.

HR officers only, for a node of their scope; the workbook is audited as an export.
Selectors in courses.assignments.fiscal; the workbook's layout in hr.reports.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from academy.accounts.audit import AuditAction, audit_record
from academy.core.thaidate import buddhist_year, fiscal_year
from competencies.hr.selectors import frameworks_for_hr
from courses.assignments import fiscal

from . import reports as R
from .assignments import _int
from .workspace import workspace_render, workspace_view

YEARS_SHOWN = 5


def _report(request, access, *, people: bool = False):
    year = fiscal.fiscal_year_get(request.GET.get("year"))
    frameworks = frameworks_for_hr()
    chosen = request.GET.get("framework")
    framework = next(
        (item for item in frameworks if str(item.pk) == chosen),
        frameworks[0] if frameworks else None,
    )
    report = fiscal.fiscal_report(
        access,
        node_id=_int(request.GET.get("node")),
        year=year,
        framework=framework,
        people=people,
    )
    return frameworks, report


@workspace_view(officer=True)
def fiscal_page(request, access):
    frameworks, report = _report(request, access)
    current = fiscal_year(timezone.localdate())
    years = [
        (year, buddhist_year(year))
        for year in range(current, current - YEARS_SHOWN, -1)
    ]
    query = {"node": report.node.pk, "year": report.year.year}
    if report.framework is not None:
        query["framework"] = report.framework.pk
    return workspace_render(
        request,
        "hr/assignments/fiscal.html",
        access,
        "fiscal",
        {
            "report": report,
            "frameworks": frameworks,
            "years": years,
            "query": "&".join(f"{key}={value}" for key, value in query.items()),
        },
    )


def _hours_columns() -> list[R.Column]:
    return [
        R.Column(_("Staff"), R.INTEGER),
        R.Column(_("Development hours"), R.DECIMAL, width=13),
        R.Column(_("Mean hours a person"), R.DECIMAL, width=13),
        R.Column(_("Reaching the target"), R.INTEGER, width=13),
        R.Column(_("Share reaching the target"), R.PERCENT, width=13),
    ]


def _hours_values(row) -> list:
    return [row.staff, row.hours, row.mean_hours, row.meeting, row.share_meeting]


def _tally_values(tally) -> list:
    return [
        tally.assigned,
        tally.completed,
        tally.in_progress,
        tally.not_started,
        tally.overdue,
        tally.share_completed,
    ]


@workspace_view(officer=True)
def fiscal_report_xlsx(request, access):
    # With the rows by person, read with those by unit.
    _frameworks, report = _report(request, access, people=True)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        request=request,
        detail={
            "table": "fiscal_year",
            "format": "report",
            "node": report.node.code,
            "year": report.year.year,
        },
    )
    on = timezone.localdate()
    scope = R.unit_scope(report.node)
    year = report.year.label
    framework = report.framework.name if report.framework else ""

    def title(text: str, *, with_framework: bool = False) -> str:
        return R.report_title(
            text % {"year": year},
            scope=scope,
            framework=framework if with_framework else "",
            on=on,
        )

    target = _("Target: %(hours)s development hours a person a year.") % {
        "hours": f"{report.target:g}"
    }
    hours = R.ReportSheet(
        name=_("Hours by unit"),
        title=title(_("Development hours against the target, %(year)s")),
        note=target,
        columns=[
            R.Column(_("Unit code"), width=12),
            R.Column(_("Organisation unit"), width=34),
            *_hours_columns(),
        ],
        rows=[
            [
                row.unit.code,
                _("%(unit)s (placed directly)") % {"unit": row.unit.name}
                if row.unit.pk == report.node.pk
                else row.unit.name,
                *_hours_values(row),
            ]
            for row in report.hours
        ],
        totals=[[report.node.code, _("Total"), *_hours_values(report.hours_total)]]
        if report.hours_total
        else [],
    )
    people = R.ReportSheet(
        name=_("Hours by person"),
        title=title(_("Development hours by person, %(year)s")),
        note=target,
        columns=[
            R.Column(_("Employee number"), width=14),
            R.Column(_("Name"), width=30),
            R.Column(_("Organisation unit"), width=28),
            R.Column(_("Unit code"), width=12),
            *(
                R.Column(_("Quarter %(number)s") % {"number": n}, R.DECIMAL, width=10)
                for n in range(1, 5)
            ),
            R.Column(_("Academy courses (hours)"), R.DECIMAL, width=12),
            R.Column(_("Other development (hours)"), R.DECIMAL, width=12),
            R.Column(_("Development hours"), R.DECIMAL, width=12),
            R.Column(_("Target (hours)"), R.DECIMAL, width=12),
            R.Column(_("Share of the target"), R.PERCENT, width=12),
        ],
        rows=report.people,
    )
    assigned = R.ReportSheet(
        name=_("Assigned courses"),
        title=title(_("Completion of assigned courses due in %(year)s")),
        columns=[
            R.Column(_("Course"), width=36),
            R.Column(_("Course code"), width=12),
            R.Column(_("Due on"), R.DATE),
            R.Column(_("Quarter"), R.INTEGER, width=9),
            R.Column(_("Assigned"), R.INTEGER),
            R.Column(_("Completed"), R.INTEGER),
            R.Column(pgettext("learning", "In progress"), R.INTEGER),
            R.Column(pgettext("learning", "Not started"), R.INTEGER),
            R.Column(_("Overdue"), R.INTEGER),
            R.Column(_("Share completed"), R.PERCENT),
        ],
        rows=[
            [
                row.course_title,
                row.course_code,
                row.due_on,
                row.quarter,
                *_tally_values(row.tally),
            ]
            for row in report.assignments
        ],
        totals=[[_("Total"), "", None, None, *_tally_values(report.assignments_total)]]
        if report.assignments
        else [],
    )
    sheets = [hours, people, assigned]
    if report.framework is not None:
        coverage_columns = [
            R.Column(_("Staff"), R.INTEGER),
            R.Column(_("Requirements"), R.INTEGER, width=13),
            R.Column(_("Requirements met"), R.INTEGER, width=13),
            R.Column(_("Coverage"), R.PERCENT),
        ]

        def coverage(rows):
            body = [
                [row.code, row.label, row.staff, row.requirements, row.met, row.share]
                for row in rows
            ]
            return body[:-1], body[-1:]

        counted = _(
            "Requirements: each person counted once for each competency "
            "their personnel group requires; met: at the required level "
            "or above."
        )
        no_staff = (
            _("Groups with no staff in this scope (not listed): %(groups)s.")
            % {"groups": "; ".join(report.groups_without_staff)}
            if report.groups_without_staff
            else ""
        )
        for name, heading, label, rows, note in (
            (
                _("Coverage by unit"),
                _("Competency coverage by unit, %(year)s"),
                _("Organisation unit"),
                report.coverage_by_unit,
                counted,
            ),
            (
                _("Coverage by group"),
                _("Competency coverage by personnel group, %(year)s"),
                _("Personnel group"),
                report.coverage_by_group,
                f"{counted} {no_staff}".strip(),
            ),
        ):
            body, totals = coverage(rows)
            sheets.append(
                R.ReportSheet(
                    name=name,
                    title=title(heading, with_framework=True),
                    note=note,
                    columns=[
                        R.Column(pgettext("report column", "Code"), width=12),
                        R.Column(label, width=34),
                        *coverage_columns,
                    ],
                    rows=body,
                    totals=totals,
                )
            )
        trend_scope = R.unit_scope(report.trend_root) if report.trend_root else scope
        sheets.append(
            R.ReportSheet(
                name=_("Trend"),
                title=R.report_title(
                    _("Competency coverage month by month, %(year)s") % {"year": year},
                    scope=trend_scope,
                    framework=framework,
                    on=on,
                ),
                note=_(
                    "From the monthly snapshots of the whole scope, taken on the "
                    "first day of each month."
                ),
                columns=[
                    R.Column(_("Month"), R.DATE),
                    R.Column(_("Quarter"), R.INTEGER, width=9),
                    R.Column(_("Requirements"), R.INTEGER, width=13),
                    R.Column(_("Requirements met"), R.INTEGER, width=13),
                    R.Column(_("Coverage"), R.PERCENT),
                ],
                rows=[
                    [
                        point.month,
                        point.quarter,
                        point.requirements,
                        point.met,
                        point.share,
                    ]
                    for point in report.trend
                ],
            )
        )
        sheets.append(
            R.ReportSheet(
                name=_("Gaps closed"),
                title=title(
                    _("Competency gaps closed by quarter, %(year)s"),
                    with_framework=True,
                ),
                note=_(
                    "A gap closes when a person attains, on verified evidence, the "
                    "level their group requires on a competency they had not "
                    "reached; counted on the day of the evidence, for the staff of "
                    "the scope today."
                ),
                columns=[
                    R.Column(_("Quarter"), R.INTEGER, width=9),
                    R.Column(_("From"), R.DATE),
                    R.Column(_("To"), R.DATE),
                    R.Column(_("Gaps closed"), R.INTEGER, width=13),
                    R.Column(_("People who closed a gap"), R.INTEGER, width=16),
                ],
                rows=[
                    [
                        row.quarter,
                        row.starts,
                        row.ends,
                        row.closed.gaps,
                        row.closed.people,
                    ]
                    for row in report.gaps_closed
                ],
                totals=[
                    [
                        _("Total"),
                        report.year.starts,
                        report.year.ends,
                        report.gaps_closed_total.gaps,
                        report.gaps_closed_total.people,
                    ]
                ]
                if report.gaps_closed_total
                else [],
            )
        )
    return R.report_response(
        filename=f"fiscal-year-{buddhist_year(report.year.year)}-{report.node.code}",
        sheets=sheets,
    )
