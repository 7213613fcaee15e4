"""The site's URLs with MEDIA_ROOT published the way a web server (or DEBUG) does.

Everything under MEDIA_ROOT is public by construction: tests that guess a file's name
under /media/ use this URLconf to show that no private file is there to be found.
"""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from academy.urls import urlpatterns as site_urlpatterns


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.*)$", media), *site_urlpatterns]
