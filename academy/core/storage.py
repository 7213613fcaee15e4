"""Private files: a storage alias ("private") that no URL points into.

Certificate PDFs, HR bundles, evidence attachments and Wagtail documents live there
under random names and are served only by views that ask `authz.can` first. The alias
is a plain STORAGES entry read through `storages["private"]`, so a deployment can point
it at a private object-storage bucket without touching the models.

With ACADEMY_S3_* variables both storages live in object storage instead
(academy/core/s3.py).
"""

import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, empty

from .filenames import ScriptSafeNames

PRIVATE_STORAGE_ALIAS = "private"


class MediaFileSystemStorage(ScriptSafeNames, FileSystemStorage):
    """The public media (page images) on the local disk, names kept whole in Thai."""


class PrivateFileSystemStorage(ScriptSafeNames, FileSystemStorage):
    """Local files outside MEDIA_ROOT (ACADEMY_PRIVATE_MEDIA_ROOT by default) with no URL.

    `url()` refuses, so a template or view can never hand out a direct link by mistake.
    """

    def __init__(self, location=None, **kwargs):
        kwargs.pop("base_url", None)
        super().__init__(
            location=location or settings.ACADEMY_PRIVATE_MEDIA_ROOT, **kwargs
        )

    def url(self, name):
        raise NotImplementedError(
            "Private files have no URL; serve them through a permission-checked view."
        )


class _PrivateStorage(LazyObject):
    """`storages["private"]`, looked up when first used and again after STORAGES changes."""

    def _setup(self):
        self._wrapped = storages[PRIVATE_STORAGE_ALIAS]


_private = _PrivateStorage()


def private_storage():
    """The storage of every private FileField (a callable, so migrations name it)."""
    return _private


def random_name(directory: str, extension: str) -> str:
    """An unguessable file name: nothing about the person or the object reaches it."""
    return f"{directory}/{secrets.token_urlsafe(24)}.{extension}"


def document_upload_to(instance, filename: str) -> str:
    """A Wagtail document's stored name: `documents/<random token>/<original name>`.

    The token keeps the stored path unguessable (two uploads of one name differ);
    the original name stays last, so Wagtail's serve view still offers it as the
    download's file name.
    """
    return f"documents/{secrets.token_urlsafe(16)}/{filename}"


def _reset(*, setting, **kwargs):
    if setting in {"STORAGES", "ACADEMY_PRIVATE_MEDIA_ROOT"}:
        # Django forgets its own storages when STORAGES changes; a new location
        # must be picked up too.
        storages._storages.pop(PRIVATE_STORAGE_ALIAS, None)
        _private._wrapped = empty


setting_changed.connect(_reset, dispatch_uid="academy-private-storage-reset")


def private_file_fields() -> list:
    """Every FileField of every installed model whose storage is the private one."""
    from django.apps import apps
    from django.db.models import FileField

    return [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, FileField) and field.storage is _private
    ]


def private_files_move(*, log=None) -> int:
    """Move files stored before the private storage existed out of MEDIA_ROOT.

    A row whose file is not yet in the private storage but is in the default (public)
    one gets a fresh name from its field (random where the field says so), the bytes
    are copied, the row is updated, and the public copy deleted. Idempotent: a second
    run finds nothing to move. Returns the number of files moved.
    """
    import os

    from django.core.files.storage import default_storage

    moved = 0
    for field in private_file_fields():
        model = field.model
        rows = (
            model._base_manager.exclude(**{field.name: ""})
            .exclude(**{f"{field.name}__isnull": True})
            .order_by("pk")
        )
        for instance in rows.iterator(chunk_size=200):
            old_name = getattr(instance, field.attname).name
            if _private.exists(old_name) or not default_storage.exists(old_name):
                continue
            new_name = field.generate_filename(instance, os.path.basename(old_name))
            with default_storage.open(old_name, "rb") as handle:
                new_name = _private.save(new_name, handle)
            # The base manager: append-only models refuse updates through their own.
            model._base_manager.filter(pk=instance.pk).update(**{field.name: new_name})
            default_storage.delete(old_name)
            moved += 1
            if log is not None:
                log(f"{model._meta.label}#{instance.pk}: {old_name} -> private")
    return moved
