"""The person's own account pages: overview, privacy notice, personal data download,
and allauth's address page with one rule of ours."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import (
    content_disposition_header,
    url_has_allowed_host_and_scheme,
)
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from allauth.account.adapter import get_adapter
from allauth.account.views import EmailView as AllauthEmailView
from allauth.mfa.totp.views import ActivateTOTPView as AllauthActivateTOTPView

from academy.core.ratelimit import attempt_refused

from . import enrolment
from .authz import require
from .forms import MFAEnrolmentCheckForm, PrivacyNoticeForm
from .mfa import mfa_enrolled, mfa_required
from .middleware import MFA_NEXT_SESSION_KEY, PRIVACY_SESSION_KEY
from .privacy import personal_data_export, privacy_notice_accept


def _safe_next(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
def mfa_continue(request):
    """After setting up two-step verification: on to the staff page first asked for
    (remembered by StaffMFAMiddleware), else the account page."""
    target = request.session.pop(MFA_NEXT_SESSION_KEY, "")
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("accounts:account")
    return redirect(target)


class ActivateTOTPView(AllauthActivateTOTPView):
    """allauth's authenticator activation, ending where a first sign-in was going.

    allauth shows the new recovery codes next, and that page offers to continue; when
    it makes none (recovery codes are switched off in MFA_SUPPORTED_TYPES, or the
    account has codes already) it shows its two-step overview instead, a dead end for
    a staff member whose sign-in was for /admin/ or /hr/.
    """

    def get_success_url(self) -> str:
        if not self.did_generate_recovery_codes and self.request.session.get(
            MFA_NEXT_SESSION_KEY
        ):
            return reverse("accounts:mfa_continue")
        return super().get_success_url()


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


@never_cache
@login_required
def mfa_enrolment(request):
    """/accounts/2fa/enrol/: the second channel before a staff account's first
    authenticator (see enrolment.py); then on to allauth's TOTP activation."""
    next_url = _safe_next(request, default=reverse("mfa_activate_totp"))
    if not mfa_required(request.user) or mfa_enrolled(request.user):
        return redirect(next_url)
    form = MFAEnrolmentCheckForm()
    status = 200
    if request.method == "POST" and request.POST.get("action") == "send":
        if attempt_refused(
            request,
            scope=f"mfa-enrolment-send:{request.user.pk}",
            limit=enrolment.SEND_ATTEMPTS,
            window=enrolment.CHECK_WINDOW_SECONDS,
        ):
            messages.error(
                request, _("Too many attempts. Wait a few minutes and try again.")
            )
            return redirect(request.get_full_path())
        try:
            address = enrolment.enrolment_code_send(user=request.user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("A code is on its way to %(address)s.") % {"address": address},
            )
    elif request.method == "POST":
        form = MFAEnrolmentCheckForm(request.POST)
        if form.is_valid():
            if attempt_refused(
                request,
                scope=f"mfa-enrolment:{request.user.pk}",
                limit=enrolment.CHECK_ATTEMPTS,
                window=enrolment.CHECK_WINDOW_SECONDS,
            ):
                form.add_error(
                    "code", _("Too many attempts. Wait a few minutes and try again.")
                )
            else:
                try:
                    enrolment.enrolment_check(
                        user=request.user,
                        secret=form.cleaned_data["code"],
                        request=request,
                    )
                except ValidationError as error:
                    form.add_error("code", error)
                else:
                    return redirect(next_url)
        status = 400
    return render(
        request,
        "accounts/mfa_enrolment.html",
        {
            "form": form,
            "next": next_url,
            "address": enrolment.enrolment_address(request.user),
        },
        status=status,
    )
