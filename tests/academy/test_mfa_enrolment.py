"""A staff account adds its first authenticator only after a second channel: a code
mailed to a verified address, or an administrator's enrolment token. The password
alone never reaches TOTP activation."""

import re
from datetime import timedelta
from io import StringIO

from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator

from academy.accounts.models import AuditEntry, MFAEnrolmentCode
from academy.accounts.roles import Role
from tests.factories import UserFactory
from tests.signin import accept_privacy_notice

pytestmark = [pytest.mark.django_db, pytest.mark.real_sign_in]

PASSWORD = "correct-horse-42"
ENROL = "/accounts/2fa/enrol/"
ACTIVATE = "/accounts/2fa/totp/activate/"


@pytest.fixture(autouse=True)
def _fresh_attempt_counters():
    """The attempt counters live in the cache, which outlives a test's database."""
    from django.core.cache import cache

    cache.clear()


def _staff(*, verified=True, roles=(Role.HR_OFFICER,)):
    user = UserFactory(roles=list(roles))
    accept_privacy_notice(user)
    if verified:
        EmailAddress.objects.create(
            user=user, email=user.email, verified=True, primary=True
        )
    return user


def _password_sign_in(client, user):
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def _mailed_code(client, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ENROL, {"action": "send"})
    message = mail.outbox[-1]
    return re.search(r"^(\d{8})$", message.body, re.M).group(1)


@pytest.mark.parametrize(
    "roles", [(Role.HR_OFFICER,), (Role.INSTRUCTOR,), (Role.ACADEMY_ADMIN,)]
)
def test_password_alone_never_reaches_totp_activation(client, roles):
    user = _staff(roles=roles)
    _password_sign_in(client, user)
    response = client.get(ACTIVATE)
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)
    response = client.post(ACTIVATE, {"code": "123456"})
    assert response["Location"].startswith(ENROL)
    assert not Authenticator.objects.filter(user=user).exists()


def test_staff_pages_send_a_new_staff_member_to_the_second_channel(client):
    _password_sign_in(client, _staff())
    response = client.get("/hr/people/")
    assert response["Location"].startswith(ENROL)
    assert "totp%2Factivate" in response["Location"]


def test_emailed_code_opens_totp_activation(client, django_capture_on_commit_callbacks):
    user = _staff()
    _password_sign_in(client, user)
    code = _mailed_code(client, django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    assert message.to == [user.email]
    assert message.subject.startswith("[สถาบันพัฒนาบุคลากรภาครัฐด้านดิจิทัล]")
    assert "ยืนยันตัวตนสองขั้นตอน" in message.subject
    stored = MFAEnrolmentCode.objects.get(user=user)
    assert code not in stored.digest

    response = client.post(
        f"{ENROL}?next={ACTIVATE}", {"action": "check", "code": code}
    )
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE
    page = client.get(ACTIVATE)
    assert not page.get("Location", "").startswith(ENROL)
    assert AuditEntry.objects.filter(
        action="mfa.enrolment.check", detail__channel="email"
    ).exists()


def test_a_used_code_is_refused_with_a_thai_message(
    client, django_capture_on_commit_callbacks
):
    user = _staff()
    _password_sign_in(client, user)
    code = _mailed_code(client, django_capture_on_commit_callbacks)
    client.post(ENROL, {"action": "check", "code": code})
    client.logout()
    _password_sign_in(client, user)
    response = client.post(
        ENROL, {"action": "check", "code": code}, headers={"accept-language": "th"}
    )
    assert response.status_code == 400
    assert "รหัสนี้ถูกใช้ไปแล้ว" in response.content.decode()
    assert client.get(ACTIVATE)["Location"].startswith(ENROL)


def test_an_expired_code_is_refused_with_a_thai_message(
    client, django_capture_on_commit_callbacks
):
    user = _staff()
    _password_sign_in(client, user)
    code = _mailed_code(client, django_capture_on_commit_callbacks)
    MFAEnrolmentCode.objects.filter(user=user).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.post(
        ENROL, {"action": "check", "code": code}, headers={"accept-language": "th"}
    )
    assert response.status_code == 400
    assert "รหัสนี้หมดอายุแล้ว" in response.content.decode()
    assert client.get(ACTIVATE)["Location"].startswith(ENROL)


def test_another_accounts_code_does_not_work(
    client, django_capture_on_commit_callbacks
):
    other = _staff()
    _password_sign_in(client, other)
    code = _mailed_code(client, django_capture_on_commit_callbacks)
    client.logout()
    _password_sign_in(client, _staff())
    response = client.post(ENROL, {"action": "check", "code": code})
    assert response.status_code == 400
    assert client.get(ACTIVATE)["Location"].startswith(ENROL)


def test_no_code_is_mailed_to_an_unverified_address(
    client, django_capture_on_commit_callbacks
):
    _password_sign_in(client, _staff(verified=False))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            ENROL, {"action": "send"}, headers={"accept-language": "th"}, follow=True
        )
    assert mail.outbox == []
    assert "โทเค็น" in response.content.decode()


def test_administrators_token_opens_totp_activation_once(client):
    admin = UserFactory(roles=[Role.ACADEMY_ADMIN])
    user = _staff(verified=False)
    out = StringIO()
    call_command("mfa_enrolment_token", user.email, "--by", admin.email, stdout=out)
    token = out.getvalue().strip()
    stored = MFAEnrolmentCode.objects.get(user=user)
    assert stored.channel == "token" and token not in stored.digest
    assert stored.issued_by == admin
    assert AuditEntry.objects.filter(
        action="mfa.enrolment_token.issue", actor=admin
    ).exists()

    _password_sign_in(client, user)
    response = client.post(ENROL, {"action": "check", "code": token})
    assert response.status_code == 302
    assert not client.get(ACTIVATE).get("Location", "").startswith(ENROL)
    client.logout()
    _password_sign_in(client, user)
    assert client.post(ENROL, {"action": "check", "code": token}).status_code == 400


def test_only_an_administrator_issues_tokens():
    user = _staff()
    officer = UserFactory(roles=[Role.HR_OFFICER])
    with pytest.raises(CommandError):
        call_command("mfa_enrolment_token", user.email, "--by", officer.email)
    assert not MFAEnrolmentCode.objects.exists()


def test_learners_add_an_authenticator_without_the_second_channel(client):
    learner = UserFactory(roles=[Role.LEARNER])
    accept_privacy_notice(learner)
    _password_sign_in(client, learner)
    response = client.get(ACTIVATE)
    assert not response.get("Location", "").startswith(ENROL)
