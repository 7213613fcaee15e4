"""Authorisation rules of the site's frame (see academy/accounts/authz.py): the
operations page and which workspaces the menu offers."""

from academy.accounts.authz import is_academy_admin, rule
from academy.accounts.roles import Role, user_has_role


@rule("core.view_operations")
def view_operations(user, obj) -> bool:
    """Workers, queues and readiness checks: academy administrators (and superusers,
    who hold every role)."""
    return is_academy_admin(user)


@rule("core.offer_hr_workspace")
def offer_hr_workspace(user, obj) -> bool:
    """The menu links to /hr/ for HR officers; the workspace checks access itself."""
    return user_has_role(user, Role.HR_OFFICER)


@rule("core.offer_admin")
def offer_admin(user, obj) -> bool:
    """The menu links to the Wagtail admin for instructors and administrators."""
    return user_has_role(user, Role.INSTRUCTOR) or is_academy_admin(user)
