"""The person's own account pages, beside allauth's under /accounts/."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    # Resolved before allauth's own /accounts/email/ (see academy/urls.py).
    path("email/", views.EmailView.as_view(), name="email"),
    path("2fa/enrol/", views.mfa_enrolment, name="mfa_enrolment"),
    path("profile/", views.account, name="account"),
    path("privacy/", views.privacy_notice, name="privacy_notice"),
    path("my-data.json", views.personal_data_download, name="personal_data"),
]
