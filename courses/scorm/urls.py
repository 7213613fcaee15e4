"""SCORM URLs: the player and package files (packages' origin), runtime data (Academy's)."""

from django.urls import path, re_path

from . import views

urlpatterns = [
    path(
        "learn/scorm/<int:registration_id>/runtime/",
        views.runtime,
        name="scorm_runtime",
    ),
    re_path(
        r"^scorm-player/preview/(?P<token>[0-9]+-[0-9]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/$",
        views.preview_player,
        name="scorm_preview_player",
    ),
    re_path(
        r"^scorm-content/preview/(?P<token>[0-9]+-[0-9]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/"
        r"(?P<path>.+)$",
        views.preview_content,
        name="scorm_preview_content",
    ),
    re_path(
        r"^scorm-player/(?P<token>[0-9]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/$",
        views.player,
        name="scorm_player",
    ),
    re_path(
        r"^scorm-content/(?P<token>[0-9]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/(?P<path>.+)$",
        views.content,
        name="scorm_content",
    ),
]
