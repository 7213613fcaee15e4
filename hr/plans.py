"""Agreeing development plans beyond the person's own agreement: the supervisor
returns a plan with a comment, HR records a paper agreement with the signed form,
supervisors list their staff's plans, and HR invites a supervisor. Thin views.

Who may is asked of the selectors' scope: the direct supervisor of the current
placement returns (as they agree, selectors.plan_person_for_workspace); officers of
the person's unit record a paper agreement and invite (`plans.record_agreement`,
`hr.change_person`); everyone else gets a 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy.accounts.authz import require
from academy.core.forms import form_add_service_errors
from competencies.hr.selectors import person_get_for_hr
from courses.assignments import selectors as plan_selectors
from courses.assignments import services as plan_services
from courses.development import selectors, services
from courses.development.plan_views import agreement_form_response

from .assignments import _year
from .forms import PlanAgreementRecordForm, PlanReturnForm, SupervisorInviteForm
from .workspace import workspace_render, workspace_view


def _plan_url(person_id: int, year: int) -> str:
    return f"{reverse('hr:plan_workspace', args=[person_id])}?year={year}"


def _workspace_plan(request, access, person_id: int):
    plan_access = plan_selectors.plan_person_for_workspace(access, person_id)
    year = _year(request.POST.get("year") or request.GET.get("year"))
    view = plan_selectors.plan_view(
        plan_access.person, year=year, placement=plan_access.placement
    )
    if view.plan is None:
        raise Http404
    return plan_access, view, year


@workspace_view(officer=False)
@require_POST
def plan_return(request, access, person_id: int):
    plan_access, view, year = _workspace_plan(request, access, person_id)
    if not plan_access.can_agree_as_supervisor:
        raise Http404
    form = PlanReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what should change before you agree."))
    else:
        try:
            plan_services.plan_return(
                plan=view.plan,
                actor=request.user,
                as_supervisor=plan_access.supervisor,
                comment=form.cleaned_data["comment"],
                request=request,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The plan is returned with your comment."))
    return redirect(_plan_url(plan_access.person.pk, year))


@workspace_view(officer=True)
@require_POST
def plan_agreement_record(request, access, person_id: int):
    plan_access, view, year = _workspace_plan(request, access, person_id)
    require(request.user, "plans.record_agreement", plan_access.person)
    form = PlanAgreementRecordForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            plan_services.plan_agreement_record(
                plan=view.plan,
                actor=request.user,
                signed_form=form.cleaned_data["signed_form"],
                request=request,
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request, _("The supervisor's agreement is recorded with the form.")
            )
            return redirect(_plan_url(plan_access.person.pk, year))
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)
    return redirect(_plan_url(plan_access.person.pk, year))


@workspace_view(officer=False)
def plan_agreement_form(request, access, person_id: int):
    _plan_access, view, _year_value = _workspace_plan(request, access, person_id)
    require(request.user, "plans.view_agreement_form", view.plan)
    return agreement_form_response(view.plan)


@workspace_view(officer=False)
def supervisor_plans(request, access):
    if not access.is_supervisor:
        raise Http404
    year = _year(request.GET.get("year"))
    page = Paginator(selectors.supervisor_plans(access, year=year), 50).get_page(
        request.GET.get("page")
    )
    return workspace_render(
        request,
        "hr/plans/supervisor_plans.html",
        access,
        "plans",
        {
            "page": page,
            "year": year,
            "querystring": f"year={year}",
        },
    )


@workspace_view(officer=True)
def supervisor_invite(request, access, person_id: int):
    supervisor = person_get_for_hr(access, person_id)
    form = SupervisorInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.supervisor_invite(
                access=access,
                supervisor=supervisor,
                staff_numbers=form.cleaned_data["staff"],
                request=request,
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "The invitation is sent to %(email)s; %(count)d people now "
                    "report to them."
                )
                % {"email": result.user.email, "count": result.linked_staff},
            )
            return redirect("hr:person", person_id=supervisor.pk)
    return workspace_render(
        request,
        "hr/plans/supervisor_invite.html",
        access,
        "directory",
        {
            "form": form,
            "person": supervisor,
        },
    )
