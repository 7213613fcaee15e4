"""ACADEMY_PUBLIC_BASE_URL: required and https in production, and the one origin of
every link the Academy sends or prints."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.contrib.sites.models import Site as DjangoSite
from django.core import mail
from django.core.management.sql import emit_post_migrate_signal

from wagtail.models import Site as WagtailSite

import pytest

from academy.core.checks import public_base_url_check, shared_services_check
from academy.core.public import base_url_problem, public_page_url
from academy.core.sites import sites_sync
from courses.models import CatalogPage
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = "https://academy.example.go.th"


def _production_env(**overrides) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ACADEMY_", "DJANGO_", "CELERY_", "REDIS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="academy.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        DJANGO_ALLOWED_HOSTS="academy.example.go.th",
        ACADEMY_PUBLIC_BASE_URL=PUBLIC,
        CELERY_BROKER_URL="redis://127.0.0.1:6379/8",
        REDIS_URL="redis://127.0.0.1:6379/10",
        ACADEMY_S3_PUBLIC_BUCKET="academy-media",
        ACADEMY_S3_PRIVATE_BUCKET="academy-private",
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def _production_check(**overrides) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(**overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("", "not set"),
        ("academy.example.go.th", "absolute http(s) URL"),
        ("http://academy.example.go.th", "https"),
        ("https://academy.example.go.th/?a=1", "without credentials, query"),
        ("https://user:pw@academy.example.go.th", "credentials"),
    ],
)
def test_a_bad_public_base_url_is_named(url, fragment):
    assert fragment in base_url_problem(url, require_https=True)


def test_an_https_origin_with_a_port_is_a_public_base_url():
    assert (
        base_url_problem("https://academy.example.go.th:8443", require_https=True)
        is None
    )
    assert base_url_problem("http://127.0.0.1:8000", require_https=False) is None
    assert base_url_problem("https://gov.example/academy", require_https=True) is None


def test_production_passes_deploy_checks_with_its_public_url():
    completed = _production_check()
    assert completed.returncode == 0, completed.stderr


def test_production_refuses_to_start_without_a_public_url():
    completed = _production_check(ACADEMY_PUBLIC_BASE_URL=None)
    assert completed.returncode != 0
    assert "ACADEMY_PUBLIC_BASE_URL is not set" in completed.stderr


def test_production_refuses_a_public_url_without_https():
    completed = _production_check(
        ACADEMY_PUBLIC_BASE_URL="http://academy.example.go.th"
    )
    assert completed.returncode != 0
    assert "must use https in production" in completed.stderr


def test_deploy_check_names_an_http_public_url(settings):
    settings.ACADEMY_PUBLIC_BASE_URL = "http://academy.example.go.th"
    assert [error.id for error in public_base_url_check(None)] == ["academy.E001"]


def test_deploy_check_warns_when_the_public_host_is_not_allowed(settings):
    settings.ACADEMY_PUBLIC_BASE_URL = PUBLIC
    settings.ALLOWED_HOSTS = ["10.0.0.5"]
    assert [error.id for error in public_base_url_check(None)] == ["academy.W002"]


def test_deploy_check_accepts_a_public_host_under_an_allowed_domain(settings):
    settings.ACADEMY_PUBLIC_BASE_URL = PUBLIC
    settings.ALLOWED_HOSTS = [".example.go.th"]
    assert public_base_url_check(None) == []


def test_deploy_check_refuses_in_process_tasks_and_a_private_cache(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    ids = [error.id for error in shared_services_check(None)]
    assert ids == ["academy.E003", "academy.E004"]


@pytest.mark.django_db
def test_the_django_and_wagtail_sites_follow_the_public_url(settings):
    settings.ACADEMY_PUBLIC_BASE_URL = PUBLIC

    sites_sync()

    site = DjangoSite.objects.get(pk=settings.SITE_ID)
    assert site.domain == "academy.example.go.th"
    assert site.name == settings.ACADEMY_NAME_TH
    wagtail_site = WagtailSite.objects.get(is_default_site=True)
    assert (wagtail_site.hostname, wagtail_site.port) == ("academy.example.go.th", 443)
    assert wagtail_site.root_url == PUBLIC


@pytest.mark.django_db
def test_every_migrate_syncs_the_sites(settings):
    settings.ACADEMY_PUBLIC_BASE_URL = "https://learn.example.go.th:8443"

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert DjangoSite.objects.get(pk=settings.SITE_ID).domain == (
        "learn.example.go.th:8443"
    )
    assert WagtailSite.objects.get(is_default_site=True).port == 8443


@pytest.mark.django_db
def test_a_page_url_names_the_public_origin_whatever_the_wagtail_site(settings):
    settings.ACADEMY_PUBLIC_BASE_URL = PUBLIC
    WagtailSite.objects.update(hostname="internal-web-3", port=8080)
    catalogue = CatalogPage.objects.get()

    assert public_page_url(catalogue) == f"{PUBLIC}{catalogue.url_path[5:]}"


@pytest.mark.django_db
def test_allauth_mail_links_to_the_public_site_not_the_request_host(
    client, settings, django_capture_on_commit_callbacks
):
    settings.ACADEMY_PUBLIC_BASE_URL = PUBLIC
    settings.ALLOWED_HOSTS = ["web-3.internal"]
    sites_sync()
    UserFactory(email="reset@example.go.th")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/password/reset/",
            {"email": "reset@example.go.th"},
            HTTP_HOST="web-3.internal",
        )

    body = mail.outbox[0].body
    assert f"{PUBLIC}/accounts/password/reset/key/" in body
    assert "web-3.internal" not in body
    assert "example.com" not in mail.outbox[0].subject + body
