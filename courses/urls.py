"""The learner's site URLs that are not Wagtail pages."""

from django.urls import path

from . import views
from .assessments.urls import urlpatterns as assessment_urlpatterns
from .scorm.urls import urlpatterns as scorm_urlpatterns

app_name = "courses"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("search/", views.search, name="search"),
    path("learn/courses/<int:course_id>/enrol/", views.enrol, name="enrol"),
    path("learn/courses/<int:course_id>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "learn/lessons/<int:lesson_id>/complete/",
        views.complete_lesson,
        name="complete_lesson",
    ),
]

urlpatterns += assessment_urlpatterns
urlpatterns += scorm_urlpatterns
