import io

from django.db import transaction

import pytest

from competencies.models import Framework
from competencies.services import standards_load
from courses.models import CourseCompetency, CoursePage, CoursePrerequisite, LessonPage
from courses.selectors import catalogue_filters_parse, course_list_for_catalogue
from demo.catalogue import CatalogueSeedError, catalogue_seed
from demo.content import catalogue


def _counts() -> tuple[int, int, int, int]:
    return (
        CoursePage.objects.count(),
        LessonPage.objects.count(),
        CourseCompetency.objects.count(),
        CoursePrerequisite.objects.count(),
    )


@pytest.mark.django_db
def test_seed_is_idempotent(standards):
    created = catalogue_seed()
    counts = _counts()
    revisions = list(
        CoursePage.objects.order_by("pk").values_list("latest_revision_id", flat=True)
    )
    output = io.StringIO()

    assert created == len(catalogue().courses)
    assert catalogue_seed(stdout=output) == 0
    assert _counts() == counts
    assert (
        list(
            CoursePage.objects.order_by("pk").values_list(
                "latest_revision_id", flat=True
            )
        )
        == revisions
    )
    assert "0 course(s) created" in output.getvalue()


@pytest.mark.django_db
def test_seed_without_standards_writes_nothing(without_standards):
    with pytest.raises(CatalogueSeedError, match="load_standards"):
        catalogue_seed()
    assert not CoursePage.objects.exists()


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """One seed shared by a class of tests, rolled back after the last of them.

    Seeding publishes about 120 pages, which takes seconds; each test runs in its
    own savepoint inside this transaction, so what a test writes is undone too.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        standards_load()
        catalogue_seed()
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
# One process runs the class (pytest-xdist, --dist loadgroup): it is seeded once.
@pytest.mark.xdist_group("demo_catalogue")
@pytest.mark.usefixtures("seeded")
class TestSeededCatalogue:
    def test_twenty_live_courses_each_with_lessons_and_a_competency(self):
        courses = list(CoursePage.objects.live())
        assert len(courses) >= 20
        for course in courses:
            assert LessonPage.objects.live().child_of(course).count() >= 3, course.code
            assert CourseCompetency.objects.filter(
                page=course, competency__framework__status=Framework.Status.ACTIVE
            ).exists(), course.code
            assert not course.has_unpublished_changes, course.code

    def test_every_framework_and_every_level_are_covered(self):
        links = CourseCompetency.objects.select_related(
            "competency__framework", "level"
        )
        assert {link.competency.framework.code for link in links} == {
            "th-dg-2018",
            "th-gcio-2561",
            "th-dg-2024",
            "acd-digital",
        }
        assert {link.level.rank for link in links} == {1, 2, 3, 4}

    def test_an_edited_course_is_left_alone(self):
        course = CoursePage.objects.get(code="GOV-202")
        course.summary = "แก้ไขโดยผู้ดูแล"
        course.save_revision().publish()

        assert catalogue_seed() == 0
        assert CoursePage.objects.get(code="GOV-202").summary == "แก้ไขโดยผู้ดูแล"

    def test_search_for_data_finds_government_data_governance(self):
        found = course_list_for_catalogue(
            filters=catalogue_filters_parse({"q": "ข้อมูล"})
        )
        assert "การกำกับดูแลข้อมูลภาครัฐ" in {course.title for course in found}

    def test_prerequisites_policies_and_validity(self):
        mvs = CoursePage.objects.get(code="SERV-402")
        assert mvs.prerequisites.get().required_course.code == "SERV-401"
        requirement = CoursePage.objects.get(code="DATA-301").prerequisites.get()
        assert (requirement.competency.code, requirement.level.rank) == (
            "ACD-DATA-01",
            2,
        )
        policies = list(CoursePage.objects.values_list("enrolment_policy", flat=True))
        assert policies.count(CoursePage.EnrolmentPolicy.APPROVAL) == 2
        assert policies.count(CoursePage.EnrolmentPolicy.ASSIGNED) == 1
        assert CoursePage.objects.get(code="DGA-103").certificate_validity_months == 12

    def test_relations_are_in_the_published_revision(self):
        """Editors publish from the latest revision: relations missing there are lost."""
        revised = CoursePage.objects.get(
            code="SERV-402"
        ).get_latest_revision_as_object()
        assert [item.required_course_id for item in revised.prerequisites.all()] == [
            CoursePage.objects.get(code="SERV-401").pk
        ]
        assert len(revised.competency_links.all()) == 2

    def test_executive_course_targets_executive_groups(self):
        course = CoursePage.objects.get(code="LEAD-601")
        assert set(course.target_groups.values_list("code", flat=True)) == {
            "it-executive",
            "nonit-executive",
            "executive",
        }

    def test_every_lesson_renders(self, client):
        lessons = list(LessonPage.objects.live())
        assert len(lessons) >= 60
        for lesson in lessons:
            response = client.get(lesson.url)
            assert response.status_code == 200, lesson.url
            assert lesson.title in response.content.decode()

    def test_every_course_page_renders_with_its_code(self, client):
        for course in CoursePage.objects.live():
            response = client.get(course.url)
            assert response.status_code == 200, course.url
            assert course.code in response.content.decode()
