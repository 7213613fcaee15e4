"""How development records and supervisors plug into the HR workspace (called from
CoursesConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from competencies.hr.sections import (
    PersonSection,
    register_hr_nav,
    register_person_section,
)


def supervisor_section(*, person, user) -> PersonSection | None:
    """A link to invite the person as a supervisor: HR officers of their unit only."""
    from academy.accounts.authz import can

    if person.user_id == user.pk or not can(user, "hr.change_person", person):
        return None
    return PersonSection(
        key="courses.supervisor",
        title=_("Supervisor"),
        template="courses/development/person_supervisor_section.html",
        context={},
        order=35,
    )


def register() -> None:
    register_hr_nav(_("Development records"), "development:hr_list", order=45)
    register_person_section(supervisor_section)
