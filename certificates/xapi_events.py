"""Certificates as xAPI statements (competencies/xapi/, docs/xapi.md): the learner
`earned` the badge that the certificate's Open Badges credential is."""

from academy.core.public import public_url
from competencies.xapi import services as xapi
from competencies.xapi import vocabulary
from courses.xapi_events import course_activity

from .models import Certificate


def certificate_issued(*, certificate: Certificate) -> None:
    if (
        certificate.status == Certificate.Status.PENDING
        or certificate.issued_at is None
    ):
        return
    course = certificate.course
    xapi.learner_record(
        "certificate_issued",
        key=certificate.public_id,
        user=certificate.user,
        verb=vocabulary.EARNED,
        object=xapi.activity(
            id=public_url(f"/credentials/{certificate.public_id}.json"),
            type=vocabulary.ACTIVITY_BADGE,
            name_th=certificate.course_title_th,
            name_en=certificate.course_title_en,
            more_info=public_url(f"/verify/{certificate.public_id}/"),
        ),
        at=certificate.issued_at,
        result={
            "completion": True,
            "extensions": {xapi.extension("certificate-number"): certificate.number},
        },
        context={
            "contextActivities": {"parent": [course_activity(course)]},
            "registration": xapi.registration(certificate.completion.enrolment_id),
        },
    )


xapi.backfill_each(
    "certificate_issued",
    Certificate.objects.filter(issued_at__isnull=False).select_related(
        "user", "course", "completion"
    ),
    lambda certificate: certificate_issued(certificate=certificate),
)
