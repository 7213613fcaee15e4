"""Media and private files in S3-compatible object storage (moto's standalone server):
page images public, private files never readable without a signature."""

import socket
import time
import urllib.error
import urllib.request

from django.core.files.base import ContentFile
from django.core.files.storage import storages

import pytest

from academy.core.s3 import s3_storages
from tests.objectstore import PRIVATE_BUCKET, PUBLIC_BUCKET


@pytest.fixture
def s3(settings, s3_server):
    """STORAGES built from the ACADEMY_S3_* variables, as settings build them."""
    s3_server.reset()
    settings.STORAGES = {**settings.STORAGES, **s3_storages(s3_server.environ())}
    return s3_server


def _anonymous_get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_a_private_file_goes_up_and_comes_back(s3):
    storage = storages["private"]

    name = storage.save("bundles/hr-2026.zip", ContentFile(b"PK bundle bytes"))

    assert storage.exists(name)
    with storage.open(name) as stored:
        assert stored.read() == b"PK bundle bytes"
    key = f"private/{name}"
    assert (
        s3.client().head_object(Bucket=PRIVATE_BUCKET, Key=key)["ContentLength"] == 15
    )


def test_a_private_file_is_not_publicly_readable(s3):
    storage = storages["private"]
    name = storage.save("certificates/DGA-1.pdf", ContentFile(b"%PDF-1.7 private"))

    status, _ = _anonymous_get(f"{s3.endpoint}/{PRIVATE_BUCKET}/private/{name}")

    assert status == 403
    grants = s3.client().get_object_acl(Bucket=PRIVATE_BUCKET, Key=f"private/{name}")
    assert not [g for g in grants["Grants"] if "AllUsers" in str(g["Grantee"])]


def test_a_private_files_url_is_signed_short_lived_and_works(s3):
    storage = storages["private"]
    name = storage.save("attachments/memo.pdf", ContentFile(b"%PDF memo"))

    url = storage.url(name)

    assert "X-Amz-Signature=" in url and "X-Amz-Expires=300" in url
    assert _anonymous_get(url) == (200, b"%PDF memo")


def test_a_page_image_has_a_plain_public_url(s3):
    storage = storages["default"]
    name = storage.save("original_images/banner.png", ContentFile(b"\x89PNG image"))

    url = storage.url(name)

    assert url == f"{s3.endpoint}/{PUBLIC_BUCKET}/media/original_images/banner.png"
    assert _anonymous_get(url) == (200, b"\x89PNG image")


def test_a_document_in_the_default_storage_is_private_and_signed(s3):
    storage = storages["default"]
    name = storage.save("documents/restricted.pdf", ContentFile(b"%PDF restricted"))

    unsigned = f"{s3.endpoint}/{PUBLIC_BUCKET}/media/{name}"

    assert _anonymous_get(unsigned)[0] == 403
    assert "X-Amz-Signature=" in storages["default"].url(name)


@pytest.mark.django_db
def test_readyz_checks_the_object_storage(client, s3):
    body = client.get("/readyz").json()
    assert body["checks"]["storage:default"] == "ok"
    assert body["checks"]["storage:private"] == "ok"


@pytest.mark.django_db
def test_readyz_names_an_unreachable_object_store(client, settings, s3):
    # Port 1 (tcpmux) is never served here: refused at once.
    environ = {**s3.environ(), "ACADEMY_S3_ENDPOINT_URL": "http://127.0.0.1:1"}
    settings.STORAGES = {**settings.STORAGES, **s3_storages(environ)}

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["storage:private"].startswith("error: ")


@pytest.mark.django_db
def test_readyz_gives_up_on_a_silent_object_store_within_its_timeout(
    client, settings, s3
):
    """A store that takes the connection and never answers (a hung proxy) must not
    hold the probe for boto3's 60 s and retries: one attempt, STORAGE_TIMEOUT."""
    from academy.core.health import STORAGE_TIMEOUT

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepted by the kernel, never read or answered
    try:
        environ = {
            **s3.environ(),
            "ACADEMY_S3_ENDPOINT_URL": f"http://127.0.0.1:{silent.getsockname()[1]}",
        }
        settings.STORAGES = {**settings.STORAGES, **s3_storages(environ)}
        started = time.monotonic()
        response = client.get("/readyz")
        took = time.monotonic() - started
    finally:
        silent.close()
    assert response.status_code == 503
    assert response.json()["checks"]["storage:private"] == "error: ReadTimeoutError"
    # Two storages, each one attempt of at most STORAGE_TIMEOUT, plus slack.
    assert took < 4 * STORAGE_TIMEOUT + 3


@pytest.mark.django_db
def test_readyz_names_a_missing_bucket(client, settings, s3):
    environ = {**s3.environ(), "ACADEMY_S3_PRIVATE_BUCKET": "no-such-bucket"}
    settings.STORAGES = {**settings.STORAGES, **s3_storages(environ)}
    body = client.get("/readyz").json()
    assert body["checks"]["storage:default"] == "ok"
    assert body["checks"]["storage:private"] == "error: ClientError"
