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
