"""The Django permissions the academy_admin group holds over competency standards:
who manages them in the Wagtail admin.

Wagtail checks Django model permissions (its ModelPermissionPolicy), so the role is
turned into permissions once, here, by migrations. Evidence is append-only, so
administrators get add and view on it, never change or delete. This is group setup,
not a rule: what a user may do with a person's records is asked of
competencies.authz.
"""

from django.apps import apps as global_apps

from academy.accounts.roles import Role

ACCESS_ADMIN = ("wagtailadmin", "admin", "access_admin")

#: model name -> the actions an academy administrator may take on it.
STANDARDS_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "framework": ("add", "change", "delete", "view"),
    "competency": ("add", "change", "delete", "view"),
    "proficiencyscale": ("add", "change", "delete", "view"),
    "proficiencylevel": ("add", "change", "delete", "view"),
    "personnelgroup": ("add", "change", "delete", "view"),
    "requirement": ("add", "change", "delete", "view"),
    "grouprule": ("add", "change", "delete", "view"),
    "staffscheme": ("add", "change", "delete", "view"),
    "schemecoverage": ("add", "change", "delete", "view"),
    "positiontype": ("add", "change", "delete", "view"),
    "positionlevel": ("add", "change", "delete", "view"),
    "lineofwork": ("add", "change", "delete", "view"),
    "orgunit": ("add", "change", "delete", "view"),
    "person": ("add", "change", "delete", "view"),
    "placement": ("add", "change", "delete", "view"),
    "optionalchoice": ("add", "change", "delete", "view"),
    "evidence": ("add", "view"),
}


def grant_standards_permissions(apps=global_apps) -> int:
    """Give the academy_admin group the standards permissions; safe to run again.

    Pass the migration's `apps` when calling from a data migration: permissions and
    content types are created here if post_migrate has not made them yet. Returns the
    number of permissions newly granted.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")

    group, _created = Group.objects.get_or_create(name=Role.ACADEMY_ADMIN.value)
    wanted = []
    for model_name, actions in STANDARDS_PERMISSIONS.items():
        content_type, _created = ContentType.objects.get_or_create(
            app_label="competencies", model=model_name
        )
        for action in actions:
            permission, _created = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model_name}",
                defaults={"name": f"Can {action} {model_name}"},
            )
            wanted.append(permission)
    app_label, model_name, codename = ACCESS_ADMIN
    content_type, _created = ContentType.objects.get_or_create(
        app_label=app_label, model=model_name
    )
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": "Can access Wagtail admin"},
    )
    wanted.append(permission)

    held = set(group.permissions.values_list("pk", flat=True))
    missing = [permission for permission in wanted if permission.pk not in held]
    group.permissions.add(*missing)
    return len(missing)
