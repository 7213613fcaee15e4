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


def _upload(name: str, content: bytes = b"%PDF-1.7 plan"):
    document = get_document_model()(title="แผนงาน")
    document.file.save(name, ContentFile(content), save=True)
    return document


def test_a_document_is_stored_under_a_random_directory():
    document = _upload("annual-plan.pdf")
    directory, token, filename = document.file.name.split("/")
    assert (directory, filename) == ("documents", "annual-plan.pdf")
    assert len(token) >= 20 and "annual" not in token


def test_two_documents_of_one_name_get_different_paths():
    first, second = _upload("plan.pdf"), _upload("plan.pdf")
    assert first.file.name.split("/")[1] != second.file.name.split("/")[1]
    assert first.filename == second.filename == "plan.pdf"


def test_a_document_uploaded_in_the_admin_is_served_under_its_own_name(
    client, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from academy.accounts.roles import Role

    settings.ROOT_URLCONF = "tests.media_urls"
    client.force_login(UserFactory(roles=[Role.ACADEMY_ADMIN]))
    response = client.post(
        "/admin/documents/multiple/add/",
        {"files[]": SimpleUploadedFile("manual-2569.pdf", b"%PDF-1.7 manual")},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 200, response.content
    document = get_document_model().objects.get()
    assert document.file.name.startswith("documents/")
    assert document.file.name.count("/") == 2
    assert document.file.name.endswith("/manual-2569.pdf")

    served = client.get(document.url)
    assert served.status_code == 200
    assert 'filename="manual-2569.pdf"' in served["Content-Disposition"]
    assert document.file.name.split("/")[1] not in served["Content-Disposition"]
    assert b"".join(served.streaming_content) == b"%PDF-1.7 manual"
