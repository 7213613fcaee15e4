"""Rate limits on sign-in and public verification, lockout, and no account enumeration."""

from django.core import mail
from django.core.cache import cache

import pytest

from academy.accounts.roles import Role
from tests.factories import UserFactory
from tests.signin import accept_privacy_notice

pytestmark = [pytest.mark.django_db, pytest.mark.real_sign_in]


@pytest.fixture(autouse=True)
def _fresh_counters(settings):
    settings.LANGUAGE_CODE = "en"  # the refusal is matched by its English text
    cache.clear()
    yield
    cache.clear()


def _fail(client, email, **extra):
    return client.post(
        "/accounts/login/", {"login": email, "password": "wrong-password"}, **extra
    )


def _refused(response) -> bool:
    return response.status_code == 429 or b"too many" in response.content.lower()


def test_the_11th_failed_sign_in_in_a_minute_is_refused(client):
    for n in range(10):  # ten different addresses: the per-address lock stays off
        response = _fail(client, f"nobody{n}@example.go.th")
        assert response.status_code == 200
        assert not _refused(response), f"attempt {n + 1} refused"
    assert _refused(_fail(client, "nobody10@example.go.th"))


def test_the_limit_counts_per_client_address(client):
    for n in range(10):
        _fail(client, f"nobody{n}@example.go.th", REMOTE_ADDR="10.0.0.1")
    assert _refused(_fail(client, "x@example.go.th", REMOTE_ADDR="10.0.0.1"))
    assert not _refused(_fail(client, "x@example.go.th", REMOTE_ADDR="10.0.0.2"))


def test_an_account_locks_after_five_failures_even_with_the_right_password(client):
    user = UserFactory(roles=[Role.LEARNER])
    accept_privacy_notice(user)
    for _ in range(5):
        _fail(client, user.email)
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": "correct-horse-42"}
    )
    assert "_auth_user_id" not in client.session
    assert _refused(response)


def test_the_admin_sign_in_is_allauths_and_shares_the_lockout(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/pages/"
    # Wagtail's form is gone: posting credentials to it signs no one in.
    admin = UserFactory(roles=[Role.ACADEMY_ADMIN], is_staff=True)
    client.post("/admin/login/", {"username": admin.email, "password": "x"})
    assert "_auth_user_id" not in client.session
    for _ in range(5):
        _fail(client, admin.email)
    client.post(
        "/accounts/login/?next=/admin/",
        {"login": admin.email, "password": "correct-horse-42"},
    )
    assert "_auth_user_id" not in client.session


def test_anonymous_admin_visits_go_to_allauth(client):
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    # Through /admin/login/, which sends the signed-out on to allauth (and tells a
    # signed-in person without admin access so, instead of looping).
    assert response["Location"] == "/admin/login/?next=/admin/pages/"
    response = client.get(response["Location"])
    assert response["Location"] == "/accounts/login/?next=/admin/pages/"
    response = client.get("/_util/login/?next=/courses/")
    assert response["Location"] == "/accounts/login/?next=/courses/"


def test_a_wrong_password_and_an_unknown_address_read_the_same(client):
    user = UserFactory(roles=[Role.LEARNER])
    known = _fail(client, user.email)
    unknown = _fail(client, "no-such-person@example.go.th")
    assert known.status_code == unknown.status_code == 200
    assert known.context["form"].errors == unknown.context["form"].errors


def test_password_reset_does_not_tell_whether_an_account_exists(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="known@example.go.th")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(
            "/accounts/password/reset/", {"email": "known@example.go.th"}
        )
        unknown = client.post(
            "/accounts/password/reset/", {"email": "unknown@example.go.th"}
        )
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    # allauth writes to an unknown address that it has no account, not to nobody.
    assert {tuple(message.to) for message in mail.outbox} == {
        ("known@example.go.th",),
        ("unknown@example.go.th",),
    }


def test_login_by_code_is_offered_and_does_not_enumerate(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="code@example.go.th")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/accounts/login/code/", {"email": "code@example.go.th"})
        client.get("/accounts/logout/")
        unknown = client.post("/accounts/login/code/", {"email": "nope@example.go.th"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/login/code/confirm/"
    assert [message.to for message in mail.outbox] == [["code@example.go.th"]]


def test_login_by_code_signs_a_learner_in(client, django_capture_on_commit_callbacks):
    import re

    learner = UserFactory(email="bycode@example.go.th", roles=[Role.LEARNER])
    accept_privacy_notice(learner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/login/code/", {"email": learner.email})
    code = re.search(r"^\s*([A-Z0-9-]{6,})\s*$", mail.outbox[0].body, re.M).group(1)
    response = client.post("/accounts/login/code/confirm/", {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(learner.pk)


def test_public_verification_refuses_the_11th_attempt_in_a_minute(client):
    for n in range(10):
        response = client.post(
            "/verify/",
            {"method": "number", "number": f"DGA-2569-{n:06d}", "surname": "x"},
        )
        assert response.status_code != 429
    response = client.post(
        "/verify/", {"method": "number", "number": "DGA-2569-000099", "surname": "x"}
    )
    assert response.status_code == 429
    assert response["Retry-After"] == "60"


# --- Behind the Academy's reverse proxy ---------------------------------------------

PROXY = "10.8.0.2"


def _verify(client, **extra):
    return client.post(
        "/verify/",
        {"method": "number", "number": "DGA-2569-000001", "surname": "x"},
        REMOTE_ADDR=PROXY,
        **extra,
    )


def test_behind_a_trusted_proxy_each_client_has_its_own_verify_limit(client, settings):
    settings.ACADEMY_TRUSTED_PROXIES = ["10.8.0.0/24"]
    for _ in range(10):
        _verify(client, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert _verify(client, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    # Another client through the same proxy is not refused for the first one.
    assert _verify(client, HTTP_X_FORWARDED_FOR="198.51.100.9").status_code != 429


def test_a_forged_forwarded_for_does_not_escape_the_limit(client, settings):
    """The client writes X-Forwarded-For itself; the proxy appends the real peer."""
    settings.ACADEMY_TRUSTED_PROXIES = ["10.8.0.0/24"]
    for n in range(10):
        _verify(client, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7")
    forged = _verify(client, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7")
    assert forged.status_code == 429


def test_forwarded_for_from_an_untrusted_peer_is_ignored(client, settings):
    settings.ACADEMY_TRUSTED_PROXIES = ["10.8.0.0/24"]
    for n in range(10):
        client.post(
            "/verify/",
            {"method": "number", "number": "DGA-2569-000001", "surname": "x"},
            REMOTE_ADDR="203.0.113.50",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    response = client.post(
        "/verify/",
        {"method": "number", "number": "DGA-2569-000001", "surname": "x"},
        REMOTE_ADDR="203.0.113.50",
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )
    assert response.status_code == 429


def test_sign_in_limits_count_the_client_behind_the_proxy(client, settings):
    settings.ACADEMY_TRUSTED_PROXIES = ["10.8.0.0/24"]
    for n in range(10):
        _fail(
            client,
            f"nobody{n}@example.go.th",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    assert _refused(
        _fail(
            client,
            "x@example.go.th",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    )
    assert not _refused(
        _fail(
            client,
            "x@example.go.th",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.9",
        )
    )
