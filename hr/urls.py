"""The HR officer's workspace, mounted at /hr/ (see academy/urls.py): every page of
it, from whichever domain app its data comes, in this one URLconf."""

from django.urls import path

from . import (
    assignment_reports,
    assignments,
    certificates,
    development,
    fiscal,
    plans,
    register,
    report_views,
    results,
    views,
)

app_name = "hr"

urlpatterns = [
    path("", views.home, name="home"),
    path("people/", views.directory, name="directory"),
    path("people/export.<slug:fmt>", views.directory_export, name="directory_export"),
    path("people/report.xlsx", report_views.directory_report, name="directory_report"),
    path("people/<int:person_id>/", views.person, name="person"),
    path(
        "people/<int:person_id>/evidence.<slug:fmt>",
        views.person_evidence_export,
        name="person_evidence_export",
    ),
    path(
        "people/<int:person_id>/evidence/report.xlsx",
        report_views.person_evidence_report,
        name="person_evidence_report",
    ),
    path(
        "people/<int:person_id>/evidence/new/",
        views.evidence_new,
        name="evidence_new",
    ),
    path(
        "attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "people/<int:person_id>/optional/",
        views.optional_choice,
        name="optional_choice",
    ),
    path(
        "people/<int:person_id>/plan/",
        assignments.plan_workspace,
        name="plan_workspace",
    ),
    path(
        "people/<int:person_id>/plan/agree/",
        assignments.plan_workspace_agree,
        name="plan_workspace_agree",
    ),
    path("team/", views.team, name="team"),
    path("heatmap/", views.heatmap, name="heatmap"),
    path("heatmap/export.<slug:fmt>", views.heatmap_export, name="heatmap_export"),
    path("heatmap/report.xlsx", views.heatmap_report, name="heatmap_report"),
    path("import/", views.import_index, name="import"),
    path("import/template.<slug:fmt>", views.import_template, name="import_template"),
    path("import/maps/", views.column_maps, name="column_maps"),
    path("import/maps/new/", views.column_map_edit, name="column_map_new"),
    path("import/maps/<int:map_id>/", views.column_map_edit, name="column_map_edit"),
    path(
        "import/maps/<int:map_id>/delete/",
        views.column_map_delete,
        name="column_map_delete",
    ),
    path("import/<int:job_id>/", views.import_job, name="import_job"),
    path("import/<int:job_id>/apply/", views.import_apply, name="import_apply"),
    path("assignments/", assignments.assignment_list, name="assignment_list"),
    path("assignments/new/", assignments.assignment_new, name="assignment_new"),
    path(
        "assignments/<int:assignment_id>/",
        assignments.assignment_detail,
        name="assignment_detail",
    ),
    path(
        "assignments/<int:assignment_id>/change/",
        assignments.assignment_change,
        name="assignment_change",
    ),
    path(
        "assignments/<int:assignment_id>/cancel/",
        assignments.assignment_cancel,
        name="assignment_cancel",
    ),
    path("compliance/", assignments.compliance, name="compliance"),
    path(
        "compliance/export.<slug:fmt>",
        assignments.compliance_export,
        name="compliance_export",
    ),
    path("assessments/", results.assessment_results, name="assessments"),
    path("certificates/", certificates.certificates, name="certificates"),
    path(
        "certificates/bundles/",
        certificates.bundle_request,
        name="certificate_bundle_request",
    ),
    path(
        "certificates/bundles/<int:pk>.zip",
        certificates.bundle_download,
        name="certificate_bundle_download",
    ),
    path(
        "compliance/report.xlsx",
        assignment_reports.compliance_report,
        name="compliance_report",
    ),
    path("development/", development.record_list, name="development_list"),
    path(
        "development/<int:record_id>/",
        development.record_detail,
        name="development_detail",
    ),
    path(
        "development/<int:record_id>/file/",
        development.record_file,
        name="development_file",
    ),
    path(
        "people/<int:person_id>/plan/return/",
        plans.plan_return,
        name="plan_return",
    ),
    path(
        "people/<int:person_id>/plan/agreement/",
        plans.plan_agreement_record,
        name="plan_agreement_record",
    ),
    path(
        "people/<int:person_id>/plan/agreement/form/",
        plans.plan_agreement_form,
        name="plan_agreement_form",
    ),
    path("plans/", plans.supervisor_plans, name="supervisor_plans"),
    path(
        "people/<int:person_id>/invite-supervisor/",
        plans.supervisor_invite,
        name="supervisor_invite",
    ),
    path("fiscal/", fiscal.fiscal_page, name="fiscal"),
    path("fiscal/report.xlsx", fiscal.fiscal_report_xlsx, name="fiscal_report"),
    path("register/", register.register, name="register"),
    path("register/register.<slug:fmt>", register.register_file, name="register_file"),
]
