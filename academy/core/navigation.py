"""The site navigation: which workspaces a signed-in user is offered.

The roles are read once at sign-in and kept in the session, so drawing the menu
costs no query on any page (the query budgets of every page stay as they are). The
menu only offers links: every workspace checks the user's roles itself, so a role
removed since sign-in shows a link that now refuses, never access.
"""

from django.conf import settings

from academy.accounts.roles import Role

SESSION_KEY = "academy_nav_roles"


def remember_roles(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: keep the user's role names in their session."""
    if request is None or not hasattr(request, "session"):
        return
    roles = set(user.groups.values_list("name", flat=True))
    if user.is_superuser:
        roles |= {role.value for role in Role}
    request.session[SESSION_KEY] = sorted(roles)


def navigation(request) -> dict:
    """Context processor: `nav` with the workspaces to link to, and whether
    self sign-up is open (the sign-in page only offers it then)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}, "signup_open": settings.ACCOUNT_ALLOW_SIGNUPS}
    roles = set(request.session.get(SESSION_KEY, ()))
    return {
        "nav": {
            "hr": Role.HR_OFFICER.value in roles,
            "admin": bool(roles & {Role.INSTRUCTOR.value, Role.ACADEMY_ADMIN.value}),
        }
    }
