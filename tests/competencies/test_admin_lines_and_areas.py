"""Two admin screens for administrators: the OCSC lines-of-work import (upload, dry run
with line errors, confirm, idempotent) and the optional areas an organisation chooses
for its staff."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from academy.accounts.roles import Role
from competencies.group_permissions import grant_standards_permissions
from competencies.models import Competency, LineOfWork, OptionalChoice
from competencies.selectors import optional_areas_offered, person_profile
from tests.factories import PlacementFactory, UserFactory, org_unit

pytestmark = pytest.mark.django_db

HEADER = "code,name_th,name_en,position_type,level_min,level_max,category\n"
GOOD = (
    HEADER
    + "3-1-0013,นักวิชาการคอมพิวเตอร์,,วิชาการ,ปฏิบัติการ,ทรงคุณวุฒิ,digital\n"
    + ",นักจัดการงานทดสอบ,Test officer,knowledge,practitioner,senior-professional,\n"
).encode()
BAD = (
    HEADER
    + ",นักทดสอบหนึ่ง,,astronaut,,,\n"
    + ",นักทดสอบสอง,,knowledge,ต้น,,\n"
    + ",นักทดสอบสาม,,knowledge,,,\n"
).encode()
LINES_URL = "/admin/competencies/lines-of-work/import/"
AREAS_URL = "/admin/competencies/optional-areas/"


@pytest.fixture
def admin_client(client, standards):
    grant_standards_permissions()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(UserFactory(roles=[Role.ACADEMY_ADMIN]))
    return client


def _upload(client, content: bytes, name: str = "ocsc.csv"):
    return client.post(
        LINES_URL, {"action": "preview", "file": SimpleUploadedFile(name, content)}
    )


def test_the_urls_are_the_admin_views():
    assert reverse("competencies_lines_of_work_import") == LINES_URL
    assert reverse("competencies_organisation_optional_areas") == AREAS_URL


def test_a_bad_file_names_every_bad_line_and_stores_nothing(admin_client):
    before = LineOfWork.objects.count()
    response = _upload(admin_client, BAD)
    assert response.status_code == 200
    assert LineOfWork.objects.count() == before
    problems = response.context["problems"]
    assert [location for location, _message in problems] == ["line 2", "line 3"]
    assert "astronaut" in problems[0][1]
    assert "token" not in response.context


def test_dry_run_then_confirm_imports_once(admin_client):
    before = LineOfWork.objects.count()
    preview = _upload(admin_client, GOOD)
    result = preview.context["result"]
    assert (result.created, result.unchanged, result.applied) == (1, 1, False)
    assert LineOfWork.objects.count() == before
    response = admin_client.post(
        LINES_URL, {"action": "confirm", "token": preview.context["token"]}
    )
    assert response.status_code == 302
    assert LineOfWork.objects.count() == before + 1
    assert LineOfWork.objects.get(name_th="นักจัดการงานทดสอบ").code == ""
    # The same file again: nothing to change.
    again = _upload(admin_client, GOOD).context["result"]
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


@pytest.mark.parametrize("url", [LINES_URL, AREAS_URL])
def test_only_administrators_reach_the_screens(client, standards, url):
    grant_standards_permissions()
    officer = UserFactory(roles=[Role.HR_OFFICER])
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code in (302, 403)
    assert client.post(
        url, {"action": "preview", "file": SimpleUploadedFile("x.csv", GOOD)}
    ).status_code in (302, 403)
    assert not OptionalChoice.objects.exists()


def test_the_offered_areas_are_the_optional_ones(standards):
    codes = {area.code for area in optional_areas_offered()}
    assert {"ACD-67-TECH", "ACD-67-SERV", "ACD-67-DATA", "ACD-67-CYBER"} <= codes
    assert not codes & {"ACD-67-LIT", "ACD-67-GOV", "ACD-67-LEAD"}


def test_an_organisation_chooses_and_withdraws_optional_areas(admin_client):
    ministry = org_unit("OPT", kind="ministry")
    division = org_unit("OPT-1", parent=ministry, kind="division")
    person = PlacementFactory(unit=division).person
    data_area = Competency.objects.get(code="ACD-67-DATA")
    cyber = Competency.objects.get(code="ACD-67-CYBER")

    response = admin_client.post(
        AREAS_URL, {"unit": ministry.pk, "areas": [data_area.pk, cyber.pk]}
    )
    assert response.status_code == 302
    choices = OptionalChoice.objects.filter(unit=ministry)
    assert {choice.competency.code for choice in choices} == {
        "ACD-67-DATA",
        "ACD-67-CYBER",
    }
    assert {choice.source for choice in choices} == {"organisation"}
    # Staff below the unit now count the chosen area's units; not the others.
    profile = person_profile(person)
    rows = {
        row.competency.code: row
        for framework in profile.frameworks
        if framework.framework.code == "th-dg-2024"
        for row in framework.rows
    }
    assert rows["DG-ENFB-035"].chosen
    assert not rows["DG-AFDZ-020"].chosen

    page = admin_client.get(AREAS_URL, {"unit": ministry.pk})
    assert set(page.context["form"].initial["areas"]) == {data_area.pk, cyber.pk}
    assert "OPT" in page.text

    admin_client.post(AREAS_URL, {"unit": ministry.pk, "areas": [cyber.pk]})
    assert {
        choice.competency.code
        for choice in OptionalChoice.objects.filter(unit=ministry)
    } == {"ACD-67-CYBER"}


def test_a_core_area_cannot_be_chosen(admin_client):
    ministry = org_unit("OPT2", kind="ministry")
    core = Competency.objects.get(code="ACD-67-LIT")
    response = admin_client.post(AREAS_URL, {"unit": ministry.pk, "areas": [core.pk]})
    assert response.status_code == 200
    assert "areas" in response.context["form"].errors
    assert not OptionalChoice.objects.filter(unit=ministry).exists()
