"""The certificates' part of the HR person page.

Registered by the hr app (hr.sections.register_workspace).
"""

from django.utils.translation import gettext_lazy as _

from academy.accounts.audit import AuditAction

from .sections import PersonSection


def certificates_section(*, person, user) -> PersonSection:
    from certificates.selectors import certificates_of_person

    certificates = certificates_of_person(person)
    return PersonSection(
        key="certificates",
        title=_("Certificates"),
        template="certificates/hr/person_certificates.html",
        context={"certificates": certificates},
        order=60,
        audit_action=AuditAction.CERTIFICATE_VIEW if certificates else "",
        audit_detail={"certificates": [c.number for c in certificates]},
    )
