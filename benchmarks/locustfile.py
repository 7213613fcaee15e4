"""Simulated learners for the load benchmark (benchmarks/bench_load.py runs it).

Each simulated learner signs in through the real sign-in form (password, CSRF,
allauth's rate limits: each learner comes from its own address through a trusted
proxy header, as behind the load balancer), then, with a few seconds of reading
between pages, opens the dashboard, a lesson of a course they are enrolled in, and the
placement quiz: the quiz starts once, then its page is reread and its answers saved.

The learners and the URLs come from the file named by ACADEMY_LOAD_PLAN (JSON written
by bench_load's preparation): {"password": ..., "learners": [emails], "lessons":
[paths], "assessment": path}.
"""

import itertools
import json
import os
import re
import threading

from locust import HttpUser, between, task

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
        self.sign_in(details["password"])

    def _csrf(self, html: str) -> str:
        match = CSRF_INPUT.search(html)
        return match.group(1) if match else self.client.cookies.get(CSRF_COOKIE, "")

    def sign_in(self, password: str) -> None:
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
            with self.client.post(
                self.assessment + "start/",
                data={"csrfmiddlewaretoken": self._csrf(page.text)},
                headers={"Referer": page.url},
                name="quiz (start)",
                catch_response=True,
            ) as response:
                if "/learn/attempts/" not in response.url:
                    response.failure(f"no attempt started: {response.url}")
                    return
                self.attempt = response.url.split("/learn/attempts/")[1].split("/")[0]
                return
        page = self.client.get(f"/learn/attempts/{self.attempt}/", name="quiz (page)")
        self.client.post(
            f"/learn/attempts/{self.attempt}/save/",
            data={"csrfmiddlewaretoken": self._csrf(page.text)},
            headers={"Referer": page.url, "X-Requested-With": "fetch"},
            name="quiz (save)",
        )
