"""Assessment results of the officer's staff at /hr/assessments/."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from competencies.hr import selectors as hr_selectors
from courses.assessments import selectors

from .sections import hr_nav_items

HR_PAGE_SIZE = 50


@login_required
def assessment_results(request):
    """Assessment results of the officer's staff; ?person=<id> narrows to one of them."""
    access = hr_selectors.hr_access(request.user)
    if not access.is_hr_officer:
        raise Http404
    person = None
    if request.GET.get("person"):
        try:
            person_id = int(request.GET["person"])
        except ValueError as error:
            raise Http404 from error
        person = hr_selectors.person_get_for_hr(access, person_id)
    results = selectors.results_for_hr(access, person=person)
    page = Paginator(results, HR_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "hr/assessments.html",
        {
            "access": access,
            "section": "assessments",
            "hr_nav": hr_nav_items(),
            "person": person,
            "page_obj": page,
        },
    )
