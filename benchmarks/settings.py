"""Production settings for the page benchmark on loopback (benchmarks.bench_pages).

Everything secret or environment-specific still comes from the environment, as in
production; the benchmark sets it for the processes it starts. The only difference
is the urlconf with the bare view, and only when ACADEMY_BENCH_BARE_VIEW=1.
"""

import os

from academy.settings.production import *  # noqa: F403

if os.environ.get("ACADEMY_BENCH_BARE_VIEW") == "1":
    ROOT_URLCONF = "benchmarks.urls"
