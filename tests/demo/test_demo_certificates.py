"""The demo seed: a valid, a revoked and an expired certificate, and a URL to try."""

import io

import pytest

from certificates.models import Certificate
from demo.certificates import certificates_seed
from tests.factories import competency, course

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_courses(framework_academy):
    return [
        course(
            "การกำกับดูแลข้อมูลภาครัฐ",
            slug="demo-governance",
            lessons=1,
            competencies=[(competency(framework_academy, "ACD-GOV-02"), 2)],
        ),
        course(
            "ความมั่นคงปลอดภัยไซเบอร์",
            slug="demo-cyber",
            lessons=1,
            certificate_validity_months=12,
        ),
    ]


def test_seed_issues_valid_revoked_and_expired_certificates(client, demo_courses):
    out = io.StringIO()

    url = certificates_seed(stdout=out)

    states = sorted(c.verification_state for c in Certificate.objects.all())
    assert states == ["expired", "revoked", "valid"]
    assert url.startswith("http://testserver/verify/")
    assert url in out.getvalue()
    page = client.get(url.removeprefix("http://testserver"))
    assert 'data-outcome="valid"' in page.content.decode()


def test_seed_runs_twice_without_adding_anything(demo_courses):
    first = certificates_seed()

    second = certificates_seed()

    assert second == first
    assert Certificate.objects.count() == 3
