"""Importing the OCSC list of lines of work: dry run, line errors, idempotence."""

import pytest

from competencies.models import LineOfWork
from competencies.services import lines_of_work_import

pytestmark = pytest.mark.django_db

HEADER = "code,name_th,name_en,position_type,level_min,level_max,category\n"
GOOD = (
    HEADER
    + "3-1-0013,นักวิชาการคอมพิวเตอร์,,วิชาการ,ปฏิบัติการ,ทรงคุณวุฒิ,digital\n"
    + ",นักจัดการงานทดสอบ,Test officer,knowledge,practitioner,senior-professional,\n"
).encode()


def _import(content, apply=True):
    return lines_of_work_import(content=content, source_name="ocsc.csv", apply=apply)


def test_a_dry_run_reports_and_writes_nothing(standards):
    before = LineOfWork.objects.count()
    result = _import(GOOD, apply=False)
    assert (result.created, result.unchanged, result.errors) == (1, 1, [])
    assert LineOfWork.objects.count() == before


def test_applying_twice_changes_nothing_the_second_time(standards):
    first = _import(GOOD)
    assert first.created == 1 and first.applied
    second = _import(GOOD)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    line = LineOfWork.objects.get(name_th="นักจัดการงานทดสอบ")
    assert line.code == ""
    assert (line.level_min.name_th, line.level_max.name_th) == (
        "ปฏิบัติการ",
        "ชำนาญการพิเศษ",
    )


def test_a_bad_line_is_named_and_nothing_changes(standards):
    content = GOOD + ",นักทดสอบสอง,,วิชาการ,ปฏิบัติงาน,,\n".encode()
    before = LineOfWork.objects.count()
    result = _import(content)
    assert [line for line, _message in result.errors] == [4]
    assert "ปฏิบัติงาน" in result.errors[0][1]
    assert LineOfWork.objects.count() == before


def test_a_levels_range_outside_its_type_is_refused(standards):
    content = (HEADER + "9-9-999,นักทดสอบ,,ทั่วไป,ชำนาญงาน,ปฏิบัติงาน,\n").encode()
    result = _import(content)
    assert result.errors and result.errors[0][0] == 2
    assert not LineOfWork.objects.filter(code="9-9-999").exists()


def test_a_published_code_is_not_erased_by_a_row_without_one(standards):
    content = (HEADER + ",นักวิชาการคอมพิวเตอร์,,วิชาการ,,,\n").encode()
    _import(content)
    assert LineOfWork.objects.get(name_th="นักวิชาการคอมพิวเตอร์").code == "3-1-0013"
