"""The training's period and mode of study on the certificate, snapshotted at issue."""

from datetime import date, timedelta

from django.utils import timezone

import pytest

from certificates import face
from certificates.samples import sample_certificate
from certificates.services import certificate_issue
from courses.models import CoursePage, Enrolment
from tests.certificates.certificate_helpers import complete_course
from tests.certificates.pdf_helpers import render_certificate, text_boxes


@pytest.mark.parametrize(
    ("start", "end", "thai"),
    [
        (date(2026, 11, 3), date(2026, 11, 22), "3 – 22 พฤศจิกายน พ.ศ. 2569"),
        (date(2026, 10, 28), date(2026, 11, 2), "28 ตุลาคม – 2 พฤศจิกายน พ.ศ. 2569"),
        (
            date(2025, 12, 30),
            date(2026, 1, 5),
            "30 ธันวาคม พ.ศ. 2568 – 5 มกราคม พ.ศ. 2569",
        ),
        (date(2026, 11, 22), date(2026, 11, 22), "22 พฤศจิกายน พ.ศ. 2569"),
        (None, date(2026, 11, 22), "22 พฤศจิกายน พ.ศ. 2569"),
    ],
)
def test_the_period_names_a_shared_month_and_year_once(start, end, thai):
    assert face._period_text(start, end, "th") == thai


def test_the_face_says_when_and_how_in_thai_and_english():
    certificate = sample_certificate()
    th = face.training_text(certificate, "th")
    assert th == "อบรมระหว่างวันที่ 3 – 22 พฤศจิกายน พ.ศ. 2569 เรียนแบบผสมผสาน"
    en = face.training_text(certificate, "en")
    assert en == "Training: 3 November 2026 – 22 November 2026, blended learning"
    certificate.training_started_on = certificate.issued_on
    certificate.delivery_mode = "classroom"
    assert face.training_text(certificate, "th") == (
        "อบรมวันที่ 22 พฤศจิกายน พ.ศ. 2569 เรียนในห้องเรียน"
    )


def test_the_training_line_is_printed_inside_the_frame():
    pdf = render_certificate(sample_certificate(), "th")
    text = "".join(box[0] for box in text_boxes(pdf))
    assert "เรียนแบบผสมผสาน" in text.replace(" ", "") or "ผสมผสาน" in text


@pytest.mark.django_db
def test_issue_snapshots_the_enrolment_date_and_the_mode(learner, governance_course):
    CoursePage.objects.filter(pk=governance_course.pk).update(
        delivery_mode=CoursePage.DeliveryMode.CLASSROOM
    )
    governance_course.refresh_from_db()
    completion = complete_course(learner, governance_course)
    Enrolment.objects.filter(pk=completion.enrolment_id).update(
        enrolled_at=timezone.now() - timedelta(days=9)
    )
    certificate = certificate_issue(completion=completion)
    assert certificate.delivery_mode == "classroom"
    assert certificate.training_started_on == certificate.issued_on - timedelta(days=9)
    # A later change to the course does not change the certificate.
    CoursePage.objects.filter(pk=governance_course.pk).update(delivery_mode="blended")
    certificate.refresh_from_db()
    assert "เรียนในห้องเรียน" in face.training_text(certificate, "th")
