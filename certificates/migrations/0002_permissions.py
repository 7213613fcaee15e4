"""Academy administrators manage certificates in the Wagtail admin: templates (all
actions), issued certificates (view; change = revoke), signing keys (view only; keys
are made with `manage.py issuer_keys`), bulk ZIPs. Safe to run again."""

from django.db import migrations

ADMIN_MODEL_PERMISSIONS = {
    "certificatetemplate": ("add", "change", "delete", "view"),
    "certificate": ("change", "view"),
    "signingkey": ("view",),
    "certificatebundle": ("add", "view"),
}


def _permission(apps, app_label, model, codename):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": f"Can {codename.replace('_', ' ')}"},
    )
    return permission


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name="academy_admin")
    permissions = [_permission(apps, "wagtailadmin", "admin", "access_admin")]
    for model, actions in ADMIN_MODEL_PERMISSIONS.items():
        for action in actions:
            permissions.append(
                _permission(apps, "certificates", model, f"{action}_{model}")
            )
    group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
        ("accounts", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
