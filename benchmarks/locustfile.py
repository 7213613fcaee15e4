"""Simulated learners for the load benchmark (benchmarks/bench_load.py runs it).

Each simulated learner signs in once through the real sign-in form (password,
hashed by the production hasher; CSRF; allauth's rate limits: each learner comes
from its own address through a trusted proxy header, as behind the load balancer)
and keeps its session, as real people do: nobody signs in again before every page.
Then, with a few seconds of reading between pages, it opens the dashboard, a lesson
of a course it is enrolled in, and the placement quiz: the quiz starts once, then
its page is reread and its answers saved.

Two phases, reported apart. Sign-in: every learner signs in (spawned at the
spawn rate) and waits for the others. Pages: once the last one has signed in, the
statistics start again from zero and every learner, after reading the page it
signed in to for a think time (not all clicking in the same instant), browses for
ACADEMY_LOAD_SECONDS; the sign-in figures are written to ACADEMY_LOAD_SIGNIN
(JSON) before the reset. Every request of the pages phase is in its statistics.

The CPU of the pages phase, read from /proc at its start and at its end (just
before locust stops), goes to ACADEMY_LOAD_PAGES (JSON): the server's (the gunicorn
master ACADEMY_LOAD_SERVER_PID and every worker it had, recycled ones included),
the Celery worker's (ACADEMY_LOAD_CELERY_PID) and locust's own, with the requests
counted in between.

The learners use locust's FastHttpUser (geventhttpclient): the load generator shares
the server's two cores, and python-requests (HttpUser) spent several milliseconds of
CPU on each request that the server then did not have. Its differences from
requests are handled here: a response's `url` is the one requested (redirects are
followed, but the sign-in's is checked on the 302 itself), cookies live in
`client.cookiejar`, and headers for every request are the class's
`default_headers`, set per learner before the client is made.

The learners and the URLs come from the file named by ACADEMY_LOAD_PLAN (JSON written
by bench_load's preparation): {"password": ..., "learners": [emails], "lessons":
[paths], "assessment": path}.
"""

import itertools
import json
import os
import re
import threading
import time

import gevent
from gevent.event import Event
from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

from benchmarks.bench_pages import process_cpu_seconds, server_cpu_seconds

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_COOKIE = "csrftoken"

_plan: dict | None = None
_numbers = itertools.count()
_lock = threading.Lock()


def plan() -> dict:
    global _plan
    if _plan is None:
        with open(os.environ["ACADEMY_LOAD_PLAN"], encoding="utf-8") as handle:
            _plan = json.load(handle)
    return _plan


def next_number() -> int:
    with _lock:
        return next(_numbers)


#: Set once every learner has signed in: the pages phase.
_everyone_in = Event()
_signed_in: list[float] = []  # seconds each sign-in took (form + post)
_signin_failures = 0


def _signed_in_one(environment, seconds: float, *, failed: bool) -> None:
    global _signin_failures
    _signed_in.append(seconds)
    _signin_failures += failed
    if len(_signed_in) < environment.parsed_options.num_users:
        return
    ordered = sorted(_signed_in)
    summary = {
        "count": len(ordered),
        "failures": _signin_failures,
        "median_ms": round(1000 * ordered[len(ordered) // 2]),
        "p95_ms": round(
            1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
        ),
        "max_ms": round(1000 * ordered[-1]),
    }
    path = os.environ.get("ACADEMY_LOAD_SIGNIN")
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(summary, handle)
    environment.runner.stats.reset_all()
    started = cpu_readings()
    _everyone_in.set()
    seconds = float(os.environ.get("ACADEMY_LOAD_SECONDS", "0") or 0)
    if seconds:
        gevent.spawn_later(seconds, _pages_phase_end, environment, started)


def _pid(name: str) -> int | None:
    value = os.environ.get(name, "")
    return int(value) if value else None


def cpu_readings() -> dict:
    """CPU seconds so far (/proc): the server's, the Celery worker's, locust's own,
    and the clock; None for a process not named or gone."""
    server, worker = _pid("ACADEMY_LOAD_SERVER_PID"), _pid("ACADEMY_LOAD_CELERY_PID")
    return {
        "server": server_cpu_seconds(server) if server else None,
        "celery": (
            process_cpu_seconds(worker, reaped_children=True) if worker else None
        ),
        "locust": process_cpu_seconds(os.getpid()),
        "clock": time.monotonic(),
    }


def cpu_used(started: dict, ended: dict) -> dict:
    """Seconds of CPU (and of the clock) between two `cpu_readings`."""
    return {
        name: None
        if started[name] is None or ended[name] is None
        else ended[name] - started[name]
        for name in started
    }


def _pages_phase_end(environment, started: dict) -> None:
    used = cpu_used(started, cpu_readings())
    total = environment.runner.stats.total
    path = os.environ.get("ACADEMY_LOAD_PAGES")
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(
                {
                    "requests": total.num_requests,
                    "failures": total.num_failures,
                    "cpu_seconds": used,
                },
                handle,
            )
    environment.runner.quit()


@events.init.add_listener
def _fresh_state(environment, **kwargs) -> None:
    _everyone_in.clear()
    _signed_in.clear()


class Learner(FastHttpUser):
    wait_time = between(1, 4)
    # A connection error is a failure, as with python-requests, not retried.
    max_retries = 0

    def __init__(self, environment) -> None:
        self.number = next_number()
        number = self.number
        # One address per learner, behind the trusted proxy (127.0.0.1), on every
        # request: the client is made from default_headers in __init__.
        self.default_headers = {
            "X-Forwarded-For": (
                f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
            )
        }
        super().__init__(environment)

    def on_start(self) -> None:
        details = plan()
        number = self.number
        self.email = details["learners"][number % len(details["learners"])]
        self.lesson = details["lessons"][number % len(details["lessons"])]
        self.assessment = details["assessment"]
        self.attempt = None
        started = time.perf_counter()
        failed = not self.sign_in(details["password"])
        _signed_in_one(self.environment, time.perf_counter() - started, failed=failed)
        _everyone_in.wait()
        # The sign-in landed on a page, which the learner reads before the next
        # click, as between any two pages. Without this pause every learner clicked
        # in the same instant the pages phase began: 200 requests queued at once
        # behind two workers, a herd no real site sees, and the quiz start (the
        # second request of a learner whose first click is the quiz) waited
        # behind all of them (p95 7 s).
        gevent.sleep(self.wait_time())

    def _csrf(self, html: str) -> str:
        match = CSRF_INPUT.search(html or "")
        if match:
            return match.group(1)
        cookie = next(
            (c.value for c in self.client.cookiejar if c.name == CSRF_COOKIE), ""
        )
        return cookie or ""

    def sign_in(self, password: str) -> bool:
        """The form, its post, and the page the post redirects to (as a browser
        follows it); False when the post does not redirect away from the form."""
        form = self.client.get("/accounts/login/", name="sign in (form)")
        with self.client.post(
            "/accounts/login/",
            data={
                "login": self.email,
                "password": password,
                "csrfmiddlewaretoken": self._csrf(form.text),
            },
            headers={"Referer": form.url},
            name="sign in (post)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "") if response.headers else ""
            if response.status_code != 302 or "/accounts/login/" in location:
                response.failure(
                    f"still on the sign-in page: {response.status_code} {location}"
                )
                return False
        self.client.get(location, name="sign in (landing)")
        return True

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/dashboard/", name="dashboard")

    @task(3)
    def lesson(self) -> None:
        self.client.get(self.lesson, name="lesson")

    @task(2)
    def quiz(self) -> None:
        if self.attempt is None:
            page = self.client.get(self.assessment, name="quiz (overview)")
            # The start on its own (not followed): the attempt page it redirects
            # to is then counted as what it is, a quiz page.
            with self.client.post(
                self.assessment + "start/",
                data={"csrfmiddlewaretoken": self._csrf(page.text)},
                headers={"Referer": page.url},
                name="quiz (start)",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                location = (
                    response.headers.get("Location", "") if response.headers else ""
                )
                if response.status_code != 302 or "/learn/attempts/" not in location:
                    response.failure(
                        f"no attempt started: {response.status_code} {location}"
                    )
                    return
                self.attempt = location.split("/learn/attempts/")[1].split("/")[0]
            self.client.get(f"/learn/attempts/{self.attempt}/", name="quiz (page)")
            return
        page = self.client.get(f"/learn/attempts/{self.attempt}/", name="quiz (page)")
        self.client.post(
            f"/learn/attempts/{self.attempt}/save/",
            data={"csrfmiddlewaretoken": self._csrf(page.text)},
            headers={"Referer": page.url, "X-Requested-With": "fetch"},
            name="quiz (save)",
        )
