"""Kept for migrations only: competencies 0003, 0012 and 0013 import
`grant_standards_permissions` from here, and a migration must keep importing as
written. The academy_admin group's permissions live in competencies.group_permissions;
rules about what a user may do live in competencies.authz."""

from competencies.group_permissions import grant_standards_permissions

__all__ = ["grant_standards_permissions"]
