"""Ralph, a real Learning Record Store, started by the tests (file-system backend).

Ralph (ralph-malph, MIT) lives in its own virtualenv, var/ralph-venv, installed by
.ci/run from tests/interop/ralph/requirements.txt: its FastAPI and pydantic pins stay
out of the Academy's lock. Without it the tests skip locally and fail under CI or
ACADEMY_REQUIRE_SERVICES, like the other real-service tests.
"""

import json
import os
import secrets
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
RALPH_VENV = Path(os.environ.get("ACADEMY_RALPH_VENV", ROOT / "var" / "ralph-venv"))
RALPH_PYTHON = RALPH_VENV / "bin" / "python"
VALIDATOR = ROOT / "tests" / "interop" / "ralph" / "validate.py"
SERVE = ROOT / "tests" / "interop" / "ralph" / "serve.py"


def _unavailable(message: str):
    if os.environ.get("ACADEMY_REQUIRE_SERVICES") or os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def require_ralph() -> Path:
    if not RALPH_PYTHON.exists():
        _unavailable(
            f"Ralph LRS is not installed at {RALPH_VENV}: python3 -m venv "
            f"var/ralph-venv && var/ralph-venv/bin/pip install -r "
            f"tests/interop/ralph/requirements.txt (.ci/run does it)"
        )
    return RALPH_PYTHON


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class RalphLrs:
    directory: Path
    username: str = "academy"
    password: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen | None = None
    output: list[str] = field(default_factory=list)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/xAPI/"

    @property
    def store(self) -> Path:
        return self.directory / "data" / "fs_lrs.jsonl"

    def start(self, timeout: float = 60) -> None:
        python = require_ralph()
        (self.directory / "data").mkdir(parents=True, exist_ok=True)
        password_hash = subprocess.run(
            [
                str(python),
                "-c",
                "import bcrypt, sys; print(bcrypt.hashpw(sys.argv[1].encode(), "
                "bcrypt.gensalt()).decode())",
                self.password,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        auth = self.directory / "auth.json"
        auth.write_text(
            json.dumps(
                [
                    {
                        "username": self.username,
                        "hash": password_hash,
                        "scopes": ["all"],
                        "agent": {"mbox": "mailto:lrs@academy.example"},
                    }
                ]
            )
        )
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(self.directory),
            "RALPH_APP_DIR": str(self.directory),
            "RALPH_AUTH_FILE": str(auth),
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(
                self.directory / "data"
            ),
        }
        self.process = subprocess.Popen(
            [str(python), str(SERVE), str(self.port)],
            cwd=self.directory,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._drain, daemon=True).start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if requests.get(
                    f"http://127.0.0.1:{self.port}/__lbheartbeat__", timeout=1
                ).ok:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        self.stop()
        _unavailable("Ralph LRS did not start:\n" + "".join(self.output[-40:]))

    def _drain(self) -> None:
        assert self.process and self.process.stdout
        for line in self.process.stdout:
            self.output.append(line)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def statements(self, **params) -> list[dict]:
        """Every statement the LRS answers with (following `more`)."""
        found: list[dict] = []
        url = f"http://127.0.0.1:{self.port}/xAPI/statements/"
        params = {"limit": 100, **params}
        while url:
            response = requests.get(
                url,
                params=params,
                auth=(self.username, self.password),
                headers={"X-Experience-API-Version": "1.0.3"},
                timeout=10,
            )
            response.raise_for_status()
            page = response.json()
            found.extend(page["statements"])
            more = page.get("more")
            url = f"http://127.0.0.1:{self.port}{more}" if more else ""
            params = {}
        return found

    def stored_lines(self) -> list[dict]:
        """The raw store: one line per statement written (duplicates would show)."""
        if not self.store.exists():
            return []
        return [
            json.loads(line) for line in self.store.read_text().splitlines() if line
        ]


def ralph_validate(statements: list[dict]) -> list:
    """Ralph's xAPI 1.0.3 models on each statement: None, or its problems."""
    completed = subprocess.run(
        [str(require_ralph()), str(VALIDATOR)],
        input=json.dumps(statements),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(completed.stdout)


@pytest.fixture(scope="session")
def ralph(tmp_path_factory):
    """Ralph on a free port, one per test process (it took 3-4 s to start, once in
    each of the five modules that use it): `lrs` empties its store for each test."""
    lrs = RalphLrs(directory=tmp_path_factory.mktemp("ralph"))
    lrs.start()
    yield lrs
    lrs.stop()


@pytest.fixture
def lrs(ralph, settings):
    """The Academy pointed at Ralph, with an empty store."""
    if ralph.store.exists():
        ralph.store.write_text("")
    settings.ACADEMY_XAPI_ENDPOINT = ralph.endpoint
    settings.ACADEMY_XAPI_USERNAME = ralph.username
    settings.ACADEMY_XAPI_PASSWORD = ralph.password
    settings.ACADEMY_XAPI_EVENTS_OFF = frozenset()
    return ralph
