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
        or not xapi.event_enabled("certificate_issued")
    ):
        return
    course = certificate.course
    xapi.statement_record(
        event="certificate_issued",
        key=str(certificate.public_id),
        actor=xapi.actor_for(user=certificate.user),
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


@xapi.backfill_source("certificate_issued")
def _certificates_backfill():
    rows = Certificate.objects.filter(issued_at__isnull=False).select_related(
        "user", "course", "completion"
    )
    for batch in xapi.in_batches(rows):
        for certificate in batch:
            certificate_issued(certificate=certificate)
        yield
