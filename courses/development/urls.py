"""Development records: the learner's under /dashboard/, the officer's under /hr/;
mounted at the site root before the HR workspace (see academy/urls.py)."""

from django.urls import path

from . import hr_views, plan_views, views

app_name = "development"

urlpatterns = [
    path("dashboard/development/", views.records_mine, name="mine"),
    path(
        "dashboard/development/<int:record_id>/file/",
        views.record_file_mine,
        name="file_mine",
    ),
    path("hr/development/", hr_views.record_list, name="hr_list"),
    path("hr/development/<int:record_id>/", hr_views.record_detail, name="hr_detail"),
    path("hr/development/<int:record_id>/file/", hr_views.record_file, name="hr_file"),
]

urlpatterns += [
    path(
        "hr/people/<int:person_id>/plan/return/",
        plan_views.plan_return,
        name="plan_return",
    ),
    path(
        "hr/people/<int:person_id>/plan/agreement/",
        plan_views.plan_agreement_record,
        name="plan_agreement_record",
    ),
    path(
        "hr/people/<int:person_id>/plan/agreement/form/",
        plan_views.plan_agreement_form,
        name="plan_agreement_form",
    ),
    path(
        "dashboard/plan/agreement/form/",
        plan_views.plan_agreement_form_mine,
        name="plan_agreement_form_mine",
    ),
    path("hr/plans/", plan_views.supervisor_plans, name="supervisor_plans"),
    path(
        "hr/people/<int:person_id>/invite-supervisor/",
        plan_views.supervisor_invite,
        name="supervisor_invite",
    ),
]
