"""MFA for staff: real sign-in with TOTP, and every staff and admin route refused
to a session that did not pass MFA."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

import pytest

from academy.accounts.mfa import mfa_required
from academy.accounts.roles import Role
from tests.factories import UserFactory, org_unit
from tests.signin import (
    accept_privacy_notice,
    enrol_totp,
    forget_used_totp_codes,
    totp_code,
)

pytestmark = [pytest.mark.django_db, pytest.mark.real_sign_in]

PASSWORD = "correct-horse-42"


def _password_step(client, user, next_url="/hr/"):
    return client.post(
        f"/accounts/login/?next={next_url}",
        {"login": user.email, "password": PASSWORD},
    )


def _hr_officer():
    from competencies.hr.services import hr_scope_assign

    user = UserFactory(roles=[Role.HR_OFFICER])
    hr_scope_assign(user=user, unit=org_unit("MFA1", kind="ministry"))
    accept_privacy_notice(user)
    return user


@pytest.mark.parametrize(
    ("roles", "fields", "required"),
    [
        ([Role.LEARNER], {}, False),
        ([Role.INSTRUCTOR], {}, True),
        ([Role.HR_OFFICER], {}, True),
        ([Role.ACADEMY_ADMIN], {}, True),
        ([], {"is_superuser": True}, True),
        ([], {"is_staff": True}, True),
    ],
)
def test_mfa_is_required_for_staff_roles_only(roles, fields, required):
    assert mfa_required(UserFactory(roles=roles, **fields)) is required


def test_staff_sign_in_asks_for_a_totp_code_after_the_password(client):
    officer = _hr_officer()
    secret = enrol_totp(officer)
    response = _password_step(client, officer)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    assert "_auth_user_id" not in client.session  # not signed in yet

    refused = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert refused.status_code == 200
    assert "_auth_user_id" not in client.session

    forget_used_totp_codes(officer, secret)
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/hr/"
    assert client.get("/hr/").status_code == 200


def test_recovery_code_signs_staff_in_once(client):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    officer = _hr_officer()
    enrol_totp(officer)
    codes = RecoveryCodes.activate(officer).get_unused_codes()
    _password_step(client, officer)
    response = client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert response.status_code == 302
    assert client.get("/hr/").status_code == 200

    client.logout()
    _password_step(client, officer)
    client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert "_auth_user_id" not in client.session


def test_staff_without_an_authenticator_are_sent_to_set_one_up(client):
    officer = _hr_officer()
    response = _password_step(client, officer)
    assert response.status_code == 302  # signed in with the password alone
    response = client.get("/hr/people/")
    assert response.status_code == 302
    # First a second channel (tests/academy/test_mfa_enrolment.py), then the app.
    assert response["Location"].startswith("/accounts/2fa/enrol/")
    assert "next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F" in response["Location"]
    assert "next%3D%252Fhr%252Fpeople%252F" in response["Location"]


@pytest.mark.django_db(transaction=True)
def test_activating_totp_marks_the_session_and_opens_staff_pages(client):
    """allauth announces the new device once the transaction commits, within the
    request: a transactional test sees what production does."""
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    from academy.accounts.enrolment import enrolment_token_issue

    officer = _hr_officer()
    _password_step(client, officer)
    token = enrolment_token_issue(user=officer)
    client.post("/accounts/2fa/enrol/", {"action": "check", "code": token})
    # allauth asks for the password again before a device is added.
    page = client.get("/accounts/2fa/totp/activate/")
    assert page["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/hr/").status_code == 200


def test_a_session_that_skipped_mfa_must_pass_it_before_staff_pages(client):
    """Enrolled, but this session's sign-in did not use the second factor."""
    officer = _hr_officer()
    secret = enrol_totp(officer)
    client.force_login(officer)  # no harness marks: real_sign_in
    from academy.accounts.middleware import PRIVACY_SESSION_KEY

    session = client.session
    session[PRIVACY_SESSION_KEY] = "x"
    session.save()
    response = client.get("/hr/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/reauthenticate/")

    forget_used_totp_codes(officer, secret)
    response = client.post(
        "/accounts/2fa/reauthenticate/?next=/hr/", {"code": totp_code(secret)}
    )
    assert response.status_code == 302
    assert client.get("/hr/").status_code == 200


def test_staff_cannot_remove_their_only_authenticator(client):
    from allauth.mfa.models import Authenticator

    from academy.accounts.adapters import MFAAdapter

    officer = _hr_officer()
    enrol_totp(officer)
    totp = Authenticator.objects.get(user=officer, type="totp")
    assert MFAAdapter().can_delete_authenticator(totp) is False
    learner = UserFactory(roles=[Role.LEARNER])
    enrol_totp(learner)
    own = Authenticator.objects.get(user=learner, type="totp")
    assert MFAAdapter().can_delete_authenticator(own) is True


def test_learners_sign_in_without_a_second_factor(client):
    learner = UserFactory(roles=[Role.LEARNER])
    accept_privacy_notice(learner)
    response = _password_step(client, learner, next_url="/dashboard/")
    assert response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


# ------------------------------------------------------------------------------
# Every staff and admin route
# ------------------------------------------------------------------------------


def _concrete_paths(prefixes: tuple[str, ...]) -> list[str]:
    """Every URL pattern under the prefixes, with each argument filled in."""
    paths: list[str] = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                paths.append(route)

    walk(get_resolver().url_patterns, "/")
    concrete = []
    for route in paths:
        route = route.replace("^", "").replace("$", "").replace("\\Z", "")
        route = re.sub(r"<(?:int:)?[^>]*pk[^>]*>|<int:[^>]+>", "1", route)
        route = re.sub(r"<path:[^>]+>", "x/", route)
        route = re.sub(r"<[^>]+>", "x", route)
        route = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", route)
        if route.startswith(prefixes) and "(" not in route:
            concrete.append(route)
    return sorted(set(concrete))


STAFF_PATHS = _concrete_paths(("/hr/", "/admin/"))


def test_the_staff_route_list_is_not_empty():
    assert "/hr/" in STAFF_PATHS
    assert "/admin/" in STAFF_PATHS
    assert len([path for path in STAFF_PATHS if path.startswith("/admin/")]) > 50


@pytest.fixture
def admin_without_mfa_session(client):
    admin = UserFactory(roles=[Role.ACADEMY_ADMIN], is_staff=True)
    enrol_totp(admin)
    accept_privacy_notice(admin)
    client.force_login(admin)
    return client


def test_every_staff_and_admin_route_needs_an_mfa_session(admin_without_mfa_session):
    client = admin_without_mfa_session
    leaked = []
    for path in STAFF_PATHS:
        if path == "/admin/login/":
            continue  # the redirect to allauth's sign-in, before any staff page
        response = client.get(path)
        location = response.get("Location", "")
        if not (
            response.status_code == 302
            and location.startswith("/accounts/2fa/reauthenticate/")
        ):
            leaked.append((path, response.status_code, location))
    assert leaked == []
