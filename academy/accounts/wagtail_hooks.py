"""Registers the audit log in the Wagtail admin (read-only, for administrators)."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .models import AuditEntry
from .viewsets import AuditLogPermissionPolicy, audit_entry_viewset

register_permission_policy(AuditEntry, AuditLogPermissionPolicy(AuditEntry))


@hooks.register("register_admin_viewset")
def register_audit_log_viewset():
    return audit_entry_viewset
