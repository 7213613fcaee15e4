"""The person's own account pages, beside allauth's under /accounts/."""

from django.contrib.auth.decorators import login_required
from django.urls import path
from django.views.generic import RedirectView

from . import views
from .oidc import pages as oidc_pages

app_name = "accounts"

urlpatterns = [
    # Resolved before allauth's own /accounts/email/ (see academy/urls.py).
    path("email/", views.EmailView.as_view(), name="email"),
    path("2fa/enrol/", views.mfa_enrolment, name="mfa_enrolment"),
    path("2fa/continue/", views.mfa_continue, name="mfa_continue"),
    # Resolved before allauth's own, under allauth's name (StaffMFAMiddleware gates
    # it by that name).
    path(
        "2fa/totp/activate/",
        views.ActivateTOTPView.as_view(),
        name="mfa_activate_totp",
    ),
    path("profile/", views.account, name="account"),
    path("privacy/", views.privacy_notice, name="privacy_notice"),
    path("my-data.json", views.personal_data_download, name="personal_data"),
    path("identities/", oidc_pages.identities, name="identities"),
    # allauth's own list of third-party accounts: the page above replaces it.
    path(
        "3rdparty/",
        login_required(RedirectView.as_view(pattern_name="accounts:identities")),
    ),
]
