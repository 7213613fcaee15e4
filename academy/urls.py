"""The Academy's URLs: site pages, public verification, allauth, and the Wagtail admin."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import include, path, reverse
from django.views.decorators.cache import never_cache
from django.views.generic import RedirectView

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.documents import urls as wagtaildocs_urls

from academy.core import health, language, metrics
from courses.assessments.viewsets import NarrowedSiteHistoryView


class SignInRedirect(RedirectView):
    """Wagtail's own sign-in forms (the admin's, and the one for private pages) are
    never served: everyone signs in through allauth, with its rate limits, lockout
    and MFA, and comes back where they were going."""

    default_next = "/"

    def get(self, request, *args, **kwargs):
        if self.default_next == "/admin/" and request.user.is_authenticated:
            # Signed in already, and Wagtail sent them here: they have no admin
            # access. Sending them to sign in would bounce straight back (a loop).
            if request.user.has_perm("wagtailadmin.access_admin"):
                return redirect("wagtailadmin_home")
            return render(request, "core/admin_denied.html", status=403)
        return super().get(request, *args, **kwargs)

    def get_redirect_url(self, *args, **kwargs):
        query = self.request.META.get("QUERY_STRING", "")
        return reverse("account_login") + (
            f"?{query}" if query else f"?next={self.default_next}"
        )


urlpatterns = [
    # Answered by HealthCheckMiddleware before host checks; here to be reversible.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path(
        "admin/login/",
        SignInRedirect.as_view(default_next="/admin/"),
        name="wagtailadmin_login",
    ),
    # Wagtail's site history report, narrowed for instructors (resolved first, and
    # guarded as Wagtail guards its admin URLs).
    path(
        "admin/reports/site-history/",
        never_cache(require_admin_access(NarrowedSiteHistoryView.as_view())),
        name="academy_site_history",
    ),
    path(
        "admin/reports/site-history/results/",
        never_cache(
            require_admin_access(NarrowedSiteHistoryView.as_view(results_only=True))
        ),
        name="academy_site_history_results",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("academy.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("language/<str:code>/", language.language_switch, name="language_switch"),
    path("hr/", include("hr.urls")),
    path("", include("courses.assignments.urls")),
    path("", include("courses.development.urls")),
    path("", include("courses.urls")),
    path("", include("certificates.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving comes last: it owns every remaining path.
urlpatterns += [
    path("_util/login/", SignInRedirect.as_view(), name="wagtailcore_login"),
    path("", include(wagtail_urls)),
]
