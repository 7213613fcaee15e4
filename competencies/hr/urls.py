"""The HR officer's workspace, mounted at /hr/ (see academy/urls.py)."""

from django.urls import path

from . import report_views, views

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
    path("team/", views.team, name="team"),
    path("heatmap/", views.heatmap, name="heatmap"),
    path("heatmap/export.<slug:fmt>", views.heatmap_export, name="heatmap_export"),
    path("heatmap/report.xlsx", views.heatmap_report, name="heatmap_report"),
    path("import/", views.import_index, name="import"),
    path("import/template.<slug:fmt>", views.import_template, name="import_template"),
    path("import/maps/", views.column_maps, name="column_maps"),
    path("import/maps/new/", views.column_map_edit, name="column_map_new"),
    path("import/maps/<int:map_id>/", views.column_map_edit, name="column_map_edit"),
    path("import/<int:job_id>/", views.import_job, name="import_job"),
    path("import/<int:job_id>/apply/", views.import_apply, name="import_apply"),
]
