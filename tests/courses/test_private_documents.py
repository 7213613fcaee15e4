"""Documents are stored privately and served by Wagtail's view, which applies the
collections' view restrictions: a restricted document has no public /media/ copy."""

from pathlib import Path

from django.core.files.base import ContentFile

from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def restricted_document(settings):
    settings.ROOT_URLCONF = "tests.media_urls"
    collection = Collection.get_first_root_node().add_child(name="ลับเฉพาะ HR")
    CollectionViewRestriction.objects.create(
        collection=collection,
        restriction_type=CollectionViewRestriction.LOGIN,
    )
    document = get_document_model()(title="เงินเดือน", collection=collection)
    document.file.save("salaries.pdf", ContentFile(b"%PDF-1.7 secret"), save=True)
    return document


def test_a_restricted_document_is_not_under_media(
    client, settings, restricted_document
):
    name = restricted_document.file.name
    assert client.get(f"/media/{name}").status_code == 404
    assert client.get("/media/documents/salaries.pdf").status_code == 404
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert (Path(settings.ACADEMY_PRIVATE_MEDIA_ROOT) / name).is_file()


def test_a_restricted_document_asks_anonymous_visitors_to_sign_in(
    client, restricted_document
):
    response = client.get(restricted_document.url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_restricted_document_is_streamed_to_a_signed_in_user(
    client, restricted_document
):
    client.force_login(UserFactory(email="reader@example.go.th"))
    response = client.get(restricted_document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 secret"
