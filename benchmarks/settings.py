"""Production settings for the page benchmark on loopback (benchmarks.bench_pages).

Everything secret or environment-specific still comes from the environment, as in
production; the benchmark sets it for the processes it starts. The only differences:
with ACADEMY_BENCH_BARE_VIEW=1, the urlconf with the bare view and a middleware that
answers each request's query count in a header; with ACADEMY_BENCH_INSECURE_COOKIES=1
(the load benchmark, over plain http on loopback), cookies not marked Secure.
"""

import os

from academy.settings.production import *  # noqa: F403
from academy.settings.production import INSTALLED_APPS, MIDDLEWARE

INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]

# The load benchmark's clients speak plain http to 127.0.0.1: they would never send
# back a Secure cookie (benchmarks.bench_load says so in its output).
if os.environ.get("ACADEMY_BENCH_INSECURE_COOKIES") == "1":
    SESSION_COOKIE_SECURE = False
    CSRF_COOKIE_SECURE = False

if os.environ.get("ACADEMY_BENCH_BARE_VIEW") == "1":
    ROOT_URLCONF = "benchmarks.urls"
    MIDDLEWARE = ["benchmarks.middleware.QueryCountMiddleware", *MIDDLEWARE]
