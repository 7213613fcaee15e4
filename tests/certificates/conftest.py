"""Fixtures for certificate tests: learners, a course that can be retaken, and a watch
on what a PDF render opens. The plain functions that complete a course, issue a
certificate or read a PDF are in certificate_helpers.py and pdf_helpers.py, imported
by name where they are used."""

import sys
from collections.abc import Iterator

from django.core.cache import cache

import pytest

from tests.certificates.pdf_helpers import RenderWatch
from tests.factories import PlacementFactory, UserFactory, competency, course, org_unit


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The verification rate limit counts in the cache: start every test at zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_learner(standards):
    """Learners with accounts, Thai and English names and a placement."""
    counter = iter(range(1, 10_000))
    units = []

    def _make(email=None, *, first_th="ญาณิศา", last_th="ศรีสุข", last_en="Srisuk"):
        n = next(counter)
        if not units:
            units.append(org_unit("CERT", kind="ministry", name="กระทรวงดิจิทัลทดสอบ"))
        user = UserFactory(email=email or f"learner{n}@example.go.th")
        PlacementFactory(
            unit=units[0],
            person__user=user,
            person__email=user.email,
            person__title_th="นางสาว",
            person__first_name_th=first_th,
            person__last_name_th=last_th,
            person__title_en="Ms",
            person__first_name_en="Yanisa",
            person__last_name_en=last_en,
            position_title="นักวิชาการคอมพิวเตอร์ชำนาญการ",
        )
        return user

    return _make


@pytest.fixture
def recert_course(framework_academy):
    """A course whose certificates last 24 months, so it can be retaken."""
    return course(
        "ความมั่นคงปลอดภัยไซเบอร์สำหรับผู้บริหาร",
        title_en="Cyber security for executives",
        slug="cyber-exec",
        lessons=1,
        competencies=[(competency(framework_academy, "ACD-GOV-02"), 2)],
        learning_hours=3,
        certificate_validity_months=24,
    )


_watch = RenderWatch()


@pytest.fixture
def watch() -> Iterator[RenderWatch]:
    """Audit hooks cannot be removed, so one is added and switched on per test."""
    if not _watch.installed:
        sys.addaudithook(_watch)
        _watch.installed = True
    _watch.opened, _watch.network = [], []
    _watch.active = True
    try:
        yield _watch
    finally:
        _watch.active = False
