"""The one place that answers "may this user do this to this object".

A rule is a function of (user, object) registered under an action name such as
"hr.view_person". The accounts app defines the rules about accounts; each domain app
defines its own in an `authz.py` module (found when Django starts, see apps.py), where
it states the rule in terms of its selectors' scope: an instructor's own courses, an
HR officer's subtree, a learner's own records. Views, downloads, exports and admin
permission policies ask `can` or `require`; none of them re-states a rule.

Asking about an action nobody registered is a programming error and raises, so that a
typo can never read as "allowed" or silently as "refused".
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404

from .roles import Role, user_has_role

Rule = Callable[[object, object], bool]
_rules: dict[str, Rule] = {}


def rule(action: str):
    """Register the rule for `action`; one rule per action."""

    def register(function: Rule) -> Rule:
        if action in _rules and _rules[action] is not function:
            raise ImproperlyConfigured(f"Two rules for the action {action!r}.")
        _rules[action] = function
        return function

    return register


def actions() -> list[str]:
    return sorted(_rules)


def can(user, action: str, obj=None) -> bool:
    """True if `user` may do `action` (to `obj`). Inactive and anonymous users may not."""
    try:
        check = _rules[action]
    except KeyError:
        raise ImproperlyConfigured(f"No authorisation rule for {action!r}.") from None
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(check(user, obj))


def require(user, action: str, obj=None, *, hide: bool = True) -> None:
    """Raise unless `user` may do `action`.

    hide=True answers 404, so that a refusal does not confirm that the object exists
    (the rule for people's records and downloads); hide=False answers 403.
    """
    if not can(user, action, obj):
        if hide:
            raise Http404
        raise PermissionDenied


def permission_required(action: str, *, hide: bool = False):
    """View decorator for object-less actions: sign in first, then `require`."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require(request.user, action, hide=hide)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def is_academy_admin(user) -> bool:
    return user_has_role(user, Role.ACADEMY_ADMIN)


# ------------------------------------------------------------------------------
# Accounts' own rules
# ------------------------------------------------------------------------------


@rule("accounts.view_audit_log")
def _view_audit_log(user, obj) -> bool:
    """Administrators read the audit log; nobody edits it (it is append-only)."""
    return is_academy_admin(user)


@rule("accounts.export_personal_data")
def _export_personal_data(user, obj) -> bool:
    """A person downloads their own data, nobody else's."""
    return obj is None or getattr(obj, "pk", None) == user.pk


@rule("accounts.issue_mfa_enrolment_token")
def _issue_mfa_enrolment_token(user, obj) -> bool:
    """Vouch for someone enrolling a second factor (`manage.py mfa_enrolment_token
    --by`): academy administrators."""
    return is_academy_admin(user)
