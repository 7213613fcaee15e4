"""The person's own account pages: overview, privacy notice, personal data download,
and allauth's address page with one rule of ours."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import (
    content_disposition_header,
    url_has_allowed_host_and_scheme,
)
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from allauth.account.adapter import get_adapter
from allauth.account.views import EmailView as AllauthEmailView

from .authz import require
from .forms import PrivacyNoticeForm
from .mfa import mfa_enrolled, mfa_required
from .middleware import PRIVACY_SESSION_KEY
from .privacy import personal_data_export, privacy_notice_accept


def _safe_next(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
def account(request):
    """/accounts/profile/: links to every account setting and the data download."""
    return render(
        request,
        "accounts/account.html",
        {
            "mfa_required": mfa_required(request.user),
            "mfa_enrolled": mfa_enrolled(request.user),
            "acceptance": request.user.privacy_acceptances.order_by(
                "-accepted_at"
            ).first(),
        },
    )


@never_cache
def privacy_notice(request):
    """The notice (public), with its acceptance form for a signed-in person who has
    not accepted the current version."""
    version = settings.ACADEMY_PRIVACY_NOTICE_VERSION
    accepted, form = None, None
    if request.user.is_authenticated:
        accepted = request.user.privacy_acceptances.filter(version=version).first()
        if accepted is None:
            form = PrivacyNoticeForm(request.POST if request.method == "POST" else None)
    elif request.method == "POST":
        return redirect_to_login(request.get_full_path())
    if request.method == "POST" and form is not None and form.is_valid():
        privacy_notice_accept(user=request.user, version=version, request=request)
        request.session[PRIVACY_SESSION_KEY] = version
        return redirect(_safe_next(request))
    return render(
        request,
        "accounts/privacy_notice.html",
        {
            "form": form,
            "accepted": accepted,
            "version": version,
            "retention_years": settings.ACADEMY_RETENTION_DAYS // 365,
            "next": _safe_next(request, default=""),
        },
        status=400 if request.method == "POST" and form and form.errors else 200,
    )


@login_required
@require_POST
def personal_data_download(request):
    """The person's data as one JSON file (PDPA right of access and portability)."""
    require(request.user, "accounts.export_personal_data", request.user, hide=False)
    document = personal_data_export(user=request.user, request=request)
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"my-data-{stamp}.json"
    )
    response["Cache-Control"] = "no-store"
    return response


class EmailView(AllauthEmailView):
    """allauth's address page, where an unverified address never becomes primary.

    allauth lets an account without any verified address make an unverified one
    primary; here every account starts that way (accounts are provisioned), so anyone
    could make a colleague's address their primary one. The account's person record
    never follows the primary address (competencies.services.person_ensure_for_user),
    but mail and what others read as "this account's address" do.
    """

    def _action_primary(self, request, *args, **kwargs):
        email_address = self._get_email_address(request)
        if email_address is not None and not email_address.verified:
            get_adapter(request).add_message(
                request, messages.ERROR, "account/messages/unverified_primary_email.txt"
            )
            return None
        return super()._action_primary(request, *args, **kwargs)

