"""The learner's own copy of the signed agreement form of their development plan
(/dashboard/plan/agreement/form/); the HR and supervisor side of agreeing plans is
hr.plans'."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404

from academy.accounts.authz import require

from ..assignments import selectors as plan_selectors
from ..assignments.views import _year


def agreement_form_response(plan) -> FileResponse:
    """The signed form as a private download (never cached)."""
    if not plan.agreement_form:
        raise Http404
    response = FileResponse(
        plan.agreement_form.open("rb"),
        as_attachment=True,
        filename=plan.agreement_form_name or "agreement",
        content_type=plan.agreement_form_type or "application/octet-stream",
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def plan_agreement_form_mine(request):
    person = plan_selectors.person_for_learner(request.user)
    view = plan_selectors.plan_view(person, year=_year(request.GET.get("year")))
    if view.plan is None:
        raise Http404
    require(request.user, "plans.view_agreement_form", view.plan)
    return agreement_form_response(view.plan)
