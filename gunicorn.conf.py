"""gunicorn's settings for the Academy, one file for every deployment and for local
runs: `gunicorn -c gunicorn.conf.py academy.wsgi` (gunicorn also reads it from the
working directory by itself).

Every value can be overridden from the environment (GUNICORN_*) or the command line.
Logs go to stdout and stderr as JSON lines; national IDs (typed into a search box, they
reach the access log in the query string) are masked in the access and error logs by
academy.accounts.gunicorn_logger. Prometheus counters are shared by the workers
through PROMETHEUS_MULTIPROC_DIR, emptied when the master starts.
"""

import multiprocessing
import os
import shutil
import tempfile

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# A page is answered in well under a second; a request still running after 30 s is
# stuck, and its worker is replaced. PDF rendering and imports run in Celery.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, staggered, so slow leaks never grow.
max_requests = 2000
max_requests_jitter = 200
# The application is imported once, in the master, and each worker (a new one after
# every recycle too) is a fork of it: importing Django, Wagtail and the apps costs
# about 2.3 s of CPU, which a recycled worker otherwise paid again every ~2,000
# requests (about 1 ms a request, measured by benchmarks/bench_load). Nothing
# connects to the database, Redis or the broker at import (the apps' ready() only
# connects signals), so no connection is shared by the forks; prometheus_client
# notices the fork and writes each worker's own files. A deploy of new code restarts
# the master (a HUP would fork the code it imported); GUNICORN_PRELOAD=0 turns it off.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
# The load balancer's address: only it may set X-Forwarded-For / -Proto.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips
limit_request_line = 8190
# gunicorn's control socket (one per user by default) is not used: systemd and the
# orchestrator send signals.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = (
    '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s ua="%(a)s"'
)
logger_class = "academy.accounts.gunicorn_logger.RedactingLogger"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "academy.core.jsonlog.JsonFormatter"}},
    "handlers": {
        "access": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        },
        "error": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "json",
        },
    },
    "root": {"handlers": ["error"], "level": "INFO"},
    "loggers": {
        "gunicorn.access": {
            "handlers": ["access"],
            "level": "INFO",
            "propagate": False,
        },
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
    },
}

os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR",
    os.path.join(tempfile.gettempdir(), f"academy-prometheus-{os.getpid()}"),
)


def on_starting(server):
    """Counters from an earlier run of this host would be added to the new ones."""
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
