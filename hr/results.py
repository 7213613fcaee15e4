"""Assessment results of the officer's staff at /hr/assessments/."""

from django.core.paginator import Paginator
from django.http import Http404

from academy.accounts.audit import AuditAction, audit_record
from competencies.hr import selectors as hr_selectors
from courses.assessments import selectors

from .workspace import workspace_render, workspace_view

HR_PAGE_SIZE = 50


@workspace_view(officer=True)
def assessment_results(request, access):
    """Assessment results of the officer's staff; ?person=<id> narrows to one of them."""
    person = None
    if request.GET.get("person"):
        try:
            person_id = int(request.GET["person"])
        except ValueError as error:
            raise Http404 from error
        person = hr_selectors.person_get_for_hr(access, person_id)
    results = selectors.results_for_hr(access, person=person)
    page = Paginator(results, HR_PAGE_SIZE).get_page(request.GET.get("page"))
    others = [attempt.pk for attempt in page if attempt.user_id != request.user.pk]
    if others:
        audit_record(
            actor=request.user,
            action=AuditAction.RESULTS_VIEW,
            obj=person,
            subject=person,
            request=request,
            detail={"attempts": others},
        )
    return workspace_render(
        request,
        "hr/assessments.html",
        access,
        "assessments",
        {"person": person, "page_obj": page},
    )
