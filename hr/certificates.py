"""The certificates of an officer's staff at /hr/certificates/, and ZIPs of them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from academy.accounts.audit import AuditAction, audit_views_once_a_day
from certificates import selectors, services, views
from certificates.forms import HRBundleForm
from competencies.hr.selectors import units_in_scope

from .workspace import workspace_render, workspace_view

HR_PAGE_SIZE = 50


def _hr_page(request, access, *, form=None, status=200):
    units = units_in_scope(access)
    # Read once: the filter's choices and the ZIP form's.
    unit_list = list(units)
    unit = None
    if request.GET.get("unit"):
        chosen = request.GET["unit"]
        unit = next((item for item in unit_list if str(item.pk) == chosen), None)
        if unit is None:
            raise Http404
    certificates = selectors.certificates_for_hr(access, unit=unit)
    page = Paginator(certificates, HR_PAGE_SIZE).get_page(request.GET.get("page"))
    # Reading others' certificates is audited, once a day for each holder: this
    # page is opened again and again (audit_views_once_a_day).
    others: dict[int, dict] = {}
    for certificate in page:
        if certificate.user_id != request.user.pk:
            others.setdefault(certificate.person_id, {"certificates": []})[
                "certificates"
            ].append(certificate.number)
    audit_views_once_a_day(
        actor=request.user,
        action=AuditAction.CERTIFICATE_VIEW,
        subjects=others,
        obj=unit,
        request=request,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return workspace_render(
        request,
        "hr/certificates.html",
        access,
        "certificates",
        {
            "page": page,
            "unit": unit,
            "units": unit_list,
            "querystring": query.urlencode(),
            "form": form
            or HRBundleForm(
                units=units,
                units_read=unit_list,
                courses=selectors.bundle_courses(),
                initial={"unit": unit},
            ),
            "bundles": selectors.bundles_for_user(user=request.user),
        },
        status=status,
    )


@workspace_view(officer=True)
def certificates(request, access):
    """/hr/certificates/: certificates of the staff in the officer's scope."""
    return _hr_page(request, access)


@workspace_view(officer=True)
@require_POST
def bundle_request(request, access):
    form = HRBundleForm(
        request.POST,
        units=units_in_scope(access),
        courses=selectors.bundle_courses(),
    )
    if not form.is_valid():
        return _hr_page(request, access, form=form, status=400)
    try:
        services.certificate_bundle_request(
            requested_by=request.user,
            unit=form.cleaned_data["unit"],
            course=form.cleaned_data["course"],
        )
    except PermissionDenied:
        raise Http404 from None
    messages.success(
        request, _("The ZIP is being prepared; it appears below when ready.")
    )
    return redirect("hr:certificates")


@workspace_view(officer=True)
def bundle_download(request, access, pk: int):
    bundle = selectors.bundle_get_for_download(user=request.user, pk=pk)
    return views.bundle_response(request, bundle)
