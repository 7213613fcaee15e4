from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "academy.core"
    label = "core"
    verbose_name = _("Academy core")

    def ready(self):
        from django.apps import apps
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from academy.core import (
            checks,  # noqa: F401  (registers the deploy checks)
            pagecache,
        )
        from academy.core.navigation import remember_workspaces
        from academy.core.public import site_sync
        from academy.core.sites import wagtail_site_sync_after_migrate

        user_logged_in.connect(remember_workspaces, dispatch_uid="academy-nav-roles")
        pagecache.connect_signals()
        _documents_in_private_storage()
        # After the sites app has made its default Site (its own post_migrate).
        post_migrate.connect(
            site_sync,
            sender=apps.get_app_config("sites"),
            dispatch_uid="academy-site-sync",
        )
        post_migrate.connect(
            wagtail_site_sync_after_migrate,
            sender=self,
            dispatch_uid="academy-wagtail-site-sync",
        )
        self._connect_celery_signals()

    def _connect_celery_signals(self) -> None:
        from celery import signals

        from academy.core import metrics, requestid

        signals.before_task_publish.connect(
            requestid.task_publish_add_request_id, dispatch_uid="academy-rid-publish"
        )
        signals.task_prerun.connect(
            requestid.task_prerun_set_request_id, dispatch_uid="academy-rid-prerun"
        )
        signals.task_postrun.connect(
            requestid.task_postrun_clear_request_id, dispatch_uid="academy-rid-postrun"
        )
        signals.task_failure.connect(
            metrics.task_failure_count, dispatch_uid="academy-task-failures"
        )


def _documents_in_private_storage() -> None:
    """Wagtail documents live in the private storage, served only by Wagtail's view.

    Its view applies the collections' view restrictions; the files themselves must not
    sit under MEDIA_ROOT, where the web server would hand them to anyone. Wagtail's
    Document model names no storage, so its field is pointed here, and each new file
    is stored under a random directory (`document_upload_to`) so its path cannot be
    guessed from its name. The field still deconstructs as Wagtail wrote it, so no
    migration in Wagtail's app is implied.
    """
    from wagtail.documents import get_document_model

    from academy.core.storage import document_upload_to, private_storage

    field = get_document_model()._meta.get_field("file")
    if getattr(field, "_academy_private", False):
        return
    wagtail_deconstruct = field.deconstruct
    wagtail_upload_to = field.upload_to

    def deconstruct():
        name, path, args, kwargs = wagtail_deconstruct()
        kwargs.pop("storage", None)
        kwargs["upload_to"] = wagtail_upload_to
        return name, path, args, kwargs

    field.storage = private_storage()
    field.upload_to = document_upload_to
    field.deconstruct = deconstruct
    field._academy_private = True
