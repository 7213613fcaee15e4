"""Column maps: another system's staff export read through a map saved per source."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from academy.accounts.authz import can
from academy.accounts.roles import Role
from competencies.hr.services import hr_scope_assign
from competencies.models import ImportJob, Placement, StaffColumnMap
from hr.staff_import import parsing as staff_csv
from hr.staff_import.services import (
    staff_column_map_save,
    staff_import_apply_start,
    staff_import_start,
)
from tests.factories import UserFactory, hr_officer, thai_national_id
from tests.queries import one_and_fifty, page_queries

pytestmark = pytest.mark.django_db

# A source's own headers (an example system, not a published layout).
SOURCE_HEADER = (
    "PERSON_NO,CARD_ID,FNAME,LNAME,ORG_CODE,PTYPE,PLEVEL,LINE,BEGIN_DATE,POS_NO"
)
MAPPING = {
    "PERSON_NO": "employee_number",
    "CARD_ID": "national_id",
    "FNAME": "first_name_th",
    "LNAME": "last_name_th",
    "ORG_CODE": "unit_code",
    "PTYPE": "position_type",
    "PLEVEL": "position_level",
    "LINE": "line_of_work",
    "BEGIN_DATE": "start_date",
    "POS_NO": "position_number",
}


def _file(lines):
    text = SOURCE_HEADER + "\n" + "\n".join(lines) + "\n"
    return SimpleUploadedFile("export.csv", text.encode(), "text/csv")


def _line(n):
    return (
        f"P{n:04d},{thai_national_id(8000 + n)},มานี,มีนา,V1,ประเภทวิชาการ,"
        f"ระดับปฏิบัติการ,3-1-0012,1 ต.ค. 2567,{900 + n}"
    )


def test_column_map_problems():
    assert staff_csv.column_map_problems(MAPPING) == []
    assert staff_csv.column_map_problems({"X": "salary"})
    assert staff_csv.column_map_problems({"A": "email", "B": "email"})


def test_a_file_read_through_a_saved_map_imports(hr_world):
    column_map = staff_column_map_save(
        user=hr_world.officer, name="ระบบตัวอย่าง", source="ระบบ HR อื่น", mapping=MAPPING
    )
    without = staff_import_start(user=hr_world.officer, upload=_file([_line(1)]))
    assert without.report["header_errors"]  # not the Academy's headers
    job = staff_import_start(
        user=hr_world.officer, upload=_file([_line(1), _line(2)]), column_map=column_map
    )
    assert job.column_map == MAPPING
    assert job.counts["create"] == 2, job.report
    # The map changes after the dry run: the real run reads the file as checked.
    column_map.mapping = {"PERSON_NO": "email"}
    column_map.save()
    job = staff_import_apply_start(job=job, user=hr_world.officer)
    assert job.status == ImportJob.Status.APPLIED
    placement = Placement.objects.get(person__employee_number="P0001")
    assert placement.position_number == "901"


def test_a_bad_map_is_refused_and_nothing_saved(client, hr_world):
    client.force_login(hr_world.officer)
    response = client.post(
        reverse("hr:column_map_new"),
        {
            "name": "ผิด",
            "source": "DPIS",
            "mapping": "A = salary\nB = email\nC = email\nno equals sign",
        },
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["mapping"])
    assert "salary" in errors and "email" in errors and "4" in errors
    assert not StaffColumnMap.objects.exists()


def test_officers_save_a_map_and_choose_it_when_uploading(client, hr_world):
    client.force_login(hr_world.officer)
    text = "\n".join(f"{header} = {column}" for header, column in MAPPING.items())
    response = client.post(
        reverse("hr:column_map_new"),
        {
            "name": "ระบบตัวอย่าง",
            "source": "ตัวอย่าง",
            "mapping": text,
            "note": "",
            "unit": hr_world.unit.pk,
        },
    )
    assert response.status_code == 302
    column_map = StaffColumnMap.objects.get()
    assert column_map.mapping == MAPPING and column_map.created_by == hr_world.officer
    assert column_map.unit == hr_world.unit
    edit = client.get(reverse("hr:column_map_edit", args=[column_map.pk]))
    assert "PERSON_NO = employee_number" in edit.content.decode()
    response = client.post(
        reverse("hr:import"), {"file": _file([_line(3)]), "column_map": column_map.pk}
    )
    assert response.status_code == 302
    job = ImportJob.objects.latest("pk")
    assert job.counts["create"] == 1


def test_column_maps_are_for_hr_officers(client, hr_world):
    column_map = staff_column_map_save(
        user=hr_world.officer, name="x", source="y", mapping={"A": "email"}
    )
    for user in (hr_world.learner_user, hr_world.supervisor_user):
        client.force_login(user)
        for url in (
            reverse("hr:column_maps"),
            reverse("hr:column_map_new"),
            reverse("hr:column_map_edit", args=[column_map.pk]),
        ):
            assert client.get(url).status_code in (403, 404), (user, url)


def test_column_map_pages_query_budget(client, hr_world):
    counter = iter(range(1000))

    def grow(n):
        for _ in range(n):
            staff_column_map_save(
                user=hr_world.officer,
                name=f"map {next(counter)}",
                source="s",
                mapping={"A": "email"},
                unit=hr_world.unit if n % 2 else hr_world.sibling,
            )

    client.force_login(hr_world.officer)
    one, fifty = one_and_fifty(
        grow, lambda: page_queries(client, reverse("hr:column_maps"))
    )
    assert one == fifty <= 5
    assert page_queries(client, reverse("hr:import")) <= 5


# ------------------------------------------------------------------------------
# Who keeps a map: its organisation's officers, and administrators
# ------------------------------------------------------------------------------


def _v1_map(world, **fields):
    return staff_column_map_save(
        user=world.officer,
        name=fields.pop("name", "ระบบของกองหนึ่ง"),
        source="DPIS",
        mapping={"PERSON_NO": "employee_number"},
        unit=fields.pop("unit", world.unit),
    )


def _edit(client, column_map, name):
    return client.post(
        reverse("hr:column_map_edit", args=[column_map.pk]),
        {
            "name": name,
            "source": "DPIS",
            "mapping": "PERSON_NO = employee_number",
            "unit": column_map.unit_id or "",
        },
    )


def test_the_rule_names_who_may_change_a_map(hr_world):
    v1_map = _v1_map(hr_world)
    shared = _v1_map(hr_world, name="ใช้ร่วมกัน", unit=None)
    admin = UserFactory(roles=[Role.ACADEMY_ADMIN])
    other_department_officer = hr_officer(hr_world.other_department)
    allowed = {
        user: (
            can(user, "hr.change_column_map", v1_map),
            can(user, "hr.change_column_map", shared),
            can(user, "hr.change_column_map"),
        )
        for user in (
            hr_world.officer,
            hr_world.parent_officer,
            hr_world.sibling_officer,
            other_department_officer,
            hr_world.learner_user,
            hr_world.supervisor_user,
            admin,
        )
    }
    assert allowed == {
        hr_world.officer: (True, False, True),
        hr_world.parent_officer: (True, False, True),  # V1 is within D1
        hr_world.sibling_officer: (False, False, True),
        other_department_officer: (False, False, True),
        hr_world.learner_user: (False, False, False),
        hr_world.supervisor_user: (False, False, False),
        admin: (True, True, True),
    }


def test_another_organisations_officer_cannot_change_or_delete(client, hr_world):
    column_map = _v1_map(hr_world)
    edit = reverse("hr:column_map_edit", args=[column_map.pk])
    delete = reverse("hr:column_map_delete", args=[column_map.pk])
    client.force_login(hr_world.sibling_officer)
    listing = client.get(reverse("hr:column_maps")).content.decode()
    assert "ระบบของกองหนึ่ง" in listing and edit not in listing  # listed, not linked
    assert client.get(edit).status_code == 404
    assert _edit(client, column_map, "เปลี่ยนแล้ว").status_code == 404
    assert client.post(delete).status_code == 404
    # The sibling officer may still read a file through it.
    upload = client.post(
        reverse("hr:import"),
        {"file": _file([_line(5)]), "column_map": column_map.pk},
    )
    assert upload.status_code == 302
    for user in (hr_world.learner_user, hr_world.supervisor_user):
        client.force_login(user)
        assert _edit(client, column_map, "เปลี่ยนแล้ว").status_code == 404
        assert client.post(delete).status_code == 404
    column_map.refresh_from_db()
    assert column_map.name == "ระบบของกองหนึ่ง"


def test_its_organisations_officers_change_and_delete_it(client, hr_world):
    column_map = _v1_map(hr_world)
    client.force_login(hr_world.parent_officer)
    listing = client.get(reverse("hr:column_maps")).content.decode()
    assert reverse("hr:column_map_edit", args=[column_map.pk]) in listing
    assert _edit(client, column_map, "เปลี่ยนแล้ว").status_code == 302
    column_map.refresh_from_db()
    assert column_map.name == "เปลี่ยนแล้ว" and column_map.unit == hr_world.unit
    # An officer cannot give a map to an organisation outside their scope.
    response = client.post(
        reverse("hr:column_map_edit", args=[column_map.pk]),
        {
            "name": "ย้าย",
            "source": "DPIS",
            "mapping": "PERSON_NO = employee_number",
            "unit": hr_world.other_department.pk,
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    assert (
        client.get(reverse("hr:column_map_delete", args=[column_map.pk])).status_code
        == 405
    )
    client.force_login(hr_world.officer)
    response = client.post(reverse("hr:column_map_delete", args=[column_map.pk]))
    assert response.status_code == 302
    assert not StaffColumnMap.objects.exists()


def test_shared_maps_are_kept_by_administrators(client, hr_world):
    shared = _v1_map(hr_world, name="ใช้ร่วมกัน", unit=None)
    client.force_login(hr_world.officer)
    assert _edit(client, shared, "ไม่ได้").status_code == 404
    admin = UserFactory(roles=[Role.ACADEMY_ADMIN, Role.HR_OFFICER])
    hr_scope_assign(user=admin, unit=hr_world.ministry)
    client.force_login(admin)
    assert _edit(client, shared, "แก้โดยผู้ดูแล").status_code == 302
    shared.refresh_from_db()
    assert shared.name == "แก้โดยผู้ดูแล" and shared.unit is None
    response = client.post(reverse("hr:column_map_delete", args=[shared.pk]))
    assert response.status_code == 302 and not StaffColumnMap.objects.exists()
