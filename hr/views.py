"""The HR officer's workspace at /hr/: thin views over competencies.hr selectors and services.

Every view needs a signed-in user (anonymous visitors are sent to sign in) and answers
404 to anyone the scope does not cover (see selectors.py); exports, imports, evidence
and attachments are for HR officers only, the team page for supervisors.
"""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_POST

from academy.accounts.audit import (
    AuditAction,
    audit_entry,
    audit_record,
    audit_record_all,
)
from academy.accounts.authz import can, require
from academy.core.forms import form_add_service_errors
from academy.core.thaidate import ENGLISH_MONTHS, THAI_MONTHS_SHORT, buddhist_year
from competencies.hr import selectors, services
from competencies.models import (
    Competency,
    OptionalChoice,
    Person,
    Provenance,
    StaffColumnMap,
)
from competencies.services import optional_choice_add, optional_choice_remove

from . import reports, staff_template
from .charts import share_line_chart
from .exports import FORMATS, XLSX_TYPE, export_response
from .forms import ColumnMapForm, DirectoryFilterForm, EvidenceForm, StaffUploadForm
from .sections import person_sections_render
from .staff_import import services as staff_import
from .staff_import.parsing import COLUMNS, Problem
from .workspace import workspace_render, workspace_view


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Http404
    return fmt


def _stamp() -> str:
    return timezone.localdate().isoformat()


def month_label(month) -> str:
    """Nov 2026, or พ.ย. 69 in Thai (the Buddhist Era's short year, as Thai offices write)."""
    if (translation.get_language() or "th").startswith("th"):
        return f"{THAI_MONTHS_SHORT[month.month - 1]} {buddhist_year(month.year) % 100:02d}"
    return f"{ENGLISH_MONTHS[month.month - 1][:3]} {month.year}"


@workspace_view(officer=False)
def home(request, access):
    selectors.unit_trails(access.scope_units)
    return workspace_render(request, "hr/home.html", access, "home", {})


# ------------------------------------------------------------------------------
# Directory
# ------------------------------------------------------------------------------


def _directory(request, access):
    frameworks = selectors.frameworks_for_hr()
    form = DirectoryFilterForm(request.GET, access=access, frameworks=frameworks)
    filters = form.filters()
    return form, filters, selectors.directory_placements(access, filters)


@workspace_view(officer=True)
def directory(request, access):
    form, filters, placements = _directory(request, access)
    page = Paginator(placements, selectors.DIRECTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    selectors.with_groups(page.object_list, filters.framework)
    selectors.unit_trails(
        [placement.unit for placement in page.object_list] + [filters.unit]
    )
    query = request.GET.copy()
    query.pop("page", None)
    return workspace_render(
        request,
        "hr/directory.html",
        access,
        "directory",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "querystring": query.urlencode(),
        },
    )


@workspace_view(officer=True)
def directory_export(request, access, fmt: str):
    fmt = _format(fmt)
    _form, filters, _placements = _directory(request, access)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        request=request,
        detail={"table": "directory", "format": fmt, "filters": request.GET.dict()},
    )
    header = [
        "employee_number",
        "national_id_masked",
        "title_th",
        "first_name_th",
        "last_name_th",
        "first_name_en",
        "last_name_en",
        "email",
        "unit_code",
        "unit_name_th",
        "unit_parents_th",
        "position_type",
        "position_level",
        "line_of_work",
        "supervisor_employee_number",
        "start_date",
    ]
    if filters.framework is not None:
        header.append(f"group_{filters.framework.code}")
    return export_response(
        fmt,
        filename=f"staff-{_stamp()}",
        title=_("Staff"),
        header=header,
        rows=selectors.directory_export_rows(access, filters),
    )


# ------------------------------------------------------------------------------
# One person
# ------------------------------------------------------------------------------


@workspace_view(officer=False)
def person(request, access, person_id: int):
    page = selectors.person_page(access, person_id)
    sections = person_sections_render(
        person=page.person, user=request.user, request=request
    )
    # The view and what its sections showed, in one INSERT.
    entries = [
        audit_entry(
            actor=request.user,
            action=AuditAction.PERSON_VIEW,
            obj=page.person,
            subject=page.person,
            request=request,
            detail={"read_only": page.read_only},
        )
    ]
    if page.person.user_id != request.user.pk:
        entries += [
            audit_entry(
                actor=request.user,
                action=section.audit_action,
                obj=page.person,
                subject=page.person,
                request=request,
                detail={"section": section.key, **section.audit_detail},
            )
            for section in sections
            if section.audit_action
        ]
    audit_record_all(entries)
    return workspace_render(
        request,
        "hr/person.html",
        access,
        "team" if page.read_only else "directory",
        {"page": page, "person": page.person, "sections": sections},
    )


@workspace_view(officer=True)
def person_evidence_export(request, access, person_id: int, fmt: str):
    fmt = _format(fmt)
    person = selectors.person_get_for_hr(access, person_id)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=person,
        subject=person,
        request=request,
        detail={"table": "person_evidence", "format": fmt},
    )
    header = [
        "framework",
        "competency_code",
        "competency_name_th",
        "competency_name_en",
        "level",
        "level_name_th",
        "source",
        "observed_on",
        "expires_on",
        "recorded_by",
        "reference",
        "note",
        "attachment",
    ]
    rows = selectors.evidence_for_export(person).iterator(chunk_size=2000)
    return export_response(
        fmt,
        filename=f"evidence-{person.employee_number or person.pk}-{_stamp()}",
        title=_("Evidence"),
        header=header,
        rows=rows,
    )


@workspace_view(officer=True)
def evidence_new(request, access, person_id: int):
    person = selectors.person_get_for_hr(access, person_id)
    require(request.user, "hr.record_evidence", person, hide=False)
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.evidence_record_manual(
                actor=request.user,
                person=person,
                competency=data["competency"],
                level=data["level"],
                source=data["source"],
                observed_on=data["observed_on"],
                expires_on=data["expires_on"],
                note=data["note"],
                attachment=data["attachment"],
                request=request,
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The evidence is recorded."))
            return redirect("hr:person", person_id=person.pk)
    return workspace_render(
        request,
        "hr/evidence_form.html",
        access,
        "directory",
        {"form": form, "person": person},
    )


@workspace_view(officer=False)
@require_POST
def optional_choice(request, access, person_id: int):
    """Choose, or withdraw, an optional competency for one person: their supervisor,
    or an HR officer of their unit. From then on it counts towards their gaps."""
    person, _read_only = selectors.person_get_visible(access, person_id)
    require(request.user, "hr.choose_optional", person)
    competency_id = request.POST.get("competency", "")
    if not competency_id.isdigit():
        raise Http404
    competency = get_object_or_404(Competency, pk=int(competency_id))
    source = (
        OptionalChoice.Source.SUPERVISOR
        if person.pk in access.report_ids
        else OptionalChoice.Source.HR_OFFICER
    )
    try:
        if request.POST.get("action") == "withdraw":
            choice = get_object_or_404(
                OptionalChoice, person=person, competency=competency
            )
            optional_choice_remove(choice=choice)
            messages.success(request, _("The optional competency is withdrawn."))
        else:
            optional_choice_add(
                competency=competency,
                person=person,
                source=source,
                chosen_by=request.user,
            )
            messages.success(
                request, _("The optional competency now counts towards the gaps.")
            )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("hr:person", person_id=person.pk)


@workspace_view(officer=True)
def attachment_download(request, access, attachment_id: int):
    attachment = selectors.attachment_get_for_hr(access, attachment_id)
    audit_record(
        actor=request.user,
        action=AuditAction.EVIDENCE_ATTACHMENT_DOWNLOAD,
        obj=attachment,
        subject=attachment.evidence.person_id,
        request=request,
    )
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "no-store"
    return response


@workspace_view(officer=False)
def team(request, access):
    if not access.is_supervisor:
        raise Http404
    page = Paginator(
        selectors.team_placements(access), selectors.DIRECTORY_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    selectors.unit_trails([placement.unit for placement in page.object_list])
    return workspace_render(
        request,
        "hr/team.html",
        access,
        "team",
        {"page": page, "querystring": ""},
    )


# ------------------------------------------------------------------------------
# Heat map
# ------------------------------------------------------------------------------


def _heatmap(request, access):
    frameworks = selectors.frameworks_for_hr()
    if not frameworks:
        raise Http404
    chosen = request.GET.get("framework")
    framework = next(
        (item for item in frameworks if str(item.pk) == chosen), frameworks[0]
    )
    node = request.GET.get("node")
    node_id = int(node) if node and node.isdigit() else None
    return frameworks, selectors.heatmap(
        access,
        node_id=node_id,
        framework=framework,
        by=request.GET.get("by", "child"),
    )


@workspace_view(officer=True)
def heatmap(request, access):
    frameworks, heat = _heatmap(request, access)
    chart = share_line_chart(
        [(month_label(point.month), point.share) for point in heat.trend]
    )
    return workspace_render(
        request,
        "hr/heatmap.html",
        access,
        "heatmap",
        {
            "heat": heat,
            "frameworks": frameworks,
            "chart": chart,
            "export_query": request.GET.urlencode(),
        },
    )


@workspace_view(officer=True)
def heatmap_export(request, access, fmt: str):
    fmt = _format(fmt)
    _frameworks, heat = _heatmap(request, access)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        request=request,
        detail={
            "table": "heatmap",
            "format": fmt,
            "node": heat.node.code,
            "framework": heat.framework.code,
            "by": heat.by,
        },
    )
    header = [
        "row_code",
        "row_name",
        "competency_code",
        "competency_name_th",
        "staff",
        "meeting",
        "share_meeting",
        "mean_gap",
        # "to_confirm" where the requirement behind the figures rests on standards
        # data not yet confirmed against the official text: provisional.
        "provisional",
    ]

    def rows():
        for row in heat.rows:
            code = row.unit.code if row.unit else row.group.code
            for item in row.heat_cells:
                if item.cell is None:
                    continue
                yield (
                    code,
                    row.label,
                    item.competency.code,
                    item.competency.name_th,
                    item.cell.staff,
                    item.cell.meeting,
                    round(item.cell.share_meeting, 4),
                    round(item.cell.mean_gap, 4),
                    Provenance.TO_CONFIRM.value if item.provisional else "",
                )

    return export_response(
        fmt,
        filename=f"heatmap-{heat.node.code}-{heat.framework.code}-{_stamp()}",
        title=_("Heat map"),
        header=header,
        rows=rows(),
    )


def _provisional_note(provisional) -> str:
    count = len(provisional)
    return ngettext(
        "Provisional: the figures of %(count)d competency (%(codes)s) rest on "
        "standards data not yet confirmed against the official text; they may "
        "change.",
        "Provisional: the figures of %(count)d competencies (%(codes)s) rest on "
        "standards data not yet confirmed against the official text; they may "
        "change.",
        count,
    ) % {"count": count, "codes": ", ".join(item.code for item in provisional)}


def _heat_label(heat, row) -> tuple[str, str]:
    if row.unit is None:
        return row.group.code, row.label
    if row.is_root:
        return row.unit.code, _("%(unit)s (placed directly)") % {"unit": row.label}
    return row.unit.code, row.label


@workspace_view(officer=True)
def heatmap_report(request, access):
    """The heat map as a report to print and file: the share of staff meeting each
    competency by unit (or group), with a total row; then the figures behind it."""
    _frameworks, heat = _heatmap(request, access)
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        request=request,
        detail={
            "table": "heatmap",
            "format": "report",
            "node": heat.node.code,
            "framework": heat.framework.code,
            "by": heat.by,
        },
    )
    on = timezone.localdate()
    scope = reports.unit_scope(heat.node)
    by_group = heat.by == "group"
    row_label = _("Personnel group") if by_group else _("Organisation unit")
    competencies = heat.matrix.competencies
    provisional = heat.provisional_competencies
    share = reports.ReportSheet(
        name=_("Share meeting"),
        title=reports.report_title(
            _("Share of staff meeting the required level"),
            scope=scope,
            framework=heat.framework.name,
            on=on,
        ),
        note=" ".join(
            [
                _(
                    "Each figure is the share of staff meeting the level their "
                    "personnel group requires; — where no one here is required to "
                    "have it. Competencies: see the sheet Figures."
                ),
                *([_provisional_note(provisional)] if provisional else []),
                *(
                    [
                        _(
                            "Groups with no staff in this scope (not listed): %(groups)s."
                        )
                        % {"groups": "; ".join(heat.groups_without_staff)}
                    ]
                    if heat.groups_without_staff
                    else []
                ),
            ]
        ),
        columns=[
            reports.Column(pgettext("report column", "Code"), width=14),
            reports.Column(row_label, width=34),
            reports.Column(_("Staff"), reports.INTEGER),
            *(
                reports.Column(f"{item.code} {item.name}", reports.PERCENT, width=16)
                for item in competencies
            ),
        ],
    )

    def share_row(code, label, row):
        return [
            code,
            label,
            row.staff,
            *(cell.share_meeting if cell else "—" for _c, cell, _b in row.cells),
        ]

    for row in heat.rows:
        share.rows.append(share_row(*_heat_label(heat, row), row))
    if heat.total:
        share.totals.append(share_row(heat.node.code, _("Total"), heat.total))
    figures = reports.ReportSheet(
        name=_("Figures"),
        title=reports.report_title(
            _("Staff meeting each competency"),
            scope=scope,
            framework=heat.framework.name,
            on=on,
        ),
        columns=[
            reports.Column(pgettext("report column", "Code"), width=14),
            reports.Column(row_label, width=34),
            reports.Column(_("Competency code"), width=16),
            reports.Column(_("Competency"), width=44),
            reports.Column(_("Staff"), reports.INTEGER),
            reports.Column(_("Meeting the requirement"), reports.INTEGER),
            reports.Column(_("Not yet"), reports.INTEGER),
            reports.Column(_("Share meeting"), reports.PERCENT),
            reports.Column(_("Mean gap (levels)"), reports.DECIMAL),
            reports.Column(_("Provisional"), width=40),
        ],
    )
    for row in [*heat.rows, *([heat.total] if heat.total else [])]:
        code, label = (
            (heat.node.code, _("Total"))
            if row is heat.total
            else _heat_label(heat, row)
        )
        for item in row.heat_cells:
            if item.cell is None:
                continue
            target = figures.totals if row is heat.total else figures.rows
            target.append(
                [
                    code,
                    label,
                    item.competency.code,
                    item.competency.name,
                    item.cell.staff,
                    item.cell.meeting,
                    item.not_meeting,
                    item.cell.share_meeting,
                    item.cell.mean_gap,
                    _("To confirm: rests on standards data not yet confirmed")
                    if item.provisional
                    else "",
                ]
            )
    return reports.report_response(
        filename=f"heatmap-report-{heat.node.code}-{heat.framework.code}-{_stamp()}",
        sheets=[share, figures],
    )


# ------------------------------------------------------------------------------
# Staff import
# ------------------------------------------------------------------------------


@workspace_view(officer=True)
def import_index(request, access):
    form = StaffUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = staff_import.staff_import_start(
                user=request.user,
                upload=form.cleaned_data["file"],
                request=request,
                column_map=form.cleaned_data["column_map"],
            )
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            return redirect("hr:import_job", job_id=job.pk)
    return workspace_render(
        request,
        "hr/import.html",
        access,
        "import",
        {
            "form": form,
            "jobs": selectors.import_jobs_recent(access),
            "columns": COLUMNS,
        },
    )


@workspace_view(officer=True)
def column_maps(request, access):
    """The saved column maps: every officer may read a file through any of them;
    those they may change (hr.change_column_map) are linked for editing."""
    maps = list(StaffColumnMap.objects.select_related("unit").order_by("name"))
    for item in maps:
        item.may_change = can(request.user, "hr.change_column_map", item)
    selectors.unit_trails([item.unit for item in maps if item.unit is not None])
    return workspace_render(
        request,
        "hr/column_maps.html",
        access,
        "import",
        {"maps": maps},
    )


def _column_map_for_change(request, map_id: int | None) -> StaffColumnMap | None:
    """The map to change (404 unless hr.change_column_map allows it), or None to
    create one (if the officer may)."""
    column_map = (
        get_object_or_404(StaffColumnMap.objects.select_related("unit"), pk=map_id)
        if map_id
        else None
    )
    require(request.user, "hr.change_column_map", column_map)
    return column_map


@workspace_view(officer=True)
def column_map_edit(request, access, map_id: int | None = None):
    column_map = _column_map_for_change(request, map_id)
    units = list(access.scope_units)
    owner = column_map.unit if column_map is not None else None
    if owner is not None and owner not in units:
        units.insert(0, owner)
    initial = (
        {
            "name": column_map.name,
            "source": column_map.source,
            "mapping": ColumnMapForm.mapping_text(column_map.mapping),
            "note": column_map.note,
            "unit": column_map.unit_id,
        }
        if column_map
        else {"unit": units[0].pk if units else None}
    )
    form = ColumnMapForm(
        request.POST or None,
        initial=initial,
        units=units,
        shared=can(request.user, "hr.share_column_map"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = staff_import.staff_column_map_save(
                user=request.user, column_map=column_map, **form.cleaned_data
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The column map is saved."))
            return redirect("hr:column_map_edit", map_id=saved.pk)
    return workspace_render(
        request,
        "hr/column_map_form.html",
        access,
        "import",
        {"form": form, "column_map": column_map, "columns": COLUMNS},
    )


@workspace_view(officer=True)
@require_POST
def column_map_delete(request, access, map_id: int):
    column_map = _column_map_for_change(request, map_id)
    staff_import.staff_column_map_delete(column_map=column_map)
    messages.success(
        request, _("The column map %(name)s is deleted.") % {"name": column_map.name}
    )
    return redirect("hr:column_maps")


@workspace_view(officer=True)
def import_template(request, access, fmt: str):
    """The staff file's template: header only (CSV), or a workbook listing every
    allowed value of the officer's organisation (XLSX)."""
    fmt = _format(fmt)
    if fmt == "csv":
        return export_response(
            "csv", filename="staff-template", title=_("Staff"), header=COLUMNS, rows=[]
        )
    workbook = staff_template.template_workbook(staff_template.template_values(access))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename="staff-template.xlsx"
    )
    return response


def _change_labels(changes: list[str]) -> str:
    """The plan's field names as the reader's words, in the active language."""
    labels = {
        "person": _("new person"),
        "placement": _("position"),
        "supervisor": _("supervisor"),
        "national_id_digest": _("national ID"),
        "national_id_masked": None,  # the same change as the digest
        "position_number": _("position number"),
        "administrative_post": _("administrative post"),
    }
    words = []
    for name in changes:
        label = (
            labels[name]
            if name in labels
            else Person._meta.get_field(name).verbose_name
        )
        if label is not None:
            words.append(str(label))
    return ", ".join(words)


def _problems(items: list[dict]) -> list[str]:
    return [Problem(item["code"], item.get("params", {})).message for item in items]


@workspace_view(officer=True)
def import_job(request, access, job_id: int):
    job = selectors.import_job_get(access, job_id)
    report = job.report or {}
    bad_rows = [
        {**row, "messages": _problems(row["problems"])} for row in report.get("bad", [])
    ]
    return workspace_render(
        request,
        "hr/import_job.html",
        access,
        "import",
        {
            "job": job,
            "progress": staff_import.import_progress_get(job.pk)
            if job.is_running
            else None,
            "header_errors": _problems(report.get("header_errors", [])),
            "bad_rows": bad_rows,
            "changes": {
                action: [
                    {**row, "changes": _change_labels(row["changes"])} for row in rows
                ]
                for action, rows in report.get("changes", {}).items()
            },
            "refresh_url": reverse("hr:import_job", kwargs={"job_id": job.pk}),
        },
    )


@workspace_view(officer=True)
@require_POST
def import_apply(request, access, job_id: int):
    job = selectors.import_job_get(access, job_id)
    if job.counts.get("bad") and not request.POST.get("skip_bad"):
        messages.error(
            request, _("Confirm that the bad rows are to be skipped, then apply.")
        )
        return redirect("hr:import_job", job_id=job.pk)
    try:
        job = staff_import.staff_import_apply_start(
            job=job, user=request.user, request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("hr:import_job", job_id=job.pk)
    if job.status == job.Status.APPLIED:
        messages.success(request, _("The staff file is applied."))
    elif job.status == job.Status.PLANNED and job.error == "stale":
        messages.warning(
            request,
            _(
                "The records changed since the dry run, so nothing was written. "
                "Check the new plan below and apply again."
            ),
        )
    return redirect("hr:import_job", job_id=job.pk)
