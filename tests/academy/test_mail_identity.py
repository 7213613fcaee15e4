"""Every mail allauth sends is in Thai, in the Academy's name, with links on the
configured public origin: never example.com, never the request's Host header, and
never an invitation to a sign-up that is closed."""

import re

from django.contrib.sites.models import Site
from django.core import mail

import pytest

from academy.core.public import site_sync
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PUBLIC = "https://academy.example.go.th"
NAME_TH = "สถาบันพัฒนาบุคลากรภาครัฐด้านดิจิทัล"
THAI = re.compile(r"[\u0E00-\u0E7F]")


@pytest.fixture(autouse=True)
def _public_origin(settings):
    settings.ACADEMY_PUBLIC_BASE_URL = PUBLIC
    settings.ALLOWED_HOSTS = ["testserver", "attacker.example"]


def _sent(client, django_capture_on_commit_callbacks, url, data, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, data, headers={"accept-language": "en"}, **extra)
    assert len(mail.outbox) == 1
    return mail.outbox[0]


def _assert_academy_mail(message):
    assert message.subject.startswith(f"[{NAME_TH}] ")
    assert THAI.search(message.subject.removeprefix(f"[{NAME_TH}] "))
    assert message.body.startswith(f"เรียน ผู้ใช้บริการ{NAME_TH}")
    assert f"{PUBLIC}/" in message.body
    assert "example.com" not in message.subject + message.body
    english = re.findall(r"\b[A-Za-z]{4,}\b(?: \b[A-Za-z]{2,}\b){2,}", message.body)
    assert english == []


def test_password_reset_mail_is_thai_and_links_to_the_public_origin(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="reset@example.go.th")
    message = _sent(
        client,
        django_capture_on_commit_callbacks,
        "/accounts/password/reset/",
        {"email": "reset@example.go.th"},
        HTTP_HOST="attacker.example",
    )
    _assert_academy_mail(message)
    links = re.findall(r"https?://\S+", message.body)
    assert any(
        link.startswith(f"{PUBLIC}/accounts/password/reset/key/") for link in links
    )
    assert all(link.startswith(PUBLIC) for link in links)
    assert "attacker.example" not in message.body


def test_unknown_account_mail_never_invites_to_a_closed_sign_up(
    client, django_capture_on_commit_callbacks
):
    message = _sent(
        client,
        django_capture_on_commit_callbacks,
        "/accounts/password/reset/",
        {"email": "nobody@example.go.th"},
    )
    _assert_academy_mail(message)
    assert "signup" not in message.body
    assert "เจ้าหน้าที่ทรัพยากรบุคคล" in message.body


def test_unknown_account_mail_links_to_an_open_sign_up_on_the_public_origin(
    client, settings, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_ALLOW_SIGNUPS = True
    message = _sent(
        client,
        django_capture_on_commit_callbacks,
        "/accounts/password/reset/",
        {"email": "nobody@example.go.th"},
        HTTP_HOST="attacker.example",
    )
    assert f"{PUBLIC}/accounts/signup/" in message.body
    assert "attacker.example" not in message.body


def test_sign_in_code_mail_is_thai(client, django_capture_on_commit_callbacks):
    UserFactory(email="code@example.go.th")
    message = _sent(
        client,
        django_capture_on_commit_callbacks,
        "/accounts/login/code/",
        {"email": "code@example.go.th"},
    )
    _assert_academy_mail(message)
    assert re.search(r"^[A-Z0-9-]{6,11}$", message.body, re.M)


def test_address_confirmation_mail_links_to_the_public_origin(
    client, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory(email="owner@example.go.th"))
    message = _sent(
        client,
        django_capture_on_commit_callbacks,
        "/accounts/email/",
        {"email": "second@example.go.th", "action_add": ""},
        HTTP_HOST="attacker.example",
    )
    _assert_academy_mail(message)
    assert f"{PUBLIC}/accounts/confirm-email/" in message.body


def test_the_site_follows_the_settings_after_migrate(settings):
    site_sync()
    site = Site.objects.get_current()
    assert (site.domain, site.name) == ("academy.example.go.th", NAME_TH)


def test_certificates_sign_with_the_same_academy_name(settings):
    from certificates.conf import issuer_name_en, issuer_name_th

    settings.ACADEMY_NAME_TH = "สถาบันทดสอบ"
    settings.ACADEMY_NAME_EN = "Test Academy"
    assert (issuer_name_th(), issuer_name_en()) == ("สถาบันทดสอบ", "Test Academy")
    settings.ACADEMY_ISSUER_NAME_TH = "ผู้ออกเฉพาะ"
    assert issuer_name_th() == "ผู้ออกเฉพาะ"
