"""Security headers, the Content Security Policy, CSRF, and templates fit for the CSP."""

import logging
import re
from pathlib import Path

from django.conf import settings

import pytest

from academy.accounts.logging import NationalIdRedactingFilter, redact_national_ids
from academy.accounts.roles import Role
from tests.factories import UserFactory, thai_national_id

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [
    ROOT / "academy" / "templates",
    ROOT / "competencies" / "templates",
    ROOT / "courses" / "templates",
    ROOT / "certificates" / "templates",
]
# PDFs are drawn by xhtml2pdf, never shown by a browser; admin templates live under
# the admin's own policy.
NOT_BROWSER_PAGES = ("/pdf/", "/admin/", "/email/")


def _csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in header.split(";")
        if part.strip()
    }


def test_site_pages_forbid_inline_script_and_style(client):
    policy = _csp(client.get("/verify/"))
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy["default-src"]


def test_the_admin_gets_its_own_policy_still_without_foreign_scripts(client):
    client.force_login(UserFactory(roles=[Role.ACADEMY_ADMIN], is_staff=True))
    response = client.get("/admin/")
    assert response.status_code == 200
    policy = _csp(response)
    # Wagtail's inline scripts need 'unsafe-inline'; nothing from elsewhere, no eval.
    assert policy["script-src"] == "'self' 'unsafe-inline'"
    assert "'unsafe-inline'" in policy["style-src"]
    assert policy["object-src"] == "'none'"
    assert "eval" not in response["Content-Security-Policy"]


def test_other_security_headers(client):
    response = client.get("/verify/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_production_cookies_are_secure(monkeypatch):
    import importlib

    monkeypatch.setenv("DJANGO_SECRET_KEY", "p" * 60)
    monkeypatch.setenv("ACADEMY_PUBLIC_BASE_URL", "https://academy.example.go.th")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/1")
    monkeypatch.setenv("ACADEMY_FILESYSTEM_MEDIA", "1")
    production = importlib.import_module("academy.settings.production")
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.SECURE_HSTS_SECONDS >= 31536000
    assert production.SESSION_COOKIE_HTTPONLY
    assert production.SESSION_COOKIE_AGE <= 8 * 60 * 60


def _site_templates():
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            if not any(part in str(path) for part in NOT_BROWSER_PAGES):
                yield path


INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I
)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+=", re.I)


def test_no_site_template_has_inline_script_style_or_handlers():
    offenders = []
    for path in _site_templates():
        text = path.read_text()
        for name, pattern in (
            ("script", INLINE_SCRIPT),
            ("style", INLINE_STYLE),
            ("handler", INLINE_HANDLER),
        ):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(ROOT)}: inline {name}")
    assert offenders == []


def test_every_post_form_in_a_site_template_carries_a_csrf_token():
    missing = []
    for path in _site_templates():
        text = path.read_text()
        for form in re.finditer(r"<form\b[^>]*>(.*?)</form>", text, re.S | re.I):
            if re.search(r'method="post"', form.group(0), re.I) and (
                "csrf_token" not in form.group(1)
            ):
                missing.append(str(path.relative_to(ROOT)))
    assert missing == []


def test_a_post_without_a_csrf_token_is_refused():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    assert client.post("/accounts/my-data.json").status_code == 403
    assert (
        client.post("/accounts/login/", {"login": "a", "password": "b"}).status_code
        == 403
    )


# ------------------------------------------------------------------------------
# National IDs never reach the logs
# ------------------------------------------------------------------------------


def test_national_ids_are_masked_in_any_form():
    national_id = thai_national_id(12345)
    dashed = f"{national_id[0]}-{national_id[1:5]}-{national_id[5:10]}-{national_id[10:12]}-{national_id[12]}"
    text = f"row 4: {national_id} and {dashed}; phone 0812345678; order 1234567890123"
    redacted = redact_national_ids(text)
    assert national_id not in redacted and dashed not in redacted
    assert "0812345678" in redacted
    # 13 digits failing the check digit are not a national ID: left as they are.
    not_an_id = national_id[:12] + str((int(national_id[12]) + 1) % 10)
    assert redact_national_ids(not_an_id) == not_an_id


def test_the_logging_filter_masks_messages_arguments_and_tracebacks(caplog):
    national_id = thai_national_id(777)
    logger = logging.getLogger("academy.test.redaction")
    handler_filter = NationalIdRedactingFilter()
    caplog.handler.addFilter(handler_filter)
    try:
        logger.warning("import failed for %s", national_id)
        try:
            raise ValueError(f"bad id {national_id}")
        except ValueError:
            logger.exception("boom")
    finally:
        caplog.handler.removeFilter(handler_filter)
    assert national_id not in caplog.text
    assert "x-xxxx-xxxxx-xx-x" in caplog.text


def test_the_filter_is_on_every_configured_handler():
    handlers = settings.LOGGING.get("handlers", {})
    from academy.settings import base

    for name, handler in base.LOGGING["handlers"].items():
        assert "redact_national_ids" in handler.get("filters", []), name
    for name, handler in handlers.items():
        assert "redact_national_ids" in handler.get("filters", []), name
