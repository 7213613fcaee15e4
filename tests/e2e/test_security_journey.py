"""In Chromium: staff sign in with a password and a TOTP code, the Wagtail admin works
under its Content Security Policy, and the site's pages raise no CSP violation."""

import pytest

from academy.accounts.roles import Role
from tests.factories import UserFactory, course

pytestmark = pytest.mark.django_db(transaction=True)


def _csp_violations(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return violations


def test_admin_signs_in_with_totp_and_edits_a_page_under_the_csp(page, sign_in, shot):
    admin = UserFactory(
        email="admin-csp@example.go.th",
        roles=[Role.ACADEMY_ADMIN],
        is_staff=True,
        is_superuser=True,
    )
    page_obj = course("หลักสูตรทดสอบนโยบาย")
    violations = _csp_violations(page)
    sign_in(page, admin.email, admin=True)  # password, TOTP code, privacy notice
    assert page.url.endswith("/admin/")
    page.goto(f"/admin/pages/{page_obj.pk}/edit/")
    page.wait_for_selector(".Draftail-Editor, [data-draftail-editor]", timeout=15_000)
    page.locator("#id_title").fill("หลักสูตรทดสอบนโยบาย (แก้ไข)")
    shot(page, "editor")
    page.goto("/admin/audit-log/")
    assert page.locator("table.listing").count() == 1
    assert violations == []


def test_site_pages_raise_no_csp_violation(page, sign_in):
    learner = UserFactory(email="csp-learner@example.go.th", roles=[Role.LEARNER])
    page_obj = course("หลักสูตรหน้าเว็บ")
    violations = _csp_violations(page)
    sign_in(page, learner.email)
    for path in (
        "/",
        "/courses/",
        page_obj.url,
        "/dashboard/",
        "/verify/",
        "/accounts/profile/",
        "/accounts/2fa/",
        "/accounts/sessions/",
        "/certificates/",
    ):
        page.goto(path)
        page.wait_for_load_state("load")
    # The progress bar's width comes from the script, not a style attribute.
    assert violations == []


def test_staff_without_totp_are_sent_to_set_it_up(page, shot):
    from tests.signin import accept_privacy_notice

    officer = UserFactory(email="new-officer@example.go.th", roles=[Role.HR_OFFICER])
    accept_privacy_notice(officer)
    page.goto("/accounts/login/?next=/hr/")
    page.fill("input[name=login]", officer.email)
    page.fill("input[name=password]", "correct-horse-42")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    # First a second channel: here an administrator's enrolment token.
    from academy.accounts.enrolment import enrolment_token_issue

    assert "/accounts/2fa/enrol/" in page.url
    page.fill("input[name=code]", enrolment_token_issue(user=officer))
    page.click("main form button[value=check]")
    page.wait_for_load_state()
    # Adding a device asks for the password again, then shows the QR code.
    assert (
        "/accounts/reauthenticate/" in page.url
        or "/accounts/2fa/totp/activate/" in page.url
    )
    if "/accounts/reauthenticate/" in page.url:
        page.fill("input[name=password]", "correct-horse-42")
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
    assert "/accounts/2fa/totp/activate/" in page.url
    assert page.locator("img[src^='data:image/svg+xml']").count() == 1
    shot(page, "totp-setup")
