"""Assessment URLs, included in courses.urls (namespace "courses")."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "learn/assessments/<int:assessment_id>/",
        views.assessment_detail,
        name="assessment",
    ),
    path(
        "learn/assessments/<int:assessment_id>/start/",
        views.attempt_start,
        name="assessment_start",
    ),
    path("learn/attempts/<int:attempt_id>/", views.attempt_take, name="attempt"),
    path(
        "learn/attempts/<int:attempt_id>/save/",
        views.attempt_save,
        name="attempt_save",
    ),
    path(
        "learn/attempts/<int:attempt_id>/submit/",
        views.attempt_submit,
        name="attempt_submit",
    ),
    path(
        "learn/attempts/<int:attempt_id>/result/",
        views.attempt_result,
        name="attempt_result",
    ),
]
