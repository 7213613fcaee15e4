"""Assignments, compliance and a person's development plan in the HR workspace
(/hr/assignments/, /hr/compliance/, /hr/people/<id>/plan/): thin views over
courses.assignments' selectors and services. They answer 404 to anyone the scope does
not cover; the learner's own plan is courses.assignments.views'.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy.accounts.audit import AuditAction, audit_record
from academy.accounts.authz import can
from academy.core.forms import form_add_service_errors
from academy.core.thaidate import fiscal_year
from competencies.hr.selectors import unit_trails
from courses.assignments import selectors, services

from .assignment_forms import AssignmentChangeForm, AssignmentForm
from .exports import FORMATS, export_response
from .workspace import workspace_render, workspace_view

COMPLIANCE_PAGE_SIZE = 20
COMPLIANCE_HEADER = [
    "assignment_id",
    "course_code",
    "course_title",
    "due_on",
    "unit_code",
    "unit_name_th",
    "assigned",
    "completed",
    "in_progress",
    "not_started",
    "overdue",
]


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def _year(value) -> int:
    year = _int(value)
    current = fiscal_year(timezone.localdate())
    if year is None or not current - 10 <= year <= current + 1:
        return current
    return year


# ------------------------------------------------------------------------------
# Assignments
# ------------------------------------------------------------------------------


@workspace_view(officer=True)
def assignment_list(request, access):
    page = Paginator(
        selectors.assignments_visible(access), COMPLIANCE_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    tallies = selectors.assignment_tallies(access, list(page.object_list))
    unit_trails([item.unit for item in page.object_list])
    rows = [(item, tallies[item.pk]) for item in page.object_list]
    return workspace_render(
        request,
        "hr/assignments/list.html",
        access,
        "assignments",
        {"page": page, "rows": rows, "querystring": "", "today": selectors.today()},
    )


@workspace_view(officer=True)
def assignment_new(request, access):
    """The form; "Preview" counts who the choice reaches, "Assign" assigns."""
    form = AssignmentForm(request.POST or None, access=access)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = selectors.assignment_reach(access, form.target())
        else:
            try:
                assignment = services.assignment_create(
                    access=access,
                    course=form.cleaned_data["course"],
                    due_on=form.cleaned_data["due_on"],
                    target=form.target(),
                    note=form.cleaned_data["note"],
                    include_new_members=form.cleaned_data["include_new_members"],
                    request=request,
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The course is assigned to %(count)d people.")
                    % {"count": assignment.assignees.count()},
                )
                return redirect("hr:assignment_detail", assignment_id=assignment.pk)
    return workspace_render(
        request,
        "hr/assignments/form.html",
        access,
        "assignments",
        {"form": form, "preview": preview},
    )


@workspace_view(officer=True)
def assignment_detail(request, access, assignment_id: int, change_form=None):
    assignment = selectors.assignment_get(access, assignment_id)
    node = selectors.compliance_node(access, _int(request.GET.get("node")))
    report = selectors.compliance(access, node=node, assignments=[assignment])
    people = Paginator(
        selectors.assignment_people_status(access, assignment), selectors.PAGE_SIZE
    ).get_page(request.GET.get("page"))
    selectors.with_units_now(people.object_list, also=[assignment.unit])
    may_change = not assignment.is_cancelled and can(
        request.user, "assignments.change", assignment
    )
    if may_change and change_form is None:
        change_form = AssignmentChangeForm(
            initial={"due_on": assignment.due_on, "note": assignment.note}
        )
    return workspace_render(
        request,
        "hr/assignments/detail.html",
        access,
        "assignments",
        {
            "assignment": assignment,
            "report": report,
            "page": people,
            "querystring": f"node={node.pk}",
            "today": report.on,
            "may_change": may_change,
            "change_form": change_form if may_change else None,
        },
    )


@workspace_view(officer=True)
@require_POST
def assignment_change(request, access, assignment_id: int):
    assignment = selectors.assignment_get(access, assignment_id)
    form = AssignmentChangeForm(request.POST)
    if form.is_valid():
        try:
            services.assignment_change(
                access=access,
                assignment=assignment,
                due_on=form.cleaned_data["due_on"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("The assignment is updated."))
            return redirect("hr:assignment_detail", assignment_id=assignment.pk)
    response = assignment_detail(request, assignment_id, change_form=form)
    response.status_code = 400
    return response


@workspace_view(officer=True)
@require_POST
def assignment_cancel(request, access, assignment_id: int):
    assignment = selectors.assignment_get(access, assignment_id)
    try:
        services.assignment_cancel(
            access=access, assignment=assignment, request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "The assignment is cancelled: learners no longer see it or get reminders."
            ),
        )
    return redirect("hr:assignment_detail", assignment_id=assignment.pk)


# ------------------------------------------------------------------------------
# Compliance
# ------------------------------------------------------------------------------


@workspace_view(officer=True)
def compliance(request, access):
    node = selectors.compliance_node(access, _int(request.GET.get("node")))
    page = Paginator(
        selectors.assignments_visible(access, active_only=True), COMPLIANCE_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    report = selectors.compliance(access, node=node, assignments=list(page.object_list))
    return workspace_render(
        request,
        "hr/assignments/compliance.html",
        access,
        "compliance",
        {
            "report": report,
            "page": page,
            "querystring": f"node={node.pk}",
            "today": report.on,
        },
    )


@workspace_view(officer=True)
def compliance_export(request, access, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    node = selectors.compliance_node(access, _int(request.GET.get("node")))
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        request=request,
        detail={"table": "compliance", "format": fmt, "node": node.code},
    )
    return export_response(
        fmt,
        filename=f"compliance-{node.code}-{timezone.localdate().isoformat()}",
        title=_("Compliance"),
        header=COMPLIANCE_HEADER,
        rows=selectors.compliance_export_rows(access, node=node),
    )


# ------------------------------------------------------------------------------
# Development plans
# ------------------------------------------------------------------------------


@workspace_view(officer=False)
def plan_workspace(request, access, person_id: int):
    plan_access = selectors.plan_person_for_workspace(access, person_id)
    year = _year(request.GET.get("year"))
    view = selectors.plan_view(
        plan_access.person, year=year, placement=plan_access.placement
    )
    return workspace_render(
        request,
        "hr/assignments/plan_workspace.html",
        access,
        "directory" if access.is_hr_officer else "team",
        {
            "view": view,
            "person": plan_access.person,
            "can_agree": plan_access.can_agree_as_supervisor,
            "can_record": can(
                request.user, "plans.record_agreement", plan_access.person
            ),
            "year": year,
        },
    )


@workspace_view(officer=False)
@require_POST
def plan_workspace_agree(request, access, person_id: int):
    plan_access = selectors.plan_person_for_workspace(access, person_id)
    if not plan_access.can_agree_as_supervisor:
        raise Http404
    year = _year(request.POST.get("year"))
    view = selectors.plan_view(
        plan_access.person, year=year, placement=plan_access.placement
    )
    if view.plan is None:
        raise Http404
    try:
        services.plan_agree(
            plan=view.plan,
            actor=request.user,
            as_supervisor=plan_access.supervisor,
            request=request,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You have agreed to this development plan."))
    url = reverse("hr:plan_workspace", args=[plan_access.person.pk])
    return redirect(f"{url}?year={year}")
