"""The certificates' part of the HR workspace: a person-page section and a nav link.

Registered from CertificatesConfig.ready() through competencies.hr.sections, so the
workspace (a lower app) never imports this one.
"""

from django.utils.translation import gettext_lazy as _

from competencies.hr.sections import (
    PersonSection,
    register_hr_nav,
    register_person_section,
)


def certificates_section(*, person, user) -> PersonSection:
    from certificates.selectors import certificates_of_person

    return PersonSection(
        key="certificates",
        title=_("Certificates"),
        template="certificates/hr/person_certificates.html",
        context={"certificates": certificates_of_person(person)},
        order=60,
    )


def register() -> None:
    register_person_section(certificates_section)
    register_hr_nav(_("Certificates"), "certificates:hr_certificates", order=60)
    register_hr_nav(
        _("Training register (ก.พ.7)"), "certificates:hr_register", order=65
    )
