"""How assignments and plans plug into the HR workspace (called from CoursesConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from competencies.hr.sections import (
    PersonSection,
    register_hr_nav,
    register_person_section,
)


def plan_section(*, person, user):
    """A link to the person's development plan on the HR person page."""
    return PersonSection(
        key="courses.plan",
        title=_("Development plan"),
        template="courses/assignments/person_plan_section.html",
        context={},
        order=30,
    )


def register() -> None:
    register_hr_nav(_("Course assignments"), "assignments:list", order=40)
    register_hr_nav(_("Compliance"), "assignments:compliance", order=50)
    register_hr_nav(_("Fiscal-year report"), "assignments:fiscal", order=55)
    register_person_section(plan_section)
    # Celery's autodiscovery looks for courses.tasks only: register this module's.
    from . import tasks  # noqa: F401
