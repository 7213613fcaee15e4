"""The language switcher: a link, so no page carries a per-visitor CSRF token for it
(pages are cached for anonymous visitors; academy/core/pagecache.py).

Django's `set_language` takes a POST with a CSRF token for a reason that does not
apply here: the only thing this view changes is the language cookie of the browser
that follows the link, and the worst another site can do by sending someone through
it is show them the Academy in the other language. No account or data is touched.
`next` is followed only to a path on this host (no open redirect).
"""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _next_path(request) -> str:
    target = request.GET.get("next", "")
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(
            target,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        )
    ):
        return target
    return "/"


@never_cache
@require_GET
def language_switch(request, code: str):
    if code not in dict(settings.LANGUAGES):
        raise Http404
    response = HttpResponseRedirect(_next_path(request))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
