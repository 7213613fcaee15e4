"""Gates in front of every view: MFA for staff pages, the privacy notice for everyone.

Both run after authentication and allauth's middleware, and both decide from the
session alone on the common path (no query when the session already carries the mark).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .mfa import mfa_enrolled, mfa_required, session_mfa_authenticated

#: Pages of staff and administrators: the HR workspace and the Wagtail admin.
STAFF_PATH_PREFIXES = ("/hr/", "/admin/")
#: Paths a signed-in person reaches before accepting the privacy notice: signing
#: out and the other account pages, language switching, assets, and the public
#: certificate documents that machines fetch.
PRIVACY_EXEMPT_PREFIXES = (
    "/accounts/",
    "/i18n/",
    "/static/",
    "/media/",
    "/credentials/",
    "/status-lists/",
    "/.well-known/",
)
PRIVACY_SESSION_KEY = "academy_privacy_notice_version"


def _redirect(url_name: str, request) -> HttpResponseRedirect:
    query = urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(f"{reverse(url_name)}?{query}")


class StaffMFAMiddleware:
    """Staff pages only from a session that passed MFA; setup first if not enrolled.

    A person who must use MFA and has no authenticator is sent to set one up; one who
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
            return _redirect("mfa_activate_totp", request)
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
