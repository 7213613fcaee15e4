"""Authorisation rules for courses and learning (see academy/accounts/authz.py).

An instructor's scope is the courses they own or co-teach, as the Wagtail page
permissions read it (courses/page_permissions.py `authored_course_paths`); a learner's is
their own enrolments and attempts.
"""

from academy.accounts.authz import is_academy_admin, rule
from academy.accounts.roles import Role, user_has_role


def _authors(user, course) -> bool:
    from courses.page_permissions import authored_course_paths

    return course is not None and course.path in authored_course_paths(user)


@rule("courses.author_all")
def author_all(user, obj) -> bool:
    """Every instructor's question banks, questions, assessments and SCORM packages:
    academy administrators (instructors see and change their own)."""
    return is_academy_admin(user)


@rule("courses.create_course_from_package")
def create_course_from_package(user, package) -> bool:
    """Make a draft course of a SCORM package: someone who may add courses to the
    catalogue (Wagtail's page permissions), with a package of their own (an
    administrator: any package)."""
    from courses.scorm.selectors import catalogue_for_author, packages_for_author

    return (
        package is not None
        and packages_for_author(user).filter(pk=package.pk).exists()
        and catalogue_for_author(user) is not None
    )


@rule("courses.view_course_results")
def view_course_results(user, course) -> bool:
    """Learners' results on a course: its owner or a co-instructor, and administrators."""
    return is_academy_admin(user) or (
        user_has_role(user, Role.INSTRUCTOR) and _authors(user, course)
    )


@rule("plans.view_agreement_form")
def view_agreement_form(user, plan) -> bool:
    """The signed form behind a plan's agreement: the person, their supervisors and
    the HR officers of their unit (whoever may see the plan itself)."""
    if plan.person.user_id == user.pk:
        return True
    from academy.accounts.authz import can

    return can(user, "hr.view_person", plan.person)


@rule("plans.record_agreement")
def record_agreement(user, person) -> bool:
    """Record a supervisor's paper agreement: an HR officer of the person's current
    unit, never on their own plan."""
    from academy.accounts.authz import can

    return person.user_id != user.pk and can(user, "hr.change_person", person)


@rule("plans.invite_supervisor")
def invite_supervisor(user, person) -> bool:
    """Invite a person to supervise staff (an account, their reports linked): an HR
    officer of the person's current unit, never the officer themselves."""
    from academy.accounts.authz import can

    return person.user_id != user.pk and can(user, "hr.change_person", person)


@rule("assignments.change")
def change_assignment(user, assignment) -> bool:
    """Change an assignment's due date or cancel it: the officer who assigned it, or
    one whose scope holds everyone it reaches; never an officer who sees only part."""
    from competencies.hr.selectors import hr_access
    from courses.assignments.selectors import assignment_may_change

    return assignment is not None and assignment_may_change(hr_access(user), assignment)
