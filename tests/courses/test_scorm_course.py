"""A SCORM package made into a whole course: an instructor uploads it in the admin,
ticks "Create a course from it", sees what will be made and confirms. The Academy
makes a draft course under the catalogue (title, language and description from the
manifest) with one SCORM lesson that plays the whole package, for the instructor to
complete and submit for review. Tested with Rustici's Golf Examples
(tests/data/outside/scorm), through the real admin URLs."""

import html
import io
import re
import zipfile
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from wagtail.models import GroupPagePermission, Page, PageLogEntry

import pytest

from academy.accounts import authz
from academy.accounts.roles import Role
from courses.models import CatalogPage, CoursePage, ScormLessonPage, ScormPackage
from courses.review import submit_for_review, submittable
from courses.scorm.package import PackageError, package_inspect
from courses.scorm.services import ScormError, course_from_package, package_create
from tests.courses.scorm_helpers import FORCED_ORDER, FORCED_ORDER_ITEMS, GOLF
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PACKAGES = "/admin/courses/scorm-packages/"


@pytest.fixture
def catalogue(standards):
    return CatalogPage.objects.get()


@pytest.fixture
def instructor(standards):
    return UserFactory(email="scorm.author@example.go.th", roles=[Role.INSTRUCTOR])


@pytest.fixture
def other_instructor(standards):
    return UserFactory(email="someone.else@example.go.th", roles=[Role.INSTRUCTOR])


def _upload(path, name=None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes(), "application/zip")


def _zip_bytes(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _rezip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _with_metadata(path, lom: str, *, extra: dict[str, bytes] | None = None) -> bytes:
    """The real package, its manifest's <metadata> given `lom` (nothing else
    changed), and `extra` files added."""
    members = _zip_bytes(path)
    manifest = members["imsmanifest.xml"].decode("utf-8")
    manifest = re.sub(
        r"(<schemaversion>[^<]*</schemaversion>)", r"\1" + lom, manifest, count=1
    )
    members["imsmanifest.xml"] = manifest.encode("utf-8")
    members.update(extra or {})
    return _rezip(members)


def _admin_upload(client, upload, *, create_course=True):
    data = {"package_file": upload, "title": ""}
    if create_course:
        data["create_course"] = "on"
    return client.post(f"{PACKAGES}add/", data)


def _course_made(client, instructor, path):
    """Upload through the admin with "Create a course from it", then confirm."""
    client.force_login(instructor)
    response = _admin_upload(client, _upload(path))
    package = ScormPackage.objects.get(uploaded_by=instructor)
    assert response.status_code == 302
    assert response.url == f"{PACKAGES}{package.pk}/course/"
    confirm = client.get(response.url)
    assert confirm.status_code == 200
    made = client.post(response.url)
    course = CoursePage.objects.get()
    assert made.status_code == 302
    assert made.url == f"/admin/pages/{course.pk}/edit/"
    return package, course


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_a_single_sco_package_becomes_a_draft_course_with_one_lesson(
    client, catalogue, instructor, version
):
    package, course = _course_made(client, instructor, GOLF[version])
    assert course.get_parent().pk == catalogue.pk
    assert course.title == "Golf Explained - Run-time Basic Calls"
    assert not course.live and course.has_unpublished_changes
    assert course.owner == instructor
    assert course.get_latest_revision().user == instructor
    assert PageLogEntry.objects.filter(page=course, action="wagtail.create").exists()
    # No language or description in the Golf manifests: the Thai summary says what
    # the package holds.
    assert course.title_en == "" and course.description == ""
    assert "Golf Explained" in course.summary and "SCORM" in course.summary
    assert any("\u0e00" <= char <= "\u0e7f" for char in course.summary)
    lessons = ScormLessonPage.objects.child_of(course)
    assert [lesson.package_id for lesson in lessons] == [package.pk]
    lesson = lessons.get()
    assert not lesson.live and lesson.owner == instructor
    assert lesson.title == course.title
    # No typical learning time in the Golf manifests: the defaults, for the
    # instructor to set (the confirm page said so).
    assert (course.learning_hours, lesson.estimated_minutes) == (Decimal(1), 15)
    # The instructor authors it and may submit it through the review workflow; it
    # is not published and no review has started.
    assert authz.can(instructor, "courses.view_course_results", course)
    assert course.permissions_for_user(instructor).can_edit()
    assert submittable(course, instructor) and submittable(lesson, instructor)
    assert not course.workflow_in_progress
    assert Client().get(f"/courses/{course.slug}/").status_code == 404


def test_a_multi_sco_package_becomes_one_lesson_playing_every_sco(
    client, catalogue, instructor
):
    package, course = _course_made(client, instructor, FORCED_ORDER)
    lesson = ScormLessonPage.objects.child_of(course).get()
    assert lesson.package_id == package.pk
    assert [item["identifier"] for item in lesson.package.launchable] == (
        FORCED_ORDER_ITEMS
    )
    # The manifest's navigation stays inside the lesson, where it is checked.
    assert (package.choice, package.flow) == (True, True)
    assert course.title == "Golf Explained - Sequencing Forced Order"
    for title in ("Playing the Game", "Etiquette", "Handicapping"):
        assert title in course.summary


def test_the_confirm_page_shows_what_will_be_made(client, catalogue, instructor):
    client.force_login(instructor)
    package = package_create(upload=_upload(FORCED_ORDER), uploaded_by=instructor)
    page = client.get(f"{PACKAGES}{package.pk}/course/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Golf Explained - Sequencing Forced Order" in text
    assert text.count("<li>") >= 5
    assert catalogue.title in text
    assert "csrfmiddlewaretoken" in text
    # In Thai, the admin's language.
    assert "สร้างหลักสูตรจากแพ็กเกจ SCORM" in text
    assert "บทเรียน SCORM หนึ่งบท" in text and "สร้างหลักสูตรฉบับร่าง" in text
    assert "Create the draft course" not in text
    assert CoursePage.objects.count() == 0  # a GET makes nothing
    assert 'name="create_course"' in client.get(f"{PACKAGES}add/").content.decode()
    listing = client.get(PACKAGES).content.decode()
    assert f"{PACKAGES}{package.pk}/course/" in listing


THAI_LOM = """<lom xmlns="http://ltsc.ieee.org/xsd/LOM"><general>
  <title><string language="th">ไม่ใช้ชื่อนี้</string></title>
  <language>th</language>
  <description><string language="en">An English line</string>
    <string language="th">กติกาและมารยาท
      ในการเล่นกอล์ฟ</string></description>
</general><educational><typicalLearningTime><duration>PT1H30M</duration>
</typicalLearningTime></educational></lom>"""


def test_thai_metadata_fills_the_thai_fields(client, catalogue, instructor):
    data = _with_metadata(GOLF["2004"], THAI_LOM)
    package = package_create(
        upload=SimpleUploadedFile("golf-th.zip", data), uploaded_by=instructor
    )
    course, created = course_from_package(package=package, user=instructor)
    assert created
    # The organization's title, not the metadata's.
    assert course.title == "Golf Explained - Run-time Basic Calls"
    assert course.summary == "กติกาและมารยาท ในการเล่นกอล์ฟ"
    assert course.description == "<p>กติกาและมารยาท ในการเล่นกอล์ฟ</p>"
    assert course.title_en == course.summary_en == course.description_en == ""
    # The typical learning time gives the course's hours and the lesson's minutes.
    assert course.learning_hours == Decimal("1.5")
    assert ScormLessonPage.objects.child_of(course).get().estimated_minutes == 90


ENGLISH_LOM_12 = """<adlcp:location>metadata/course.xml</adlcp:location>"""
ENGLISH_METADATA_FILE = b"""<?xml version="1.0"?>
<lom xmlns="http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"><general>
  <language>en-US</language>
  <description><langstring xml:lang="en-US">Learn golf &lt;fast&gt;.</langstring>
  </description>
</general><educational><typicallearningtime><datetime>00:45:00</datetime>
</typicallearningtime></educational></lom>"""


def test_english_metadata_in_a_file_of_its_own_fills_the_english_fields(
    catalogue, instructor
):
    data = _with_metadata(
        GOLF["1.2"],
        ENGLISH_LOM_12,
        extra={"metadata/course.xml": ENGLISH_METADATA_FILE},
    )
    package = package_create(
        upload=SimpleUploadedFile("golf-en.zip", data), uploaded_by=instructor
    )
    course, _created = course_from_package(package=package, user=instructor)
    assert course.title_en == course.title == "Golf Explained - Run-time Basic Calls"
    assert course.summary_en == "Learn golf <fast>."
    assert course.description_en == "<p>Learn golf &lt;fast&gt;.</p>"
    assert course.description == ""
    # The Thai summary, required, says what the package holds until translated.
    assert "Golf Explained" in course.summary
    lesson = ScormLessonPage.objects.child_of(course).get()
    assert lesson.title_en == course.title_en
    assert (course.learning_hours, lesson.estimated_minutes) == (Decimal("0.8"), 45)


def test_a_thai_title_gets_a_readable_slug(catalogue, instructor):
    members = _zip_bytes(GOLF["1.2"])
    members["imsmanifest.xml"] = members["imsmanifest.xml"].replace(
        b"<title>Golf Explained - Run-time Basic Calls</title>",
        "<title>กอล์ฟเบื้องต้น</title>".encode(),
    )
    package = package_create(
        upload=SimpleUploadedFile("golf.zip", _rezip(members)), uploaded_by=instructor
    )
    course, _created = course_from_package(package=package, user=instructor)
    assert course.title == "กอล์ฟเบื้องต้น"
    assert course.slug and course.slug.isascii()


# --- Refusals -----------------------------------------------------------------------


def test_another_instructors_package_is_not_found(
    client, catalogue, instructor, other_instructor
):
    package = package_create(upload=_upload(GOLF["1.2"]), uploaded_by=instructor)
    client.force_login(other_instructor)
    assert client.get(f"{PACKAGES}{package.pk}/course/").status_code == 404
    assert client.post(f"{PACKAGES}{package.pk}/course/").status_code == 404
    assert CoursePage.objects.count() == 0


def test_someone_who_may_not_add_courses_is_refused(client, catalogue, instructor):
    package = package_create(upload=_upload(GOLF["1.2"]), uploaded_by=instructor)
    # The instructors' right to add pages under the catalogue taken away.
    GroupPagePermission.objects.filter(
        group__name="instructor", page=catalogue
    ).delete()
    client.force_login(instructor)
    assert client.get(f"{PACKAGES}{package.pk}/course/").status_code == 404
    assert client.post(f"{PACKAGES}{package.pk}/course/").status_code == 404
    assert CoursePage.objects.count() == 0
    # Neither the upload form nor the package's row offers it.
    assert 'name="create_course"' not in client.get(f"{PACKAGES}add/").content.decode()
    listing = client.get(PACKAGES).content.decode()
    assert package.title in listing
    assert f"{PACKAGES}{package.pk}/course/" not in listing
    with pytest.raises(ScormError):
        course_from_package(package=package, user=instructor)
    assert CoursePage.objects.count() == 0


def test_a_learner_cannot_reach_the_page(client, catalogue, instructor):
    package = package_create(upload=_upload(GOLF["1.2"]), uploaded_by=instructor)
    learner = UserFactory(email="learner@example.go.th")
    client.force_login(learner)
    response = client.post(f"{PACKAGES}{package.pk}/course/")
    assert response.status_code in (302, 403, 404)
    assert CoursePage.objects.count() == 0
    assert not authz.can(learner, "courses.create_course_from_package", package)


def test_an_administrator_makes_a_course_of_any_package(client, catalogue, instructor):
    admin = UserFactory(email="academy.admin@example.go.th", roles=[Role.ACADEMY_ADMIN])
    package = package_create(upload=_upload(GOLF["2004"]), uploaded_by=instructor)
    client.force_login(admin)
    response = client.post(f"{PACKAGES}{package.pk}/course/")
    course = CoursePage.objects.get()
    assert response.status_code == 302
    assert course.owner == admin and not course.live


def _path_traversal_zip() -> bytes:
    members = _zip_bytes(GOLF["1.2"])
    members["../evil.html"] = b"<script>1</script>"
    return _rezip(members)


def test_a_bad_package_gets_the_same_thai_error_and_nothing_is_made(
    client, catalogue, instructor
):
    data = _path_traversal_zip()
    with translation.override("th"), pytest.raises(PackageError) as caught:
        package_inspect(io.BytesIO(data), size=len(data), limits=_limits())
    expected = caught.value.message
    assert any("\u0e00" <= char <= "\u0e7f" for char in expected)
    client.force_login(instructor)
    response = _admin_upload(client, SimpleUploadedFile("bad.zip", data))
    assert response.status_code == 200
    assert html.escape(expected) in response.content.decode()
    assert ScormPackage.objects.count() == 0
    assert CoursePage.objects.count() == 0
    assert ScormLessonPage.objects.count() == 0


def _limits():
    from courses.scorm.origin import limits

    return limits()


def test_a_failure_half_way_leaves_nothing(catalogue, instructor, monkeypatch):
    from django.core.exceptions import ValidationError

    package = package_create(upload=_upload(FORCED_ORDER), uploaded_by=instructor)
    pages_before = Page.objects.count()
    numchild_before = catalogue.numchild

    def refuse(self, *args, **kwargs):
        raise ValidationError({"title": "refused for the test"})

    # The course page is added; then its lesson is refused.
    monkeypatch.setattr(ScormLessonPage, "full_clean", refuse)
    with pytest.raises(ScormError) as caught:
        course_from_package(package=package, user=instructor)
    assert "refused for the test" in caught.value.message
    assert Page.objects.count() == pages_before
    assert CoursePage.objects.count() == 0
    assert CatalogPage.objects.get().numchild == numchild_before
    assert not any(Page.find_problems())
    monkeypatch.undo()
    course, created = course_from_package(package=package, user=instructor)
    assert created and ScormLessonPage.objects.child_of(course).count() == 1


# --- Idempotence --------------------------------------------------------------------


def _csrf(client, url) -> str:
    page = client.get(url).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_a_form_sent_twice_makes_one_course(catalogue, instructor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(instructor)
    package = package_create(upload=_upload(GOLF["2004"]), uploaded_by=instructor)
    url = f"{PACKAGES}{package.pk}/course/"
    # Without the token: refused, nothing made.
    assert client.post(url).status_code == 403
    assert CoursePage.objects.count() == 0
    token = _csrf(client, url)
    first = client.post(url, {"csrfmiddlewaretoken": token})
    second = client.post(url, {"csrfmiddlewaretoken": token})
    course = CoursePage.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == f"/admin/pages/{course.pk}/edit/"
    assert ScormLessonPage.objects.count() == 1
    # The confirm page now names the course the package made.
    assert course.title in client.get(url).content.decode()


def test_the_service_gives_the_same_course_back(catalogue, instructor):
    package = package_create(upload=_upload(GOLF["1.2"]), uploaded_by=instructor)
    first, created = course_from_package(package=package, user=instructor)
    again, created_again = course_from_package(package=package, user=instructor)
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert CoursePage.objects.count() == 1


def test_the_draft_goes_through_the_review_workflow(catalogue, instructor):
    package = package_create(upload=_upload(GOLF["1.2"]), uploaded_by=instructor)
    course, _created = course_from_package(package=package, user=instructor)
    lesson = ScormLessonPage.objects.child_of(course).get()
    submit_for_review(course, instructor)
    submit_for_review(lesson, instructor)
    course.refresh_from_db()
    assert course.workflow_in_progress and not course.live
    assert not course.permissions_for_user(instructor).can_publish()
