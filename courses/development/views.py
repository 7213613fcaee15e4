"""The learner's development records at /dashboard/development/: thin views.

A learner sees and submits only their own records; the evidence file is served
through `development.view_record` (private storage, no direct URL).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.accounts.authz import require
from academy.core.forms import form_add_service_errors
from academy.core.thaidate import fiscal_year, fiscal_year_bounds
from competencies.development.services import development_record_submit

from ..assignments.selectors import person_for_learner
from . import selectors
from .forms import DevelopmentRecordForm


@login_required
def records_mine(request):
    person = person_for_learner(request.user)
    form = DevelopmentRecordForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            development_record_submit(
                person=person,
                actor=request.user,
                kind=data["kind"],
                title=data["title"],
                provider=data["provider"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                hours=data["hours"],
                evidence_file=data["evidence_file"],
                request=request,
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(
                request, _("Your record is submitted; an HR officer will review it.")
            )
            return redirect("development:mine")
    year = fiscal_year(timezone.localdate())
    hours = selectors.development_hours(person, *fiscal_year_bounds(year))
    return render(
        request,
        "courses/development/mine.html",
        {
            "form": form,
            "records": selectors.records_of_person(person),
            "hours": hours,
            "year": year,
        },
    )


def evidence_file_response(record) -> FileResponse:
    """The record's evidence file as a download; never cached."""
    if not record.evidence_file:
        raise Http404
    response = FileResponse(
        record.evidence_file.open("rb"),
        as_attachment=True,
        filename=record.evidence_name or "evidence",
        content_type=record.evidence_content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def record_file_mine(request, record_id: int):
    record = selectors.record_get_for_learner(request.user, record_id)
    require(request.user, "development.view_record", record)
    return evidence_file_response(record)
