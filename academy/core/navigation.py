"""The site navigation: which workspaces a signed-in user is offered.

The rules that offer each workspace (academy/core/authz.py) are asked once at sign-in
and the answers kept in the session, so drawing the menu costs no query on any page
(the query budgets of every page stay as they are). The menu only offers links: every
workspace checks access itself, so a role removed since sign-in shows a link that now
refuses, never access.
"""

from django.conf import settings

from academy.accounts.authz import can

SESSION_KEY = "academy_nav"

#: The menu's workspaces and the authz rule that offers each.
WORKSPACES = {"hr": "core.offer_hr_workspace", "admin": "core.offer_admin"}


def _offered(user) -> list[str]:
    return sorted(name for name, action in WORKSPACES.items() if can(user, action))


def remember_workspaces(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: keep in the session which workspaces the menu offers."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[SESSION_KEY] = _offered(user)


def navigation(request) -> dict:
    """Context processor: `nav` with the workspaces to link to, and whether
    self sign-up is open (the sign-in page only offers it then)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}, "signup_open": settings.ACCOUNT_ALLOW_SIGNUPS}
    if SESSION_KEY not in request.session:
        # A session from before this key existed (signed in before a deploy): ask
        # once, and keep the answer as a sign-in would.
        request.session[SESSION_KEY] = _offered(user)
    offered = set(request.session[SESSION_KEY])
    return {"nav": {name: name in offered for name in WORKSPACES}}
