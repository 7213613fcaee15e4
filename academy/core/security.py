"""Response headers beyond Django's own: the Content Security Policy and Permissions-Policy.

The site's pages get CONTENT_SECURITY_POLICY (no inline script or style); the Wagtail
admin, which sets inline styles of its own, gets ACADEMY_ADMIN_CONTENT_SECURITY_POLICY.
A view that needs another policy uses django-csp's decorators, which win over both.
"""

from django.conf import settings

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config

ADMIN_PREFIX = "/admin/"


class AcademyCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(ADMIN_PREFIX)
        ):
            parts.config = default_config(
                settings.ACADEMY_ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
            )
        return parts


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response (Django sets the other security headers)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "ACADEMY_PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        return response
