"""Who sees a SCORM package in the admin: the instructor who uploaded it and the
administrators; another instructor can neither list, open, edit, delete nor choose it
for a lesson (404), and only they may preview it, in browse mode, recording nothing."""

import pytest

from academy.accounts.roles import Role
from courses.models import ScormLessonPage, ScormPackage, ScormRegistration
from courses.scorm.forms import ScormLessonPageForm
from courses.scorm.services import package_create
from tests.courses.scorm_helpers import CONTENT_ORIGIN, golf_upload
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def packages(standards):
    mine = UserFactory(email="mine@example.go.th", roles=[Role.INSTRUCTOR])
    theirs = UserFactory(email="theirs@example.go.th", roles=[Role.INSTRUCTOR])
    own = package_create(upload=golf_upload("1.2"), uploaded_by=mine, title="ของฉัน")
    other = package_create(
        upload=golf_upload("2004"), uploaded_by=theirs, title="ของคนอื่น"
    )
    return mine, own, other


def test_an_instructor_lists_only_their_own_packages(client, packages):
    mine, own, other = packages
    client.force_login(mine)
    html = client.get("/admin/courses/scorm-packages/").content.decode()
    assert "ของฉัน" in html and "ของคนอื่น" not in html


@pytest.mark.parametrize("view", ["edit", "delete", "history", "usage"])
def test_another_instructors_package_is_not_found(client, packages, view):
    mine, own, other = packages
    client.force_login(mine)
    assert (
        client.get(f"/admin/courses/scorm-packages/{view}/{own.pk}/").status_code == 200
    )
    assert (
        client.get(f"/admin/courses/scorm-packages/{view}/{other.pk}/").status_code
        == 404
    )
    assert (
        client.post(f"/admin/courses/scorm-packages/delete/{other.pk}/").status_code
        == 404
    )
    assert ScormPackage.objects.filter(pk=other.pk).exists()


def test_an_administrator_sees_every_package(client, packages):
    admin = UserFactory(email="boss@example.go.th", roles=[Role.ACADEMY_ADMIN])
    client.force_login(admin)
    html = client.get("/admin/courses/scorm-packages/").content.decode()
    assert "ของฉัน" in html and "ของคนอื่น" in html


def test_a_lesson_offers_only_the_editors_packages_and_the_one_it_plays(packages):
    mine, own, other = packages
    form_class = ScormLessonPage.get_edit_handler().get_form_class()
    assert issubclass(form_class, ScormLessonPageForm)
    fresh = form_class(instance=ScormLessonPage(), for_user=mine)
    assert list(fresh.fields["package"].queryset) == [own]
    # A lesson a co-instructor set up keeps its package among the choices.
    kept = form_class(instance=ScormLessonPage(package=other), for_user=mine)
    assert set(kept.fields["package"].queryset) == {own, other}


# --- The owner's preview ------------------------------------------------------------


@pytest.fixture
def _content_origin(settings):
    settings.ACADEMY_SCORM_CONTENT_ORIGIN = CONTENT_ORIGIN
    settings.ALLOWED_HOSTS = ["testserver", "scorm.testserver"]


def _player_path(html: str) -> str:
    start = html.index(f"{CONTENT_ORIGIN}/scorm-player/preview/")
    return html[start + len(CONTENT_ORIGIN) : html.index('"', start)]


@pytest.mark.usefixtures("_content_origin")
def test_the_owner_previews_a_package_in_browse_mode_and_nothing_is_recorded(
    client, packages
):
    mine, own, _other = packages
    client.force_login(mine)
    page = client.get(f"/admin/courses/scorm-packages/{own.pk}/preview/")
    assert page.status_code == 200
    player_path = _player_path(page.content.decode())
    player = client.get(player_path, HTTP_HOST="scorm.testserver")
    assert player.status_code == 200
    config = player.context["config"]
    assert config["preview"] is True
    assert config["cmi"]["cmi.core.lesson_mode"] == "browse"
    assert config["cmi"]["cmi.core.credit"] == "no-credit"
    launch = client.get(config["launch"], HTTP_HOST="scorm.testserver")
    assert launch.status_code == 200
    # The preview's addresses work on the packages' origin only.
    assert client.get(player_path).status_code == 404
    assert ScormRegistration.objects.count() == 0


@pytest.mark.usefixtures("_content_origin")
def test_another_instructor_cannot_preview_and_a_forged_token_gets_nothing(
    client, packages
):
    mine, own, other = packages
    client.force_login(mine)
    assert (
        client.get(f"/admin/courses/scorm-packages/{other.pk}/preview/").status_code
        == 404
    )
    forged = f"/scorm-player/preview/{other.pk}-0.abc.def/"
    assert client.get(forged, HTTP_HOST="scorm.testserver").status_code == 404
