"""The ก.พ.7 training register file at /hr/register/ (certificates.register): a page
to choose the fiscal year and the unit, and the file as CSV (for import) or as a
workbook to print; Academy completions and approved outside development. HR officers only, for a node of their scope; audited as exports.
"""

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.accounts.audit import AuditAction, audit_record
from academy.core.thaidate import buddhist_year, fiscal_year
from certificates.register import COLUMNS, register_person_totals, register_rows
from competencies.hr.selectors import unit_get_in_scope, unit_trails

from . import reports as R
from .exports import csv_response
from .workspace import workspace_render, workspace_view

YEARS_SHOWN = 5


def _choice(request, access):
    node_id = request.GET.get("node")
    node = (
        unit_get_in_scope(access, node_id)
        if node_id and node_id.isdigit()
        else access.scope_units[0]
    )
    current = fiscal_year(timezone.localdate())
    try:
        year = int(request.GET.get("year", current))
    except ValueError:
        year = current
    if year > 2400:
        year -= 543
    year = min(max(year, 2000), current + 1)
    return node, year


@workspace_view(officer=True)
def register(request, access):
    node, year = _choice(request, access)
    unit_trails([node], access=access)
    current = fiscal_year(timezone.localdate())
    return workspace_render(
        request,
        "hr/register.html",
        access,
        "register",
        {
            "node": node,
            "year": year,
            "year_be": buddhist_year(year),
            "years": [
                (item, buddhist_year(item))
                for item in range(current, current - YEARS_SHOWN, -1)
            ],
            "columns": COLUMNS,
        },
    )


@workspace_view(officer=True)
def register_file(request, access, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    node, year = _choice(request, access)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        request=request,
        detail={"table": "register", "format": fmt, "node": node.code, "year": year},
    )
    filename = f"register-kp7-{buddhist_year(year)}-{node.code}"
    rows = register_rows(access, node=node, year=year)
    if fmt == "csv":
        header = [name for name, _label in COLUMNS]
        return csv_response(filename=filename, header=header, rows=rows)
    unit_trails([node], access=access)
    on = timezone.localdate()
    scope = R.unit_scope(node)
    label = _("fiscal year %(year)s") % {"year": buddhist_year(year)}
    kinds = {"hours": R.DECIMAL, "fiscal_year_be": R.INTEGER}
    records = R.ReportSheet(
        name=_("Training records"),
        title=R.report_title(
            _("Training records for the personnel register (ก.พ.7), %(year)s")
            % {"year": label},
            scope=scope,
            on=on,
        ),
        columns=[
            R.Column(str(text), kinds.get(name, R.TEXT), width=None)
            for name, text in COLUMNS
        ],
        rows=rows,
    )
    totals = R.ReportSheet(
        name=_("Per person"),
        title=R.report_title(
            _("Courses, outside development and hours per person, %(year)s")
            % {"year": label},
            scope=scope,
            on=on,
        ),
        columns=[
            R.Column(_("Employee number"), width=14),
            R.Column(_("Name"), width=32),
            R.Column(_("Academy courses"), R.INTEGER, width=12),
            R.Column(_("Approved outside development"), R.INTEGER, width=14),
            R.Column(_("Hours"), R.DECIMAL),
        ],
        rows=register_person_totals(access, node=node, year=year),
    )
    return R.report_response(filename=filename, sheets=[records, totals])
