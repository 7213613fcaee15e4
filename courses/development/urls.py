"""Development records: the learner's under /dashboard/ (the officer's are in the HR
workspace: hr.urls)."""

from django.urls import path

from . import plan_views, views

app_name = "development"

urlpatterns = [
    path("dashboard/development/", views.records_mine, name="mine"),
    path(
        "dashboard/development/<int:record_id>/file/",
        views.record_file_mine,
        name="file_mine",
    ),
]

urlpatterns += [
    path(
        "dashboard/plan/agreement/form/",
        plan_views.plan_agreement_form_mine,
        name="plan_agreement_form_mine",
    ),
]
