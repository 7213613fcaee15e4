"""The learner's development plan at /dashboard/plan/: thin views over the selectors.

The HR side (assignments, compliance, a person's plan in the workspace) is the hr
app's (hr.assignments).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy.core.forms import form_add_service_errors
from academy.core.thaidate import fiscal_year

from . import selectors, services
from .forms import PlanForm


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def _year(value) -> int:
    year = _int(value)
    current = fiscal_year(timezone.localdate())
    if year is None or not current - 10 <= year <= current + 1:
        return current
    return year


@login_required
def plan_mine(request):
    person, placement = selectors.person_and_placement_for_learner(request.user)
    year = _year(request.GET.get("year") or request.POST.get("year"))
    view = selectors.plan_view(person, year=year, placement=placement)
    planned_gaps = [row.gap.competency_id for row in view.gaps]
    planned_courses = [row.planned.course_id for row in view.courses]
    rows = (
        {
            row.competency.pk: row
            for row in view.profile.rows
            if services.plannable(row) or row.competency.pk in planned_gaps
        }
        if view.profile
        else {}
    )
    form = PlanForm(
        request.POST or None,
        # The profile's rows are in the competencies' order (sort order, code).
        competencies=[row.competency for row in rows.values()],
        rows=rows,
        courses=selectors.plan_course_choices(view.profile, planned_courses),
        initial={
            "gaps": planned_gaps,
            "courses": planned_courses,
            "note": view.plan.note if view.plan else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_save(
                person=person,
                year=year,
                profile=view.profile,
                competencies=list(form.cleaned_data["gaps"]),
                courses=list(form.cleaned_data["courses"]),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, _("Your development plan is saved."))
            return redirect(f"{request.path}?year={year}")
    return render(
        request,
        "courses/assignments/plan_mine.html",
        {"view": view, "form": form, "year": year},
    )


@login_required
@require_POST
def plan_mine_agree(request):
    person = selectors.person_for_learner(request.user)
    year = _year(request.POST.get("year"))
    view = selectors.plan_view(person, year=year)
    if view.plan is None:
        raise Http404
    try:
        services.plan_agree(plan=view.plan, actor=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You have agreed to your development plan."))
    return redirect(f"{reverse('assignments:plan_mine')}?year={year}")
