"""Role checks live in the authz modules only (academy/accounts/authz.py and each app's
authz.py): everywhere else asks `can`/`require` about a named rule.

The production source is read with `ast` and every role check outside those modules
fails the test, unless the allow-list below names the file and the kind of check with
the reason it is not a decision about what a user may do.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = ("academy", "competencies", "courses", "certificates", "hr", "demo")
#: Where role checks belong: the rules, and the definition of the roles.
HOME = {"academy/accounts/roles.py"}

#: (file, kind of check) -> why it is not a decision an authz rule should make.
ALLOWED = {
    ("academy/accounts/mfa.py", "user_has_role()"): (
        "MFA enforcement for staff: which accounts must present a second factor "
        "before reaching /hr/ or /admin/ is a sign-in policy, asked before any rule"
    ),
    ("academy/accounts/mfa.py", ".is_superuser"): "MFA enforcement for staff (above)",
    ("academy/accounts/mfa.py", ".is_staff"): "MFA enforcement for staff (above)",
    ("courses/page_permissions.py", ".is_superuser"): (
        "the Wagtail admin's own page permission tester and policy: superusers are "
        "left to Wagtail's rules, as Wagtail's own tester does"
    ),
    ("academy/accounts/services.py", "Role comparison"): (
        "provisioning: staff status follows the roles being granted; nobody's "
        "access is decided"
    ),
    ("demo/content.py", "Role comparison"): (
        "the demo content's loader checks its own roster file (the first user is "
        "the learner, every role is present)"
    ),
    ("demo/management/commands/seed_demo.py", "Role comparison"): (
        "the demo seeder picks accounts from its own roster of demo users"
    ),
    ("demo/management/commands/seed_demo.py", ".is_superuser"): (
        "the demo seeder makes its demo superuser one"
    ),
}

ROLE_FUNCTIONS = {"user_has_role", "is_academy_admin"}
ROLE_ATTRIBUTES = {"is_superuser", "is_staff"}


def _is_role_member(node) -> bool:
    """`Role.HR_OFFICER` (or `roles.Role.HR_OFFICER`), possibly with `.value`."""
    if isinstance(node, ast.Attribute) and node.attr == "value":
        node = node.value
    if not isinstance(node, ast.Attribute):
        return False
    owner = node.value
    name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", None)
    return name == "Role" and node.attr.isupper()


def role_checks(source: str) -> list[tuple[int, str]]:
    """(line, kind) of each role check in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            function = node.func
            name = getattr(function, "id", None) or getattr(function, "attr", None)
            if name in ROLE_FUNCTIONS:
                found.append((node.lineno, f"{name}()"))
            if (
                name == "getattr"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in ROLE_ATTRIBUTES
            ):
                found.append((node.lineno, f".{node.args[1].value}"))
            for keyword in node.keywords:
                if keyword.arg and keyword.arg.startswith("groups__"):
                    found.append((node.lineno, "group membership query"))
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in ROLE_ATTRIBUTES
            and isinstance(node.ctx, ast.Load)
        ):
            found.append((node.lineno, f".{node.attr}"))
        elif isinstance(node, ast.Compare) and any(
            _is_role_member(part)
            for operand in (node.left, *node.comparators)
            for part in ast.walk(operand)
        ):
            found.append((node.lineno, "Role comparison"))
    return sorted(found)


def _production_files():
    for package in PRODUCTION:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or path.name == "authz.py":
                continue
            if relative in HOME:
                continue
            yield relative, path


def production_role_checks() -> dict[tuple[str, str], list[int]]:
    checks: dict[tuple[str, str], list[int]] = {}
    for relative, path in _production_files():
        for line, kind in role_checks(path.read_text(encoding="utf-8")):
            checks.setdefault((relative, kind), []).append(line)
    return checks


def test_role_checks_are_asked_through_authz_only():
    checks = production_role_checks()
    stray = {
        f"{path}:{lines[0]} {kind}"
        for (path, kind), lines in checks.items()
        if (path, kind) not in ALLOWED
    }
    assert not stray, (
        "Role checks outside the authz modules; register a rule in the app's "
        f"authz.py and ask `can`/`require`: {sorted(stray)}"
    )


def test_the_allow_list_names_only_checks_that_exist():
    """An entry whose check has gone must go too, or it would excuse a new one."""
    checks = production_role_checks()
    assert not [entry for entry in ALLOWED if entry not in checks]


def test_the_scan_reads_every_production_package():
    files = {relative.split("/")[0] for relative, _path in _production_files()}
    assert files == set(PRODUCTION)


@pytest.mark.parametrize(
    ("snippet", "kind"),
    [
        (
            "if user_has_role(request.user, Role.HR_OFFICER):\n    pass",
            "user_has_role()",
        ),
        ("ok = authz.is_academy_admin(user)", "is_academy_admin()"),
        ("if request.user.is_superuser:\n    pass", ".is_superuser"),
        ("ok = getattr(user, 'is_staff', False)", ".is_staff"),
        ("ok = Role.ACADEMY_ADMIN.value in roles", "Role comparison"),
        ("ok = role == roles.Role.INSTRUCTOR", "Role comparison"),
        (
            "ok = user.groups.filter(name='x').exists() or User.objects.filter(groups__name='hr_officer')",
            "group membership query",
        ),
    ],
)
def test_the_scan_finds_ad_hoc_role_checks(snippet, kind):
    assert kind in {found for _line, found in role_checks(snippet)}


def test_the_scan_leaves_alone_what_decides_nothing():
    snippet = (
        "user.is_superuser = False\n"
        "user_grant_roles(user=user, roles=(Role.HR_OFFICER,))\n"
        "if can(user, 'hr.act_as_officer'):\n    pass\n"
    )
    assert role_checks(snippet) == []
