"""The Academy's URLs plus the bare view, mounted only for the page benchmark.

`benchmarks.settings` uses this urlconf when ACADEMY_BENCH_BARE_VIEW=1; the bare
path comes first because Wagtail's page serving owns every path after academy.urls.
"""

from django.urls import include, path

from . import views

urlpatterns = [
    path("bench/bare/", views.bare, name="bench-bare"),
    path("", include("academy.urls")),
]
