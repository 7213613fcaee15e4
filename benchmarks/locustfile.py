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
from locust import HttpUser, between, events, task

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
    master = os.environ.get("ACADEMY_LOAD_SERVER_PID")
    if master:  # the server's CPU so far: the pages phase's starts here
        from benchmarks.bench_pages import workers_cpu

        summary["server_cpu"] = workers_cpu(int(master))
    path = os.environ.get("ACADEMY_LOAD_SIGNIN")
    if path:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(summary, handle)
    environment.runner.stats.reset_all()
    _everyone_in.set()
    seconds = float(os.environ.get("ACADEMY_LOAD_SECONDS", "0") or 0)
    if seconds:
        gevent.spawn_later(seconds, environment.runner.quit)


@events.init.add_listener
def _fresh_state(environment, **kwargs) -> None:
    _everyone_in.clear()
    _signed_in.clear()


class Learner(HttpUser):
    wait_time = between(1, 4)

    def on_start(self) -> None:
        details = plan()
        number = next_number()
        self.email = details["learners"][number % len(details["learners"])]
        self.lesson = details["lessons"][number % len(details["lessons"])]
        self.assessment = details["assessment"]
        self.attempt = None
        # One address per learner, behind the trusted proxy (127.0.0.1).
        self.client.headers["X-Forwarded-For"] = (
            f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
        )
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
        match = CSRF_INPUT.search(html)
        return match.group(1) if match else self.client.cookies.get(CSRF_COOKIE, "")

    def sign_in(self, password: str) -> bool:
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
            catch_response=True,
        ) as response:
            if "/accounts/login/" in response.url:
                response.failure("still on the sign-in page")
                return False
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
                location = response.headers.get("Location", "")
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
