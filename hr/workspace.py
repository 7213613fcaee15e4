"""The one door to the HR workspace and the chrome every page of it shares.

Every /hr/ view is decorated with @workspace_view: it signs the user in, asks the
authorisation rule (hr.act_as_officer for an officer's pages, hr.use_workspace for the
pages supervisors share), answers 404 to anyone else, so that a refusal does not
confirm the workspace is there, and hands the view the viewer's HRAccess. Pages render
through workspace_render(), which gives hr/base_hr.html the access, the current section
and the navigation.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from academy.accounts.authz import require
from competencies.hr.selectors import HRAccess, hr_access

from .sections import hr_nav_items


def workspace_view(*, officer: bool):
    """Decorate a view `view(request, access, ...)` of the HR workspace.

    officer=True: HR officers with a scope only; officer=False: also supervisors,
    whose pages narrow what they show to their reports.
    """
    action = "hr.act_as_officer" if officer else "hr.use_workspace"

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require(request.user, action)
            return view(request, hr_access(request.user), *args, **kwargs)

        wrapped.workspace_action = action  # what tests/hr/test_workspace.py checks
        return wrapped

    return decorate


def workspace_render(
    request,
    template: str,
    access: HRAccess,
    section: str,
    context: dict | None = None,
    *,
    status: int = 200,
):
    """Render an hr/ template inside the workspace's chrome (hr/base_hr.html)."""
    return render(
        request,
        template,
        {
            "access": access,
            "section": section,
            "hr_nav": hr_nav_items() if access.is_hr_officer else [],
            **(context or {}),
        },
        status=status,
    )
