"""Audit entries for HR scope grants and revokes, wherever they happen.

A scope (competencies.models.HRScope) decides whose records an HR officer reads, so
every scope added or removed is recorded: by `hr_scope_assign`, the `hr_scope_assign`
command, a shell, a queryset delete (Django sends post_delete for each row once a
receiver listens) or a cascade when the officer's account or the unit goes. Detail
names the officer and the unit; the actor is the signed-in user of the request being
served, or nobody (a command, a shell).
"""

from django.db.models.signals import post_delete, post_save

from academy.accounts.audit import (
    AuditAction,
    audit_record,
    current_actor,
    current_request,
)


def _unit_code(scope) -> str:
    from competencies.models import OrgUnit

    unit = scope._state.fields_cache.get("unit")
    if unit is not None:
        return unit.code
    return (
        OrgUnit.objects.filter(pk=scope.unit_id).values_list("code", flat=True).first()
        or ""
    )


def _record(scope, action: str) -> None:
    request = current_request()
    audit_record(
        actor=current_actor(request),
        action=action,
        obj=scope,
        request=request,
        detail={
            "officer": scope.user_id,
            "unit": scope.unit_id,
            "unit_code": _unit_code(scope),
        },
    )


def audit_scope_granted(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        _record(instance, AuditAction.HR_SCOPE_GRANT)


def audit_scope_revoked(sender, instance, **kwargs) -> None:
    _record(instance, AuditAction.HR_SCOPE_REVOKE)


def connect() -> None:
    from competencies.models import HRScope

    post_save.connect(
        audit_scope_granted, sender=HRScope, dispatch_uid="academy-hr-scope-grant"
    )
    post_delete.connect(
        audit_scope_revoked, sender=HRScope, dispatch_uid="academy-hr-scope-revoke"
    )
