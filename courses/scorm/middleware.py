"""Keeps the packages' host to packages: any other path there is not found."""

from django.conf import settings
from django.http import HttpResponseNotFound

from .origin import CONTENT_PREFIX, PLAYER_PREFIX, is_content_request


class ScormContentHostMiddleware:
    """On ACADEMY_SCORM_CONTENT_ORIGIN's host only the player, package files and
    static files answer, so nothing of the Academy itself is ever served from the
    origin where packages' scripts run."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_content_request(request) and not request.path_info.startswith(
            (CONTENT_PREFIX, PLAYER_PREFIX, settings.STATIC_URL)
        ):
            return HttpResponseNotFound()
        return self.get_response(request)
