"""Thai as staff and learners meet it, in Chromium: the mail a learner gets when a course
is assigned, the certificates admin (an expired certificate reads as expired, and the
state filter finds it), a course created with a Thai title whose URL is readable and
opens, and a staff member's first sign-in that ends where it was going."""

from datetime import UTC, datetime, timedelta
from urllib.parse import unquote

from django.core import mail
from django.utils import timezone

import pytest

from academy.accounts.roles import Role
from certificates.models import Certificate
from courses.models import CatalogPage, CoursePage
from tests.certificates.certificate_helpers import issue
from tests.factories import PlacementFactory, UserFactory, course, hr_officer, org_unit
from tests.site import site_tree

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_assignment_mail_reads_in_thai_in_a_browser(page, shot, standards):
    from competencies.hr.selectors import hr_access
    from courses.assignments.selectors import AssignmentTarget
    from courses.assignments.services import assignment_create

    ministry = org_unit("M", kind="ministry", name="กระทรวงการพัฒนาดิจิทัล")
    unit = org_unit("V1", parent=ministry, kind="division", name="กองเทคโนโลยี")
    learner = UserFactory(email="arunee@example.go.th", first_name="อรุณี")
    PlacementFactory(
        unit=unit,
        person__user=learner,
        person__first_name_th="อรุณี",
        person__last_name_th="แสงทอง",
        person__email=learner.email,
    )
    mandatory = course(
        "ความมั่นคงปลอดภัยไซเบอร์สำหรับทุกคน",
        slug="cyber-basics",
        lessons=1,
        enrolment_policy=CoursePage.EnrolmentPolicy.ASSIGNED,
    )
    officer = hr_officer(ministry, email="hr@example.go.th")
    mail.outbox.clear()
    assignment_create(
        access=hr_access(officer),
        course=mandatory,
        due_on=timezone.localdate() + timedelta(days=20),
        target=AssignmentTarget(unit=unit),
        note="โปรดเรียนให้จบก่อนสิ้นเดือน",
        include_new_members=False,
    )
    [message] = [m for m in mail.outbox if m.to == [learner.email]]
    [(html, kind)] = message.alternatives
    assert kind == "text/html"

    # The reader's mail program has a Thai font (Tahoma, Leelawadee UI, Noto Sans
    # Thai); this headless Chromium has none, so the first of the mail's own font
    # list, Sarabun, is loaded from the Academy's static files to stand in for it.
    page.goto("/healthz")
    page.set_content(html)
    page.add_style_tag(
        content='@font-face { font-family: "Sarabun"; '
        'src: url("/static/fonts/Sarabun-Regular.ttf"); }'
    )
    page.evaluate("document.fonts.load('16px Sarabun', 'ก')")
    text = page.locator("body").inner_text()
    assert "ความมั่นคงปลอดภัยไซเบอร์สำหรับทุกคน" in text
    assert "โปรดเรียนให้จบก่อนสิ้นเดือน" in text
    assert "คุณ" not in text
    link = page.locator("a[href*='/cyber-basics/']").first
    assert link.is_visible()
    # Nothing runs off the side of a phone-sized mail window.
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "assignment-mail")


@pytest.fixture
def certificates_scene(standards):
    site_tree()
    administrator = UserFactory(
        email="registrar@example.go.th", roles=[Role.ACADEMY_ADMIN]
    )
    unit = org_unit("C1", kind="ministry", name="กระทรวงทดสอบประกาศนียบัตร")
    governance = course("การกำกับดูแลข้อมูลภาครัฐ", slug="data-governance", lessons=1)
    made = {}
    for state, first_name in (("valid", "ญาณิศา"), ("expired", "สมชาย")):
        user = UserFactory(email=f"{state}@example.go.th")
        PlacementFactory(
            unit=unit,
            person__user=user,
            person__first_name_th=first_name,
            person__last_name_th="ศรีสุข",
        )
        made[state] = issue(user, governance)
    Certificate.objects.filter(pk=made["expired"].pk).update(
        valid_from=datetime(2024, 1, 1, tzinfo=UTC),
        valid_until=datetime(2025, 6, 30, 20, 30, tzinfo=UTC),  # 1 July, 03:30 BKK
    )
    return administrator, made


def test_the_certificates_admin_shows_and_filters_expired_ones(
    page, sign_in, shot, certificates_scene
):
    administrator, made = certificates_scene
    expired, valid = made["expired"].number, made["valid"].number
    sign_in(page, administrator.email, admin=True)
    page.goto("/admin/certificates/issued/")
    row = page.locator("tr", has_text=expired)
    assert "หมดอายุ" in row.inner_text()
    assert "1 กรกฎาคม 2568 03:30" in row.inner_text()
    assert "ใช้ได้" in page.locator("tr", has_text=valid).inner_text()
    shot(page, "all-certificates")

    # The filter, as an administrator uses it: the filters panel, then "expired".
    page.locator("button[aria-label='แสดงตัวกรอง']").click()
    page.locator(
        "button.w-drilldown__toggle[aria-controls='drilldown-id_state']"
    ).click()
    page.locator("select[name=state]").select_option("expired")
    page.wait_for_url("**state=expired**")
    page.wait_for_function(
        "n => !document.querySelector('#listing-results').innerText.includes(n)",
        arg=valid,
    )
    results = page.locator("#listing-results").inner_text()
    assert expired in results and valid not in results
    shot(page, "expired-only")


def test_a_course_with_a_thai_title_gets_a_readable_url_that_opens(
    page, sign_in, shot, standards
):
    """The admin fills the slug in from the Thai title as it is typed, dropping the
    vowels and tone marks (การใชปญญาประดษฐ…); the saved course has a readable URL
    instead (courses.models.pages.readable_slug: its code here), and it opens."""
    from django.utils.text import slugify

    administrator = UserFactory(
        email="author@example.go.th", roles=[Role.ACADEMY_ADMIN]
    )
    catalogue = CatalogPage.objects.get()
    title = "การใช้ปัญญาประดิษฐ์อย่างรับผิดชอบ"
    sign_in(page, administrator.email, admin=True)
    page.goto(f"/admin/pages/add/courses/coursepage/{catalogue.pk}/")
    page.fill("#id_title", title)
    page.fill("#id_code", "AI-201")
    page.fill("#id_summary", "หลักการใช้ปัญญาประดิษฐ์ในงานภาครัฐอย่างโปร่งใส")
    page.fill("#id_learning_hours", "3")
    page.locator(
        "footer .dropdown-toggle, footer [data-w-dropdown-target='toggle']"
    ).first.click()
    page.locator("button[name='action-publish']").click()
    page.wait_for_url("**/admin/pages/**")

    created = CoursePage.objects.get(code="AI-201")
    assert created.live
    assert created.slug == "ai-201"
    assert slugify(title, allow_unicode=True) not in unquote(created.url)
    page.goto(created.url)
    assert page.locator("h1").inner_text().strip() == title
    assert page.url.endswith("/courses/ai-201/")
    badges = page.locator(".badge").all_inner_texts()
    assert "3 ชั่วโมง" in badges and "3.0 ชั่วโมง" not in badges
    shot(page, "readable-url")


def test_a_first_staff_sign_in_ends_at_the_page_asked_for(page, shot, standards):
    from academy.accounts.enrolment import enrolment_token_issue
    from tests.signin import accept_privacy_notice, totp_code

    site_tree()
    administrator = UserFactory(
        email="new-admin@example.go.th", roles=[Role.ACADEMY_ADMIN]
    )
    accept_privacy_notice(administrator)
    catalogue = CatalogPage.objects.get()
    asked_for = f"/admin/pages/{catalogue.pk}/?ordering=title"

    page.goto(asked_for)
    page.fill("input[name=login]", administrator.email)
    page.fill("input[name=password]", "correct-horse-42")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/accounts/2fa/enrol/**")
    page.fill("input[name=code]", enrolment_token_issue(user=administrator))
    page.click("main form button[value=check]")
    page.wait_for_load_state()
    if "/accounts/reauthenticate/" in page.url:
        page.fill("input[name=password]", "correct-horse-42")
        page.click("main form button[type=submit]")
    page.wait_for_url("**/accounts/2fa/totp/activate/**")
    # The secret the authenticator app would read from the QR code.
    secret = page.locator("#authenticator_secret").input_value()
    page.fill("input[name=code]", totp_code(secret))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/accounts/2fa/recovery-codes/**")
    shot(page, "recovery-codes")
    page.locator("a[href='/accounts/2fa/continue/']").click()
    page.wait_for_url(f"**{asked_for}")
    assert page.url.endswith(asked_for)
    shot(page, "asked-for")
