"""SCORM views: the player and the package files on the packages' own origin, and the
runtime-data endpoint on the Academy's (docs/scorm.md)."""

import json
import mimetypes
import posixpath
from urllib.parse import unquote

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from academy.core.storage import private_storage

from .origin import academy_origin, is_content_request
from .package import PackageError, member_name_check
from .runtime import RuntimeDataError
from .selectors import (
    launch_cmi,
    launch_token,
    preview_cmi,
    preview_read,
    registration_for_content,
)
from .services import ScormError, runtime_save

_SELF = "'self'"
#: Packages are old-fashioned web pages: inline scripts and styles, eval, data: URLs.
#: They may load what their own origin serves and nothing from elsewhere, and only the
#: Academy's lesson page (and the player frame) may frame them.
_PACKAGE_ALLOWS = [_SELF, "'unsafe-inline'", "'unsafe-eval'", "data:", "blob:"]


def _package_policy() -> dict:
    return {
        "default-src": _PACKAGE_ALLOWS,
        "script-src": _PACKAGE_ALLOWS,
        "style-src": [_SELF, "'unsafe-inline'", "data:"],
        "img-src": [_SELF, "data:", "blob:"],
        "media-src": [_SELF, "data:", "blob:"],
        "font-src": [_SELF, "data:"],
        "connect-src": [_SELF],
        "frame-src": [_SELF],
        "object-src": ["'none'"],
        "base-uri": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": [_SELF, academy_origin()],
    }


def _isolated(response, *, policy: dict):
    """Headers of every response from the packages' origin."""
    response._csp_config = policy
    response.xframe_options_exempt = True
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, max-age=600"
    return response


def _registration(request, token: str):
    if not is_content_request(request):
        raise Http404
    registration = registration_for_content(token)
    if registration is None:
        raise Http404
    return registration


def _player_response(request, *, version: str, launch: str, cmi: dict, preview=False):
    response = render(
        request,
        "courses/scorm/player.html",
        {
            "config": {
                "version": version,
                "launch": launch,
                "parentOrigin": academy_origin(),
                "cmi": cmi,
                "preview": preview,
            },
        },
    )
    policy = {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "frame-src": [_SELF],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'none'"],
        "frame-ancestors": [academy_origin()],
    }
    response = _isolated(response, policy=policy)
    response["Cache-Control"] = "no-store"
    return response


def _file_response(package, path: str):
    try:
        name = member_name_check(unquote(path))
    except PackageError:
        raise Http404 from None
    if name not in package.files:
        raise Http404
    storage = private_storage()
    handle = storage.open(posixpath.join(package.storage_prefix, name), "rb")
    content_type, encoding = mimetypes.guess_type(name)
    response = FileResponse(
        handle, content_type=content_type or "application/octet-stream"
    )
    if encoding:
        response["Content-Encoding"] = encoding
    return _isolated(response, policy=_package_policy())


@require_GET
def player(request, token: str):
    """The frame that holds scorm-again's API for the package, on the packages' origin."""
    registration = _registration(request, token)
    item = registration.package.item(registration.item)
    if item is None:
        raise Http404
    return _player_response(
        request,
        version=registration.package.version,
        launch=f"/scorm-content/{launch_token(registration)}/{item['launch']}",
        cmi=launch_cmi(registration),
    )


@require_GET
def content(request, token: str, path: str):
    """One file of the package, to the learner whose launch token this is."""
    return _file_response(_registration(request, token).package, path)


def _previewed(request, token: str):
    if not is_content_request(request):
        raise Http404
    previewed = preview_read(token)
    if previewed is None:
        raise Http404
    return previewed


@require_GET
def preview_player(request, token: str):
    """The player for an instructor's preview: the package in browse mode, and no
    commit leaves the frame (there is no registration to write to)."""
    package, item = _previewed(request, token)
    return _player_response(
        request,
        version=package.version,
        launch=f"/scorm-content/preview/{token}/{item['launch']}",
        cmi=preview_cmi(package, item),
        preview=True,
    )


@require_GET
def preview_content(request, token: str, path: str):
    package, _item = _previewed(request, token)
    return _file_response(package, path)


@login_required
@require_POST
def runtime(request, registration_id: int):
    """Save a commit of the learner's runtime data (CSRF-protected JSON)."""
    if is_content_request(request):
        raise Http404
    if len(request.body) > 256 * 1024:
        return JsonResponse({"error": "the commit is too large"}, status=413)
    try:
        payload = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": "the body is not JSON"}, status=400)
    try:
        registration = runtime_save(
            user=request.user, registration_id=registration_id, payload=payload
        )
    except RuntimeDataError as error:
        return JsonResponse({"error": str(error)}, status=400)
    except ScormError as error:
        if error.status == 404:
            raise Http404 from None
        return JsonResponse({"error": error.message}, status=error.status)
    return JsonResponse(
        {
            "completed": registration.lesson_rollup.completed,
            "passed": registration.lesson_rollup.passed,
            "item_completed": registration.completed_at is not None,
            "course_completed": registration.enrolment.status == "completed"
            or hasattr(registration.enrolment, "completion"),
            # Items the package's sequencing keeps closed after this commit.
            "closed": registration.items_closed,
        }
    )
