"""Assignments and compliance in the HR workspace, development plans; mounted at the
site root before the HR workspace (see academy/urls.py)."""

from django.urls import path

from . import fiscal_views, report_views, views

app_name = "assignments"

urlpatterns = [
    path("hr/assignments/", views.assignment_list, name="list"),
    path("hr/assignments/new/", views.assignment_new, name="new"),
    path("hr/assignments/<int:assignment_id>/", views.assignment_detail, name="detail"),
    path(
        "hr/assignments/<int:assignment_id>/change/",
        views.assignment_change,
        name="change",
    ),
    path(
        "hr/assignments/<int:assignment_id>/cancel/",
        views.assignment_cancel,
        name="cancel",
    ),
    path("hr/compliance/", views.compliance, name="compliance"),
    path(
        "hr/compliance/export.<slug:fmt>",
        views.compliance_export,
        name="compliance_export",
    ),
    path(
        "hr/compliance/report.xlsx",
        report_views.compliance_report,
        name="compliance_report",
    ),
    path("hr/fiscal/", fiscal_views.fiscal_page, name="fiscal"),
    path(
        "hr/fiscal/report.xlsx", fiscal_views.fiscal_report_xlsx, name="fiscal_report"
    ),
    path(
        "hr/people/<int:person_id>/plan/", views.plan_workspace, name="plan_workspace"
    ),
    path(
        "hr/people/<int:person_id>/plan/agree/",
        views.plan_workspace_agree,
        name="plan_workspace_agree",
    ),
    path("dashboard/plan/", views.plan_mine, name="plan_mine"),
    path("dashboard/plan/agree/", views.plan_mine_agree, name="plan_mine_agree"),
]
