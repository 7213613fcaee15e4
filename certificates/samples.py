"""A sample certificate, never saved: what template previews and checks render."""

import uuid
from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from certificates.models import Certificate

SAMPLE_PUBLIC_ID = uuid.UUID("00000000-0000-4000-8000-000000000000")


def sample_certificate() -> Certificate:
    issued_on = date(2026, 11, 22)
    valid_from = timezone.make_aware(datetime.combine(issued_on, time(10, 0)))
    return Certificate(
        public_id=SAMPLE_PUBLIC_ID,
        number="DGA-2569-000123",
        name_th="นางสาวญาณิศา ศรีสุข",
        name_en="Ms Yanisa Srisuk",
        last_name_th="ศรีสุข",
        last_name_en="Srisuk",
        position_th="นักวิชาการคอมพิวเตอร์ชำนาญการ",
        position_en="Computer Technical Officer, Professional Level",
        organisation_th="กองเทคโนโลยีสารสนเทศ",
        organisation_en="Information Technology Division",
        course_title_th="การกำกับดูแลข้อมูลภาครัฐ",
        course_title_en="Government data governance",
        learning_hours=Decimal("6.0"),
        competencies=[
            {
                "code": "ACD-GOV-02",
                "name_th": "ธรรมาภิบาลข้อมูล",
                "name_en": "Data governance",
                "framework_th": "กรอบสมรรถนะดิจิทัลของสถาบัน",
                "framework_en": "The Academy's own digital competency framework",
                "level_rank": 3,
                "level_th": "ประยุกต์ใช้",
                "level_en": "Applying",
            }
        ],
        training_started_on=date(2026, 11, 3),
        delivery_mode="blended",
        issued_on=issued_on,
        valid_from=valid_from,
        valid_until=valid_from.replace(year=2028),
        status=Certificate.Status.VALID,
    )
