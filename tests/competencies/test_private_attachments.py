"""Evidence attachments live in the private storage: never under /media/."""

from pathlib import Path

from django.urls import reverse

import pytest

pytestmark = pytest.mark.django_db


def test_an_attachment_is_not_under_media(client, settings, hr_world):
    settings.ROOT_URLCONF = "tests.media_urls"
    name = hr_world.attachment.file.name
    assert client.get(f"/media/{name}").status_code == 404
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert (Path(settings.ACADEMY_PRIVATE_MEDIA_ROOT) / name).is_file()


def test_an_attachment_is_served_to_an_officer_of_the_persons_unit_only(
    client, hr_world
):
    url = reverse("hr:attachment", args=[hr_world.attachment.pk])
    client.force_login(hr_world.sibling_officer)
    assert client.get(url).status_code == 404
    client.force_login(hr_world.officer)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
