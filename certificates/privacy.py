"""What certificates holds about a person (see academy/accounts/privacy.py).

A certificate is a document the person was given and others rely on: it keeps the name
printed on it after retention anonymises the person's account and record, so that it
stays verifiable (its number and surname, its QR code, its signed credential).
"""

from academy.accounts.privacy import DataSubject, export_section
from certificates import conf
from certificates.models import Certificate


@export_section("certificates")
def certificates_section(subject: DataSubject) -> list[dict]:
    certificates = Certificate.objects.filter(user=subject.user).order_by(
        "issued_on", "pk"
    )
    return [
        {
            "number": certificate.number,
            "name_th": certificate.name_th,
            "name_en": certificate.name_en,
            "course_th": certificate.course_title_th,
            "course_en": certificate.course_title_en,
            "issued_on": certificate.issued_on.isoformat(),
            "status": certificate.status,
            "revoked_at": certificate.revoked_at.isoformat()
            if certificate.revoked_at
            else None,
            "verification_url": f"{conf.base_url()}/verify/{certificate.public_id}/",
        }
        for certificate in certificates
    ]
