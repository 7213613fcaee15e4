"""Course authoring: the review workflow on the catalogue and the roles' permissions.

Instructors get "add" on the catalogue (never "change" or "publish"): with it they
create courses and, through courses.permissions, edit the courses they own or co-teach
and add lessons to them; their work goes to the academy administrators' review task.
Academy administrators get full page rights on the home page and the catalogue, and
the image, document and collection rights to author. Safe to run again.
"""

from django.db import migrations

WORKFLOW_NAME = "การตรวจทานหลักสูตร (Academy review)"
TASK_NAME = "ผู้ดูแลสถาบันตรวจทาน"

INSTRUCTOR_PAGE_ACTIONS = ("add",)
ADMIN_PAGE_ACTIONS = ("add", "change", "publish", "bulk_delete", "lock", "unlock")
INSTRUCTOR_COLLECTION_PERMISSIONS = {
    ("wagtailimages", "image"): ("add", "choose"),
    ("wagtaildocs", "document"): ("add", "choose"),
}
ADMIN_COLLECTION_PERMISSIONS = {
    ("wagtailimages", "image"): ("add", "change", "delete", "choose"),
    ("wagtaildocs", "document"): ("add", "change", "delete", "choose"),
    ("wagtailcore", "collection"): ("add", "change", "delete"),
}
# Model permissions the academy administrators' admin views check.
ADMIN_MODEL_PERMISSIONS = {("courses", "enrolment"): ("change", "view")}


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


def _grant_page_permissions(apps, group, page, actions):
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    for action in actions:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page_id=page.pk,
            permission=_permission(apps, "wagtailcore", "page", f"{action}_page"),
        )


def _grant_collection_permissions(apps, group, collection, permissions):
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    for (app_label, model), actions in permissions.items():
        for action in actions:
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=collection,
                permission=_permission(apps, app_label, model, f"{action}_{model}"),
            )


def _grant_model_permissions(apps, group, permissions):
    for (app_label, model), actions in permissions.items():
        for action in actions:
            group.permissions.add(
                _permission(apps, app_label, model, f"{action}_{model}")
            )


def set_up_authoring(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    HomePage = apps.get_model("core", "HomePage")
    CatalogPage = apps.get_model("courses", "CatalogPage")
    Collection = apps.get_model("wagtailcore", "Collection")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    instructors, _ = Group.objects.get_or_create(name="instructor")
    administrators, _ = Group.objects.get_or_create(name="academy_admin")
    access_admin = _permission(apps, "wagtailadmin", "admin", "access_admin")
    instructors.permissions.add(access_admin)
    administrators.permissions.add(access_admin)
    _grant_model_permissions(apps, administrators, ADMIN_MODEL_PERMISSIONS)

    root_collection = Collection.objects.filter(depth=1).first()
    if root_collection is not None:
        _grant_collection_permissions(
            apps, instructors, root_collection, INSTRUCTOR_COLLECTION_PERMISSIONS
        )
        _grant_collection_permissions(
            apps, administrators, root_collection, ADMIN_COLLECTION_PERMISSIONS
        )

    home = HomePage.objects.filter(depth=2).first()
    if home is not None:
        _grant_page_permissions(apps, administrators, home, ADMIN_PAGE_ACTIONS)

    catalogue = CatalogPage.objects.first()
    if catalogue is None:
        return
    _grant_page_permissions(apps, instructors, catalogue, INSTRUCTOR_PAGE_ACTIONS)
    _grant_page_permissions(apps, administrators, catalogue, ADMIN_PAGE_ACTIONS)

    task_content_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task, _ = GroupApprovalTask.objects.get_or_create(
        name=TASK_NAME, defaults={"content_type": task_content_type, "active": True}
    )
    task.groups.add(administrators)
    workflow, _ = Workflow.objects.get_or_create(
        name=WORKFLOW_NAME, defaults={"active": True}
    )
    WorkflowTask.objects.get_or_create(
        workflow=workflow, task=task, defaults={"sort_order": 0}
    )
    # An assignment an administrator has already made in the admin is kept.
    WorkflowPage.objects.get_or_create(
        page_id=catalogue.pk, defaults={"workflow": workflow}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_catalogue_page"),
        ("accounts", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]
    operations = [migrations.RunPython(set_up_authoring, migrations.RunPython.noop)]
