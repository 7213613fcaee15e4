"""The courses' part of the HR person page: learning, the development plan,
assessment results and the supervisor invitation.

Registered by the hr app (hr.sections.register_workspace). The person page has already checked
that the viewer may see the person (an HR officer whose scope holds them, or one of
their supervisors); each provider here decides what that viewer may see of it.
"""

from django.utils.translation import gettext_lazy as _

from academy.accounts.audit import AuditAction
from academy.accounts.authz import can

from .sections import PersonSection

# The person page shows the latest results; the full list is one link away.
RECENT_RESULTS = 10


def learning_section(*, person, user) -> PersonSection:
    """Enrolments with progress and learning hours by fiscal year (officers and supervisors)."""
    from courses.selectors import person_learning

    return PersonSection(
        key="courses.learning",
        title=_("Learning"),
        template="courses/hr/person_learning.html",
        context={"learning": person_learning(person)},
        order=20,
    )


def plan_section(*, person, user) -> PersonSection:
    """A link to the person's development plan on the HR person page."""
    return PersonSection(
        key="courses.plan",
        title=_("Development plan"),
        template="courses/assignments/person_plan_section.html",
        context={},
        order=30,
    )


def results_section(*, person, user) -> PersonSection | None:
    """The person's latest assessment results, for HR officers whose scope holds them.

    Supervisors see competency profiles, not scores: the section is left out for them.
    """
    from competencies.hr.selectors import hr_access, person_in_scope
    from courses.assessments.selectors import results_for_hr

    if not can(user, "hr.act_as_officer"):
        return None
    access = hr_access(user)
    if not person_in_scope(access, person):
        return None  # a supervisor who is an HR officer elsewhere
    results = list(results_for_hr(access, person=person)[: RECENT_RESULTS + 1])
    shown = results[:RECENT_RESULTS]
    return PersonSection(
        key="courses.results",
        title=_("Assessment results"),
        template="courses/hr/person_results.html",
        context={"results": shown, "more": len(results) > RECENT_RESULTS},
        order=25,
        audit_action=AuditAction.RESULTS_VIEW if shown else "",
        audit_detail={"attempts": [attempt.pk for attempt in shown]},
    )


def supervisor_section(*, person, user) -> PersonSection | None:
    """A link to invite the person as a supervisor: HR officers of their unit only."""
    from academy.accounts.authz import can

    if not can(user, "plans.invite_supervisor", person):
        return None
    return PersonSection(
        key="courses.supervisor",
        title=_("Supervisor"),
        template="hr/plans/person_supervisor_section.html",
        context={},
        order=35,
    )
