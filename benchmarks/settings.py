"""Production settings for the page benchmark on loopback (benchmarks.bench_pages).

Everything secret or environment-specific still comes from the environment, as in
production; the benchmark sets it for the processes it starts. The only differences,
and only when ACADEMY_BENCH_BARE_VIEW=1: the urlconf with the bare view, and a
middleware that answers each request's query count in a header.
"""

import os

from academy.settings.production import *  # noqa: F403
from academy.settings.production import MIDDLEWARE

if os.environ.get("ACADEMY_BENCH_BARE_VIEW") == "1":
    ROOT_URLCONF = "benchmarks.urls"
    MIDDLEWARE = ["benchmarks.middleware.QueryCountMiddleware", *MIDDLEWARE]
