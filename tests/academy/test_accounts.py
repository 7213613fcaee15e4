from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError

import pytest

from academy.accounts.roles import Role, user_has_role
from academy.accounts.services import user_provision
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_roles_exist_as_groups_from_the_first_migration():
    from django.contrib.auth.models import Group

    names = set(Group.objects.values_list("name", flat=True))
    assert {role.value for role in Role} <= names


def test_email_is_the_login_and_is_case_insensitive(client):
    UserFactory(email="Somchai@Example.go.th")
    response = client.post(
        "/accounts/login/",
        {"login": "SOMCHAI@example.go.th", "password": "correct-horse-42"},
    )
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


def test_email_is_unique():
    get_user_model().objects.create_user(email="a@example.go.th")
    with pytest.raises(IntegrityError):
        get_user_model().objects.create_user(email="A@example.go.th")


def test_signup_is_closed_by_default(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.go.th",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
        },
    )
    assert not get_user_model().objects.filter(email="new@example.go.th").exists()
    assert "account/signup_closed.html" in [t.name for t in response.templates]


def test_sign_in_page_does_not_offer_a_closed_sign_up(client, settings):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert b"/accounts/signup/" not in response.content
    assert b"ask your organisation's HR officer" in response.content

    settings.ACCOUNT_ALLOW_SIGNUPS = True
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert b"/accounts/signup/" in response.content


def test_password_reset_mail_is_sent_through_celery(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="reset@example.go.th")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/password/reset/", {"email": "reset@example.go.th"}
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["reset@example.go.th"]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_password_reset_for_unknown_email_does_not_reveal_it(client):
    response = client.post(
        "/accounts/password/reset/", {"email": "nobody@example.go.th"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"


def test_user_provision_grants_roles_and_is_idempotent():
    user = user_provision(email="hr@example.go.th", roles=(Role.HR_OFFICER,))
    again = user_provision(email="HR@example.go.th", roles=(Role.HR_OFFICER,))
    assert user.pk == again.pk
    assert user_has_role(again, Role.HR_OFFICER)
    assert not user_has_role(again, Role.INSTRUCTOR)
    assert not again.has_usable_password()


def test_instructors_and_admins_are_staff_learners_are_not():
    assert user_provision(email="i@example.go.th", roles=(Role.INSTRUCTOR,)).is_staff
    assert not user_provision(email="l@example.go.th", roles=(Role.LEARNER,)).is_staff


def test_home_page_renders_in_thai_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="th"' in response.content.decode()


def test_language_switcher_changes_the_interface_language(client):
    response = client.get("/language/en/", {"next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert 'lang="en"' in page


def test_allauth_pages_read_correct_thai(client):
    """allauth's shipped Thai for these is wrong ("ยืนยันที่อยู่อีเมล AddrAccess");
    locale/th corrects it (academy/accounts/allauth_th.py)."""
    from django.utils import translation

    from academy.accounts.allauth_th import CORRECTED

    with translation.override("th"):
        for msgid in CORRECTED:
            assert translation.gettext(msgid) != msgid, msgid
    user = UserFactory(email="reauth@example.go.th")
    client.force_login(user)
    response = client.get("/accounts/reauthenticate/", HTTP_ACCEPT_LANGUAGE="th")
    html = response.content.decode()
    assert response.status_code == 200
    assert "ยืนยันตัวตนอีกครั้ง" in html
    assert "AddrAccess" not in html
    assert "ลืมรหัสผ่าน?:" not in html
