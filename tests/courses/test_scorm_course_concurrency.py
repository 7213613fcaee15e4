"""A package made into a course from several tabs at once, on PostgreSQL: one course.
The package row is locked while the course is made; the others wait, then find it."""

import threading

from django.db import connection, connections

import pytest

from academy.accounts.roles import Role
from courses.models import CoursePage, ScormLessonPage
from courses.scorm.services import course_from_package, package_create
from tests.courses.scorm_helpers import golf_upload
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip(
            "concurrency needs PostgreSQL row locks (SQLite serialises writers): run "
            "with DATABASE_URL=postgres://..."
        )


def test_concurrent_submissions_make_one_course(standards):
    instructor = UserFactory(email="tabs@example.go.th", roles=[Role.INSTRUCTOR])
    package = package_create(upload=golf_upload("2004"), uploaded_by=instructor)
    count = 4
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(position):
        try:
            barrier.wait(timeout=30)
            course, created = course_from_package(package=package, user=instructor)
            results[position] = (course.pk, created)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    assert CoursePage.objects.count() == 1
    assert ScormLessonPage.objects.count() == 1
    course = CoursePage.objects.get()
    assert {pk for pk, _created in results} == {course.pk}
    assert sorted(created for _pk, created in results) == [False] * (count - 1) + [True]
