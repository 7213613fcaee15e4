"""A learner records training done elsewhere with its certificate and writes a
development plan; an HR officer of their unit approves the record and rates it
against a competency; the supervisor finds the plan among their staff's and agrees it;
the learner sees the approved hours, by quarter, and the agreed plan."""

import re
from decimal import Decimal

from django.utils import timezone

import pytest

from competencies.models import DevelopmentRecord, Evidence
from courses.models import DevelopmentPlan
from tests.factories import PlacementFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _context_page(page, base_url: str):
    return page.context.browser.new_context(
        base_url=base_url, locale="th-TH", viewport={"width": 1280, "height": 900}
    ).new_page()


def test_external_record_approved_and_plan_agreed_by_the_supervisor(
    page,
    sign_in,
    shot,
    hr_world,
    live_server,
    tmp_path,
):
    learner = UserFactory(email="somchai@example.go.th", first_name="สมชาย")
    PlacementFactory(
        unit=hr_world.unit,
        supervisor=hr_world.supervisor,
        person__user=learner,
        person__first_name_th="สมชาย",
        person__last_name_th="ใจดี",
    )
    today = timezone.localdate()
    certificate = tmp_path / "certificate.pdf"
    certificate.write_bytes(PDF)

    # 1. The learner records training done elsewhere.
    sign_in(page, learner.email)
    page.goto("/dashboard/")
    page.locator("a[href='/dashboard/development/']").click()
    page.wait_for_url("**/dashboard/development/")
    page.select_option("select[name=kind]", "training")
    page.fill("input[name=title]", "อบรมการวิเคราะห์ข้อมูลภาครัฐ")
    page.fill("input[name=provider]", "สำนักงานพัฒนารัฐบาลดิจิทัล")
    page.fill("input[name=starts_on]", today.isoformat())
    page.fill("input[name=ends_on]", today.isoformat())
    page.fill("input[name=hours]", "6")
    page.set_input_files("input[name=evidence_file]", str(certificate))
    shot(page, "learner-record-form")
    page.locator("main form button.primary[type=submit]").click()
    page.wait_for_url("**/dashboard/development/")
    assert "รออนุมัติ" in page.locator("main table").inner_text()
    shot(page, "learner-record-submitted")
    record = DevelopmentRecord.objects.get(person__user=learner)
    assert record.evidence_file and record.hours == Decimal("6")

    # 2. The learner writes a plan and agrees it.
    page.goto("/dashboard/plan/")
    page.locator("fieldset input[name=gaps]").first.check()
    page.locator("main form.plan-form button.primary").click()
    page.wait_for_load_state()
    page.locator("form.agree button").click()
    page.wait_for_load_state()
    plan = DevelopmentPlan.objects.get(person__user=learner)
    assert plan.person_agreed_at is not None
    page.context.close()

    # 3. The HR officer approves the record and rates it.
    officer_page = _context_page(page, live_server.url)
    sign_in(officer_page, hr_world.officer.email)
    officer_page.goto("/hr/")
    officer_page.locator(".hr-nav a[href='/hr/development/']").click()
    officer_page.wait_for_url("**/hr/development/")
    shot(officer_page, "hr-pending")
    officer_page.get_by_role("link", name="อบรมการวิเคราะห์ข้อมูลภาครัฐ").click()
    officer_page.wait_for_url(f"**/hr/development/{record.pk}/")
    assert "certificate.pdf" in officer_page.locator("dl.facts").inner_text()
    officer_page.check("input[name=decision][value=approve]")
    competency = plan.gaps.get().competency
    officer_page.select_option("select[name=competency]", str(competency.pk))
    officer_page.select_option(
        "select[name=level]",
        str(competency.framework.scale.levels.order_by("rank").first().pk),
    )
    shot(officer_page, "hr-decision")
    officer_page.locator("form.decision button.primary").click()
    officer_page.wait_for_url("**/hr/development/")
    record.refresh_from_db()
    assert record.status == DevelopmentRecord.Status.APPROVED
    assert record.competency_evidence.source == Evidence.Source.PRIOR_LEARNING
    officer_page.context.close()

    # 4. The supervisor finds the plan among their staff's and agrees it.
    boss_page = _context_page(page, live_server.url)
    sign_in(boss_page, hr_world.supervisor_user.email)
    boss_page.goto("/hr/plans/")
    row = boss_page.locator("tr", has_text="สมชาย")
    assert "รอความเห็นชอบจากท่าน" in row.inner_text()
    shot(boss_page, "supervisor-plans")
    row.locator("a").click()
    boss_page.wait_for_url(f"**/hr/people/{plan.person_id}/plan/*")
    boss_page.locator("form.agree button").click()
    boss_page.wait_for_load_state()
    shot(boss_page, "supervisor-agreed")
    plan.refresh_from_db()
    assert plan.supervisor_agreed_by == hr_world.supervisor and plan.is_agreed
    boss_page.goto("/hr/plans/")
    assert "เห็นชอบแล้ว" in boss_page.locator("tr", has_text="สมชาย").inner_text()
    boss_page.context.close()

    # 5. The learner sees the approved hours and the plan's progress by quarter.
    learner_page = _context_page(page, live_server.url)
    sign_in(learner_page, learner.email)
    learner_page.goto("/dashboard/development/")
    text = learner_page.locator("main").inner_text()
    shot(learner_page, "learner-records-approved")
    assert "อนุมัติแล้ว" in learner_page.locator("main table").inner_text()
    # 6 on SQLite, 6.0 on PostgreSQL: the sum keeps the column's scale there.
    assert re.search(r"การพัฒนาภายนอกที่อนุมัติแล้ว 6(\.0)? ชั่วโมง", text), text
    learner_page.goto("/dashboard/plan/")
    quarters = learner_page.locator("table.plan-quarters").inner_text()
    assert f"ไตรมาส 1/{plan.fiscal_year + 543}" in quarters
    current = learner_page.locator("table.plan-quarters tr.current").inner_text()
    assert re.search(r"\t6(\.0)?\t", current), current
    shot(learner_page, "learner-plan-quarters")
    learner_page.context.close()
