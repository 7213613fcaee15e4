"""Object storage (any S3-compatible service: AWS S3, MinIO, Ceph) shared by every host.

Two storages, configured from ACADEMY_S3_* variables (`s3_storages`, read by the
settings):
- "default", the public media: page images are public-read with plain, cacheable
  URLs. Anything else that lands in the default storage is written private and
  linked only with a short-lived signed URL, so a guessed key reveals nothing.
- "private" (academy/core/storage.py: certificate PDFs, bundles, attachments,
  Wagtail documents): never public; the permission-checked views stream its files
  or hand out a signed URL that expires within minutes.
Kept apart from academy/core/storage.py so that boto3 loads only when it is used.
"""

from __future__ import annotations

from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from .filenames import ScriptSafeNames

#: Key prefixes (Wagtail's) of files that anyone may read: page images and renditions.
PUBLIC_PREFIXES = ("original_images/", "images/")


class PublicMediaStorage(ScriptSafeNames, S3Storage):
    """Page images public, everything else private and signed (see the module)."""

    #: False where the bucket refuses ACLs (AWS "bucket owner enforced"): a bucket
    #: policy must then make the images prefix readable.
    object_acls = True

    def __init__(self, **settings):
        self.object_acls = settings.pop("object_acls", True)
        settings.setdefault("querystring_auth", True)
        super().__init__(**settings)

    def is_public(self, name: str) -> bool:
        """Whether a file name (as Django knows it, under `location`) is public."""
        return clean_name(name).startswith(PUBLIC_PREFIXES)

    def get_object_parameters(self, name):
        # Called on upload with the bucket key, `location` included.
        params = super().get_object_parameters(name)
        if self.object_acls:
            prefix = f"{self.location.strip('/')}/" if self.location else ""
            relative = name.removeprefix(prefix)
            params["ACL"] = "public-read" if self.is_public(relative) else "private"
        return params

    def url(self, name, parameters=None, expire=None, http_method=None):
        key = self._normalize_name(clean_name(name))
        if self.is_public(name):
            if self.custom_domain:  # a CDN in front of the images: plain URL
                return super().url(name, parameters, expire, http_method)
            return self.unsigned_connection.meta.client.generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket.name, "Key": key}
            )
        # Not an image: signed by the bucket itself, never through the CDN domain.
        return self.connection.meta.client.generate_presigned_url(
            "get_object",
            Params={**(parameters or {}), "Bucket": self.bucket.name, "Key": key},
            ExpiresIn=self.querystring_expire if expire is None else expire,
            HttpMethod=http_method,
        )


class PrivateS3Storage(ScriptSafeNames, S3Storage):
    """Never public: written private, read through signed URLs only."""

    def __init__(self, **settings):
        object_acls = settings.pop("object_acls", True)
        settings.setdefault("querystring_auth", True)
        if object_acls:
            settings.setdefault("default_acl", "private")
        super().__init__(**settings)


def s3_storages(environ) -> dict:
    """STORAGES entries "default" and "private" from ACADEMY_S3_* variables.

    Pure (reads only the mapping it is given) so that settings and tests build the
    same configuration.
    """
    common = {
        "endpoint_url": environ.get("ACADEMY_S3_ENDPOINT_URL") or None,
        "region_name": environ.get("ACADEMY_S3_REGION") or None,
        "access_key": environ.get("ACADEMY_S3_ACCESS_KEY_ID") or None,
        "secret_key": environ.get("ACADEMY_S3_SECRET_ACCESS_KEY") or None,
        "addressing_style": environ.get("ACADEMY_S3_ADDRESSING_STYLE") or None,
        "signature_version": "s3v4",
        "file_overwrite": False,
        "object_acls": environ.get("ACADEMY_S3_OBJECT_ACLS", "1") != "0",
        "querystring_expire": int(environ.get("ACADEMY_S3_SIGNED_URL_SECONDS", "300")),
    }
    public_bucket = environ["ACADEMY_S3_PUBLIC_BUCKET"]
    public_domain = environ.get("ACADEMY_S3_PUBLIC_DOMAIN") or None
    return {
        "default": {
            "BACKEND": "academy.core.s3.PublicMediaStorage",
            "OPTIONS": {
                **common,
                "bucket_name": public_bucket,
                "location": "media",
                "custom_domain": public_domain,
            },
        },
        "private": {
            "BACKEND": "academy.core.s3.PrivateS3Storage",
            "OPTIONS": {
                **common,
                "bucket_name": environ.get("ACADEMY_S3_PRIVATE_BUCKET")
                or public_bucket,
                "location": "private",
            },
        },
    }
