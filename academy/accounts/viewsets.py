"""The audit log in the Wagtail admin: searchable, filterable, read-only.

Administrators list and inspect entries; nobody adds, edits or deletes one (the views
do not exist, the permission policy refuses those actions, and the model refuses
them too).
"""

from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.tables import Column
from wagtail.permission_policies.base import ModelPermissionPolicy

from academy.core.admin_columns import DateColumn
from academy.core.viewsets import RecordViewSet

from .authz import can
from .models import AuditEntry


class AuditLogPermissionPolicy(ModelPermissionPolicy):
    """ "view" for whoever authz lets read the audit log; no other action for anyone."""

    def user_has_permission(self, user, action):
        return action == "view" and can(user, "accounts.view_audit_log")

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


class AuditEntryViewSet(RecordViewSet):
    model = AuditEntry
    icon = "history"
    menu_label = _("Audit log")
    menu_order = 900
    add_to_settings_menu = True
    url_prefix = "audit-log"
    url_namespace = "audit_log"
    search_fields = ["actor_label", "action", "object_type", "object_id", "ip"]
    search_backend_name = None
    list_filter = ["action", "object_type", "subject_person_id", "at"]
    list_display = [
        DateColumn("at", label=_("at"), sort_key="at"),
        Column("actor_label", label=_("actor"), sort_key="actor_label"),
        Column("action", label=_("action"), sort_key="action"),
        Column("object_type", label=_("object type")),
        Column("object_id", label=_("object id")),
        Column("subject_person_id", label=_("subject person id")),
        Column("ip", label=_("IP address")),
    ]
    inspect_view_fields = [
        "at",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "subject_person_id",
        "ip",
        "detail",
    ]


audit_entry_viewset = AuditEntryViewSet("audit_log")
