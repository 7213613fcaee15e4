"""Development records: the learner's under /dashboard/, the officer's under /hr/;
mounted at the site root before the HR workspace (see academy/urls.py)."""

from django.urls import path

from . import hr_views, views

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
