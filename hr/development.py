"""The HR officer's development-record pages at /hr/development/: thin views.

Only officers with a scope; a record of someone outside the scope is a 404, and the
officer's own record can be seen but not decided (`development.decide`).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from academy.accounts.audit import AuditAction, audit_record
from academy.accounts.authz import can, require
from academy.core.forms import form_add_service_errors
from academy.core.thaidate import fiscal_year, fiscal_year_bounds
from competencies.development.services import (
    development_record_approve,
    development_record_reject,
)
from competencies.models import DevelopmentRecord
from courses.development import selectors
from courses.development.views import evidence_file_response

from .forms import DevelopmentDecisionForm
from .workspace import workspace_render, workspace_view

PAGE_SIZE = 50


@workspace_view(officer=True)
def record_list(request, access):
    status = request.GET.get("status", DevelopmentRecord.Status.SUBMITTED)
    if status not in DevelopmentRecord.Status.values:
        status = ""
    page = Paginator(
        selectors.records_for_hr(access, status=status or None), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return workspace_render(
        request,
        "hr/development/list.html",
        access,
        "development",
        {
            "page": page,
            "status": status,
            "statuses": DevelopmentRecord.Status.choices,
            "querystring": f"status={status}",
        },
    )


@workspace_view(officer=True)
def record_detail(request, access, record_id: int):
    record = selectors.record_get_for_hr(access, record_id)
    may_decide = can(request.user, "development.decide", record)
    form = DevelopmentDecisionForm(request.POST or None) if may_decide else None
    if request.method == "POST":
        if form is None:
            require(request.user, "development.decide", record, hide=False)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == DevelopmentDecisionForm.REJECT:
                    development_record_reject(
                        record=record,
                        actor=request.user,
                        reason=data["reason"],
                        request=request,
                    )
                    messages.success(request, _("The record is rejected."))
                else:
                    development_record_approve(
                        record=record,
                        actor=request.user,
                        competency=data["competency"],
                        level=data["level"],
                        request=request,
                    )
                    messages.success(
                        request, _("The record is approved; its hours now count.")
                    )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                return redirect("hr:development_list")
    year = fiscal_year(record.ends_on)
    return workspace_render(
        request,
        "hr/development/detail.html",
        access,
        "development",
        {
            "record": record,
            "form": form,
            "may_decide": may_decide,
            "year": year,
            "hours": selectors.development_hours(
                record.person, *fiscal_year_bounds(year)
            ),
            "today": timezone.localdate(),
        },
    )


@workspace_view(officer=True)
def record_file(request, access, record_id: int):
    record = selectors.record_get_for_hr(access, record_id)
    require(request.user, "development.view_record", record)
    audit_record(
        actor=request.user,
        action=AuditAction.EVIDENCE_ATTACHMENT_DOWNLOAD,
        obj=record,
        subject=record.person_id,
        request=request,
    )
    return evidence_file_response(record)
