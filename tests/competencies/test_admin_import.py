"""Importing a framework from the Wagtail admin: check the file, dry run, confirm."""

import html

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from academy.accounts.roles import Role
from competencies.group_permissions import grant_standards_permissions
from competencies.models import Competency, Framework, ProficiencyScale
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = (
    '"Parent ID number","ID number","Short name","Description","Description format",'
    '"Scale values","Scale configuration","Is framework","Taxonomy"\n'
)
SCALE_CONFIG = (
    '"[{""scaleid"":""2""},{""id"":1,""scaledefault"":1,""proficient"":0},'
    '{""id"":2,""scaledefault"":0,""proficient"":1}]"'
)
GOOD_CSV = (
    HEADER
    + f',ADM-DG,"กรอบทดสอบ",,1,"ยังไม่ผ่าน,ผ่าน",{SCALE_CONFIG},1,"domain,competency"\n'
    + ',A1,"การสื่อสาร",,1,,,,\n'
    + 'A1,A1-C1,"อีเมล",,1,,,,\n'
    + 'A1,A1-C2,"ประชุมออนไลน์",,1,,,,\n'
).encode()
BAD_CSV = (
    HEADER
    + f',ADM-DG,"กรอบทดสอบ",,1,"ยังไม่ผ่าน,ผ่าน",{SCALE_CONFIG},1,"domain,competency"\n'
    + ',A1,"การสื่อสาร",,1,,,,\n'
    + 'NOPE,A1-C1,"อีเมล",,1,,,,\n'
    + "A1,A1-C2,,,1,,,,\n"
).encode()
URL = "/admin/competencies/frameworks/import/"


@pytest.fixture
def admin_client(client, standards):
    grant_standards_permissions()
    # Messages are asserted in English; Thai is what users see by default.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(UserFactory(roles=[Role.ACADEMY_ADMIN]))
    return client


def _upload(client, content: bytes, name: str = "framework.csv"):
    return client.post(
        URL, {"action": "preview", "file": SimpleUploadedFile(name, content)}
    )


def _counts():
    return (
        Framework.objects.count(),
        Competency.objects.count(),
        ProficiencyScale.objects.count(),
    )


def test_import_url_is_the_admin_import_view():
    assert reverse("competencies_framework_import") == URL


def test_dry_run_shows_what_would_be_imported_and_stores_nothing(admin_client):
    before = _counts()
    response = _upload(admin_client, GOOD_CSV)
    assert response.status_code == 200
    assert _counts() == before
    summary = response.context["summary"]
    competencies = next(row for row in summary if row.kind == "Competencies")
    assert competencies.created == 3
    assert 'value="confirm"' in response.text


def test_confirming_the_dry_run_imports_the_framework(admin_client):
    before = _counts()
    preview = _upload(admin_client, GOOD_CSV)
    token = preview.context["token"]
    response = admin_client.post(URL, {"action": "confirm", "token": token})
    framework = Framework.objects.get(code__iexact="ADM-DG")
    assert response.status_code == 302
    assert response.url == reverse("competencies_framework:edit", args=[framework.pk])
    assert framework.status == Framework.Status.DRAFT
    assert set(framework.competencies.values_list("code", flat=True)) == {
        "A1",
        "A1-C1",
        "A1-C2",
    }
    assert _counts()[0] == before[0] + 1


def test_a_confirmation_token_is_used_once(admin_client):
    token = _upload(admin_client, GOOD_CSV).context["token"]
    admin_client.post(URL, {"action": "confirm", "token": token})
    count = Framework.objects.count()
    response = admin_client.post(
        URL, {"action": "confirm", "token": token}, follow=True
    )
    assert Framework.objects.count() == count
    assert "no longer waiting for confirmation" in response.text


def test_cancelling_the_dry_run_stores_nothing(admin_client):
    before = _counts()
    token = _upload(admin_client, GOOD_CSV).context["token"]
    admin_client.post(URL, {"action": "cancel", "token": token})
    admin_client.post(URL, {"action": "confirm", "token": token})
    assert _counts() == before


def test_a_bad_file_lists_every_problem_and_stores_nothing(admin_client):
    before = _counts()
    response = _upload(admin_client, BAD_CSV)
    assert response.status_code == 200
    assert _counts() == before
    problems = response.context["problems"]
    assert len(problems) >= 2
    text = html.unescape(response.text)
    for location, message in problems:
        assert message in text
        assert location in text
    assert "NOPE" in text
    assert "token" not in response.context or not response.context["token"]


@pytest.mark.parametrize("name", ["framework.xlsx", "framework", "framework.json.exe"])
def test_upload_of_another_file_type_is_refused(admin_client, name):
    response = _upload(admin_client, GOOD_CSV, name=name)
    assert response.status_code == 200
    assert "is not a .json or .csv file" in html.unescape(response.text)
    assert response.context["form"].errors["file"]


def test_upload_over_5_mb_is_refused(admin_client):
    content = GOOD_CSV + b"," * (5 * 1024 * 1024)
    response = _upload(admin_client, content)
    assert "the limit is 5 MB" in html.unescape(response.text)
    assert not Framework.objects.filter(code__iexact="ADM-DG").exists()


def test_a_case_json_file_that_is_not_json_is_refused_with_its_problem(
    admin_client,
):
    before = _counts()
    response = _upload(admin_client, b"{not json", name="framework.json")
    assert response.status_code == 200
    assert response.context["problems"]
    assert _counts() == before
