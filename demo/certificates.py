"""Demo certificates for `seed_demo`: valid, revoked and expired, ready to verify.

Idempotent: learners are found by email and a certificate is issued once per
completion, so running the seed again adds nothing and prints the same URL. Expects
the standards and the demo catalogue to be loaded (it skips what it cannot find and
says so). The learners get no usable password unless one is given.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TextIO

from django.contrib.auth import get_user_model
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone

from wagtail.images import get_image_model

from academy.accounts.roles import Role
from academy.accounts.services import user_provision
from certificates import conf, services
from certificates.models import Certificate, CertificateTemplate
from competencies.models import LineOfWork, OrgUnit, Person, PositionType
from competencies.services import org_unit_create, person_create, placement_start
from courses.models import CourseCompletion, CoursePage, Enrolment
from courses.selectors import lessons_of
from courses.services import enrolment_create, lesson_complete

DEMO_UNIT = "DGA-DEMO-CERT"


@dataclass(frozen=True)
class DemoLearner:
    email: str
    title_th: str
    first_th: str
    last_th: str
    title_en: str
    first_en: str
    last_en: str
    line_of_work: str  # code; the position is its name and the level's
    level_rank: int
    outcome: str  # valid, revoked or expired


LEARNERS = (
    DemoLearner(
        "somying.jaingam@demo.academy.go.th",
        "นาง",
        "สมหญิง",
        "ใจงาม",
        "Mrs",
        "Somying",
        "Jaingam",
        "3-1-0013",
        2,
        "valid",
    ),
    DemoLearner(
        "prasert.mankong@demo.academy.go.th",
        "นาย",
        "ประเสริฐ",
        "มั่นคง",
        "Mr",
        "Prasert",
        "Mankong",
        "3-1-0012",
        1,
        "revoked",
    ),
    DemoLearner(
        "wilaiwan.rakrian@demo.academy.go.th",
        "นางสาว",
        "วิไลวรรณ",
        "รักเรียน",
        "Ms",
        "Wilaiwan",
        "Rakrian",
        "3-1-006",
        3,
        "expired",
    ),
)


def _say(stdout: TextIO | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def _signature_png() -> bytes:
    """A hand-drawn-looking signature stroke (so the demo looks like the real thing)."""
    from PIL import Image, ImageDraw

    width, height = 600, 200
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points = []
    for step in range(0, 520):
        t = step / 520
        x = 40 + t * 500
        y = 110 - 45 * math.sin(t * 9.5) * (1 - t * 0.6) - 18 * math.sin(t * 31)
        points.append((x, y))
    draw.line(points, fill=(20, 40, 110, 255), width=11, joint="curve")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _demo_template(stdout) -> None:
    if CertificateTemplate.objects.exists():
        return
    Image = get_image_model()
    signature = Image(title="ลายมือชื่อผู้อำนวยการ (ตัวอย่าง)")
    signature.file = ImageFile(io.BytesIO(_signature_png()), name="demo-signature.png")
    signature.save()
    CertificateTemplate.objects.create(
        name="แบบประกาศนียบัตรมาตรฐาน",
        is_active=True,
        signature=signature,
        signatory_name_th="นายธนกร วิริยะพัฒน์",
        signatory_name_en="Mr Thanakorn Wiriyapat",
        signatory_position_th=f"ผู้อำนวยการ{conf.issuer_name_th()}",
        signatory_position_en=f"Director, {conf.issuer_name_en()}",
    )
    _say(stdout, "Certificate template: created the standard template (active).")


def _demo_unit() -> OrgUnit | None:
    unit = OrgUnit.objects.filter(code=DEMO_UNIT).first()
    if unit is not None:
        return unit
    return org_unit_create(
        code=DEMO_UNIT,
        name_th="กองพัฒนาระบบดิจิทัล (สาธิต)",
        name_en="Digital Systems Division (demo)",
        kind="division",
        parent=OrgUnit.get_first_root_node(),
    )


def _learner(demo: DemoLearner, *, password: str | None):
    User = get_user_model()
    user = User.objects.filter(email__iexact=demo.email).first()
    if user is None:
        user = user_provision(
            email=demo.email,
            first_name=demo.first_th,
            last_name=demo.last_th,
            password=password,
            roles=(Role.LEARNER,),
        )
    person = Person.objects.filter(user=user).first()
    if person is None:
        person = person_create(
            title_th=demo.title_th,
            first_name_th=demo.first_th,
            last_name_th=demo.last_th,
            title_en=demo.title_en,
            first_name_en=demo.first_en,
            last_name_en=demo.last_en,
            email=demo.email,
            user=user,
        )
    position_type = PositionType.objects.filter(code="knowledge").first()
    line_of_work = (
        LineOfWork.objects.filter(code=demo.line_of_work).first()
        or LineOfWork.objects.order_by("code").first()
    )
    if position_type and line_of_work and not person.placements.exists():
        levels = list(position_type.levels.order_by("rank"))
        placement_start(
            person=person,
            unit=_demo_unit(),
            position_type=position_type,
            position_level=levels[min(demo.level_rank, len(levels)) - 1],
            line_of_work=line_of_work,
            starts_on=date(2020, 10, 1),
        )
    return user


def _open_courses():
    """Live, open courses without prerequisites: a demo learner can complete them."""
    return (
        CoursePage.objects.live()
        .filter(
            enrolment_policy=CoursePage.EnrolmentPolicy.OPEN,
            prerequisites__isnull=True,
        )
        .order_by("path")
    )


def _complete(user, course: CoursePage) -> CourseCompletion:
    completion = CourseCompletion.objects.filter(user=user, course=course).first()
    if completion is not None:
        return completion
    enrolment = enrolment_create(user=user, course=course)
    for lesson in lessons_of(course):
        lesson_complete(user=user, lesson=lesson)
    return CourseCompletion.objects.get(enrolment=enrolment)


def _backdate(completion: CourseCompletion, *, days: int) -> None:
    # Demo only: an expired certificate needs a completion from long ago.
    when = timezone.now() - timedelta(days=days)
    CourseCompletion.objects.filter(pk=completion.pk).update(completed_at=when)
    Enrolment.objects.filter(pk=completion.enrolment_id).update(completed_at=when)
    completion.refresh_from_db()


@transaction.atomic
def certificates_seed(
    *, stdout: TextIO | None = None, password: str | None = None
) -> str:
    """Issue the demo certificates; returns (and prints) a valid one's verify URL.

    Run in one transaction, so the course_completed tasks queued by the courses app
    run after commit and find the certificates already issued.
    """
    try:
        services.signing_key_active()
    except services.SigningKeyMissingError:
        services.signing_key_generate()
    _demo_template(stdout)
    courses = list(_open_courses())
    expiring = [course for course in courses if course.certificate_validity_months]
    if not courses:
        _say(
            stdout,
            "Certificates: no open course to complete; load the catalogue first.",
        )
        return ""
    valid_url = ""
    for demo in LEARNERS:
        if demo.outcome == "expired":
            if not expiring:
                _say(
                    stdout,
                    "Certificates: no course has a validity period; no expired demo.",
                )
                continue
            course = expiring[0]
        else:
            course = courses[0]
        user = _learner(demo, password=password)
        completion = _complete(user, course)
        if (
            demo.outcome == "expired"
            and not Certificate.objects.filter(completion=completion).exists()
        ):
            months = course.certificate_validity_months
            _backdate(completion, days=months * 31 + 60)
        certificate = services.certificate_issue(completion=completion)
        if (
            demo.outcome == "revoked"
            and certificate.status != Certificate.Status.REVOKED
        ):
            certificate = services.certificate_revoke(
                certificate=certificate,
                reason="ตัวอย่างการเพิกถอน (ข้อมูลสาธิต)",
                revoked_by=None,
            )
        url = conf.absolute_url(f"/verify/{certificate.public_id}/")
        _say(
            stdout,
            f"Certificate {certificate.number} ({certificate.verification_state}) "
            f"for {certificate.name_th}: {url}",
        )
        if demo.outcome == "valid":
            valid_url = url
    if valid_url:
        _say(stdout, f"Try verifying a valid certificate: {valid_url}")
    return valid_url
