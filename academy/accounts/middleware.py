"""Gates in front of every view: MFA for staff pages, the privacy notice for everyone.

Both run after authentication and allauth's middleware, and both decide from the
session alone on the common path (no query when the session already carries the mark).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from .enrolment import enrolment_checked
from .mfa import mfa_enrolled, mfa_required, session_mfa_authenticated

#: Pages of staff and administrators: the HR workspace and the Wagtail admin.
STAFF_PATH_PREFIXES = ("/hr/", "/admin/")
#: Paths a signed-in person reaches before accepting the privacy notice: signing
#: out and the other account pages, language switching, assets, and the public
#: certificate documents that machines fetch.
PRIVACY_EXEMPT_PREFIXES = (
    "/accounts/",
    "/language/",
    "/static/",
    "/media/",
    "/credentials/",
    "/status-lists/",
    "/.well-known/",
)
PRIVACY_SESSION_KEY = "academy_privacy_notice_version"
#: Where a staff member was going when their first sign-in turned into setting up
#: two-step verification: the recovery codes page offers to continue there.
MFA_NEXT_SESSION_KEY = "academy_mfa_next"
#: allauth's pages that add an authenticator: a staff account's first one only
#: after the second-channel check (enrolment.py).
MFA_ENROLMENT_PREFIX = "/accounts/2fa/"
MFA_ADD_URL_NAMES = frozenset(
    {
        "mfa_activate_totp",
        "mfa_generate_recovery_codes",
        "mfa_add_webauthn",
        "mfa_signup_webauthn",
    }
)


def _redirect(
    url_name: str, request, next_url: str | None = None
) -> HttpResponseRedirect:
    query = urlencode({"next": next_url or request.get_full_path()})
    return HttpResponseRedirect(f"{reverse(url_name)}?{query}")


def _adds_an_authenticator(request) -> bool:
    if not request.path_info.startswith(MFA_ENROLMENT_PREFIX):
        return False
    try:
        return resolve(request.path_info).url_name in MFA_ADD_URL_NAMES
    except Resolver404:
        return False


class StaffMFAMiddleware:
    """Staff pages only from a session that passed MFA; setup first if not enrolled.

    A person who must use MFA and has no authenticator is sent to set one up, after
    proving by a second channel that it is them (enrolment.py); one who
    has it but whose session did not use it (signed in before enrolling, or by a
    method that skipped the stage) is asked for a code again through allauth's MFA
    re-authentication, which records the check in the session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path_info.startswith(STAFF_PATH_PREFIXES)
            and request.user.is_authenticated
            and mfa_required(request.user)
            and not session_mfa_authenticated(request)
        ):
            if mfa_enrolled(request.user):
                return _redirect("mfa_reauthenticate", request)
            messages.warning(
                request,
                _(
                    "Your role needs two-step verification. Set up an "
                    "authenticator app to continue."
                ),
            )
            request.session[MFA_NEXT_SESSION_KEY] = request.get_full_path()
            activate = _redirect("mfa_activate_totp", request)
            if enrolment_checked(request):
                return activate
            return _redirect("accounts:mfa_enrolment", request, activate.url)
        if (
            request.user.is_authenticated
            and _adds_an_authenticator(request)
            and mfa_required(request.user)
            and not enrolment_checked(request)
            and not mfa_enrolled(request.user)
        ):
            # The password alone would let whoever holds it bind their own device.
            return _redirect("accounts:mfa_enrolment", request)
        return self.get_response(request)


class PrivacyNoticeMiddleware:
    """A signed-in person reads and accepts the current privacy notice first.

    The session remembers the version accepted, so the database is asked once per
    session; raising ACADEMY_PRIVACY_NOTICE_VERSION shows the notice to everyone again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not request.path_info.startswith(
            PRIVACY_EXEMPT_PREFIXES
        ):
            version = settings.ACADEMY_PRIVACY_NOTICE_VERSION
            if request.session.get(PRIVACY_SESSION_KEY) != version:
                from .privacy import privacy_notice_accepted

                if not privacy_notice_accepted(user=request.user, version=version):
                    return _redirect("accounts:privacy_notice", request)
                request.session[PRIVACY_SESSION_KEY] = version
        return self.get_response(request)
