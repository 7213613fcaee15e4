"""The courses' part of the HR person page: learning and assessment results.

Registered from CoursesConfig.ready() through competencies.hr.sections, so the
workspace (a lower app) never imports this one. The person page has already checked
that the viewer may see the person (an HR officer whose scope holds them, or one of
their supervisors); each provider here decides what that viewer may see of it.
"""

from django.utils.translation import gettext_lazy as _

from competencies.hr.sections import PersonSection, register_person_section

# The person page shows the latest results; the full list is one link away.
RECENT_RESULTS = 10


def learning_section(*, person, user) -> PersonSection:
    """Enrolments with progress and learning hours by fiscal year (officers and supervisors)."""
    from .selectors import person_learning

    return PersonSection(
        key="courses.learning",
        title=_("Learning"),
        template="courses/hr/person_learning.html",
        context={"learning": person_learning(person)},
        order=20,
    )


def results_section(*, person, user) -> PersonSection | None:
    """The person's latest assessment results, for HR officers whose scope holds them.

    Supervisors see competency profiles, not scores: the section is left out for them.
    """
    from competencies.hr.selectors import hr_access, placements_in_scope

    from .assessments.selectors import results_for_hr

    access = hr_access(user)
    if not access.is_hr_officer:
        return None
    if not placements_in_scope(access).filter(person=person).exists():
        return None  # a supervisor who is an HR officer elsewhere
    results = list(results_for_hr(access, person=person)[: RECENT_RESULTS + 1])
    return PersonSection(
        key="courses.results",
        title=_("Assessment results"),
        template="courses/hr/person_results.html",
        context={
            "results": results[:RECENT_RESULTS],
            "more": len(results) > RECENT_RESULTS,
        },
        order=25,
    )


def register() -> None:
    register_person_section(learning_section)
    register_person_section(results_section)
