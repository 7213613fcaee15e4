"""/admin/ for someone signed in without admin access: a clear page, not a loop; and a
staff member's first sign-in ends where they were going."""

from django.test import Client

import pytest

from academy.accounts.middleware import MFA_NEXT_SESSION_KEY
from academy.accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [None, Role.HR_OFFICER])
def test_admin_never_loops_for_a_signed_in_person_without_access(role):
    client = Client()
    client.force_login(UserFactory(roles=[role] if role else []))
    seen = []
    url = "/admin/"
    for _ in range(5):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="th")
        seen.append((url, response.status_code))
        if response.status_code != 302:
            break
        url = response.url
    assert response.status_code == 403, seen
    assert len(seen) <= 3
    page = response.content.decode()
    assert 'href="/dashboard/"' in page and "/accounts/logout/" in page
    assert "ไม่มีสิทธิ์" in page or "ไม่มีบทบาท" in page


def test_signed_out_visitors_still_go_to_sign_in_and_back():
    response = Client().get("/admin/pages/")
    assert response.status_code == 302
    follow = Client().get(response.url)
    assert follow.status_code == 302
    assert follow.url.startswith("/accounts/login/")
    assert "next=/admin/pages/" in follow.url


def test_mfa_continue_goes_to_the_page_first_asked_for():
    client = Client()
    client.force_login(UserFactory())
    session = client.session
    session[MFA_NEXT_SESSION_KEY] = "/admin/pages/3/"
    session.save()
    response = client.get("/accounts/2fa/continue/")
    assert response.url == "/admin/pages/3/"
    assert client.get("/accounts/2fa/continue/").url == "/accounts/profile/"
    session = client.session
    session[MFA_NEXT_SESSION_KEY] = "https://evil.example/"
    session.save()
    assert client.get("/accounts/2fa/continue/").url == "/accounts/profile/"


@pytest.mark.real_sign_in
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("supported", [["totp", "recovery_codes"], ["totp"]])
def test_a_first_staff_sign_in_ends_at_the_page_asked_for(settings, supported):
    """Password, the second channel, the authenticator, the recovery codes (when they
    are on): then the admin page the staff member first asked for."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    from academy.accounts.enrolment import enrolment_token_issue
    from courses.models import CatalogPage
    from tests.signin import accept_privacy_notice, totp_code

    settings.MFA_SUPPORTED_TYPES = supported
    admin = UserFactory(roles=[Role.ACADEMY_ADMIN])
    EmailAddress.objects.create(
        user=admin, email=admin.email, verified=True, primary=True
    )
    accept_privacy_notice(admin)
    client = Client()
    asked_for = f"/admin/pages/{CatalogPage.objects.get().pk}/?ordering=title"

    url = asked_for
    while not url.startswith("/accounts/login/"):
        url = client.get(url)["Location"]
    response = client.post(url, {"login": admin.email, "password": "correct-horse-42"})
    assert response["Location"] == asked_for
    enrol = client.get(asked_for)["Location"]
    assert enrol.startswith("/accounts/2fa/enrol/")
    token = enrolment_token_issue(user=admin)
    activate = client.post(enrol, {"action": "check", "code": token})["Location"]
    assert activate.startswith("/accounts/2fa/totp/activate/")
    reauthenticate = client.get(activate)["Location"]
    client.post(reauthenticate, {"password": "correct-horse-42"})
    assert client.get(activate).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]

    response = client.post(activate, {"code": totp_code(secret)})
    assert Authenticator.objects.filter(user=admin, type="totp").exists()
    if "recovery_codes" in supported:
        codes_page = client.get(response["Location"])
        assert 'href="/accounts/2fa/continue/"' in codes_page.content.decode()
        response = client.get("/accounts/2fa/continue/")
    else:
        assert response["Location"] == "/accounts/2fa/continue/"
        response = client.get(response["Location"])
    assert response["Location"] == asked_for
    assert client.get(asked_for).status_code == 200


@pytest.mark.real_sign_in
@pytest.mark.django_db(transaction=True)
def test_adding_an_authenticator_later_still_ends_at_the_overview(settings):
    """Without a page asked for (activated from the account pages), allauth's own
    next page is kept."""
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    from tests.signin import accept_privacy_notice, totp_code

    settings.MFA_SUPPORTED_TYPES = ["totp"]
    learner = UserFactory()
    accept_privacy_notice(learner)
    client = Client()
    client.post(
        "/accounts/login/", {"login": learner.email, "password": "correct-horse-42"}
    )
    client.post("/accounts/reauthenticate/", {"password": "correct-horse-42"})
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response["Location"] == "/accounts/2fa/"
