"""Headless Chromium (Debian's) driven by Playwright, against pytest-django's live server.

Reusable for every journey: `page` is a fresh browser context per test, `sign_in`
signs a user in through the real form, `shot` saves a screenshot under var/e2e/.
Skipped with a clear message only where Chromium is absent; CI installs it.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("ACADEMY_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        message = (
            f"end-to-end tests need Chromium at {CHROMIUM} (apt-get install chromium)"
        )
        if os.environ.get("ACADEMY_REQUIRE_SERVICES"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def _report_browser_trouble(page):
    """Print, as it happens, what the browser said and which requests failed or were
    refused, in every frame: pytest shows it only when the test fails."""

    def response(response):
        if response.status >= 400:
            print(f"HTTP {response.status} {response.request.method} {response.url}")

    page.on("console", lambda message: print(f"console {message.type}: {message.text}"))
    page.on("pageerror", lambda error: print(f"page error: {error}"))
    page.on("response", response)
    page.on(
        "requestfailed",
        lambda request: print(
            f"failed: {request.method} {request.url} {request.failure}"
        ),
    )


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="th-TH",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    _report_browser_trouble(page)
    yield page
    context.close()


@pytest.fixture
def scorm_origins(settings, live_server):
    """The Academy on localhost and the SCORM packages on 127.0.0.1 of the same live
    server: two origins, as in production, so a package's frames cannot reach the
    Academy page or its cookies."""
    academy = live_server.url
    content = academy.replace("localhost", "127.0.0.1")
    assert content != academy
    settings.ACADEMY_PUBLIC_BASE_URL = academy
    settings.ACADEMY_SCORM_CONTENT_ORIGIN = content
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
    return academy, content


@pytest.fixture
def sign_in():
    """Sign in through allauth's real forms: the password, then for staff the TOTP
    code from their authenticator (enrolled first if they have none, as an
    administrator would have them do), then the privacy notice if not yet accepted.
    admin=True starts from the Wagtail admin, whose login is allauth's."""

    def _sign_in(page, email: str, password: str = "correct-horse-42", *, admin=False):
        from django.contrib.auth import get_user_model

        from academy.accounts.mfa import mfa_required
        from tests.liveserver import server_idle
        from tests.signin import enrol_totp, forget_used_totp_codes, totp_code

        with server_idle():  # the server may still be writing the last page's work
            user = get_user_model().objects.get(email__iexact=email)
            secret = enrol_totp(user) if mfa_required(user) else None
        page.goto("/admin/login/" if admin else "/accounts/login/")
        page.fill("input[name=login]", email)
        page.fill("input[name=password]", password)
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        if secret and "/accounts/2fa/authenticate/" in page.url:
            forget_used_totp_codes(user, secret)
            page.fill("input[name=code]", totp_code(secret))
            page.click("main form button[type=submit]")
            page.wait_for_load_state()
        if "/accounts/privacy/" in page.url:
            page.check("input[name=accept]")
            page.click("form.privacy-accept button[type=submit]")
            page.wait_for_load_state()
        if admin:
            page.wait_for_url("**/admin/")

    return _sign_in


@pytest.fixture
def shot(request):
    SHOTS.mkdir(parents=True, exist_ok=True)

    def _shot(page, name: str):
        path = SHOTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot
