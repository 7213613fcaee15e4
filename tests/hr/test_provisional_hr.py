"""HR officers see, as learners do, where a gap or requirement rests on standards data
still to confirm: on the heat map, in its exports and in its report."""

import csv
import io

from django.urls import reverse

import pytest
from openpyxl import load_workbook

from competencies.models import Provenance, Requirement
from competencies.selectors import provisional_marks, standards_version_bump
from tests.hr.staff_helpers import staff

pytestmark = pytest.mark.django_db

NOTE_TH = "ยังไม่ได้ยืนยันกับเอกสารทางการ"


def _confirm_all_but(framework, *, keep: set[str]) -> set[str]:
    """Mark every requirement of `framework` published except those on the
    competencies coded in `keep`; returns the codes still to confirm."""
    Requirement.objects.filter(group__framework=framework).exclude(
        competency__code__in=keep
    ).update(provenance=Provenance.PUBLISHED, source_note="")
    framework.competencies.exclude(code__in=keep).update(
        provenance=Provenance.PUBLISHED, source_note=""
    )
    # QuerySet.update sends no signal: a new standards version, as the services that
    # write so announce theirs (the HR pages read the standards snapshot).
    standards_version_bump()
    marks = provisional_marks(framework)
    return set(
        framework.competencies.filter(pk__in=marks.competencies).values_list(
            "code", flat=True
        )
    )


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_the_heat_map_says_which_figures_are_provisional(client, hr_world):
    framework = hr_world.framework
    staff(hr_world.unit, framework, 6)
    assert _confirm_all_but(framework, keep={"ACD-LIT-01"}) == {"ACD-LIT-01"}
    client.force_login(hr_world.officer)
    response = client.get(
        reverse("hr:heatmap"), {"framework": framework.pk}, HTTP_ACCEPT_LANGUAGE="th"
    )
    heat = response.context["heat"]
    assert [item.code for item in heat.provisional_competencies] == ["ACD-LIT-01"]
    marked = {
        item.competency.code
        for row in heat.rows
        for item in row.heat_cells
        if item.provisional
    }
    assert marked == {"ACD-LIT-01"}
    html = response.content.decode()
    assert 'class="notice provisional"' in html
    assert NOTE_TH in html
    assert html.count("cell band-") > html.count(' provisional"') > 0


def test_no_note_where_every_requirement_is_confirmed(client, hr_world):
    framework = hr_world.framework
    staff(hr_world.unit, framework, 3)
    assert _confirm_all_but(framework, keep=set()) == set()
    client.force_login(hr_world.officer)
    response = client.get(reverse("hr:heatmap"), {"framework": framework.pk})
    assert response.context["heat"].provisional_competencies == []
    assert 'class="notice provisional"' not in response.content.decode()


def test_by_group_only_the_group_whose_requirement_is_to_confirm_is_marked(
    client, hr_world
):
    framework = hr_world.framework
    staff(hr_world.unit, framework, 8)
    _confirm_all_but(framework, keep=set())
    client.force_login(hr_world.officer)
    heat = client.get(
        reverse("hr:heatmap"), {"by": "group", "framework": framework.pk}
    ).context["heat"]
    staffed = [row for row in heat.rows if row.staff]
    assert len(staffed) >= 2
    chosen, other = staffed[0], staffed[1]
    Requirement.objects.filter(group=chosen.group).update(
        provenance=Provenance.TO_CONFIRM
    )
    standards_version_bump()  # an update() sends no signal (see _confirm_all_but)
    heat = client.get(
        reverse("hr:heatmap"), {"by": "group", "framework": framework.pk}
    ).context["heat"]
    rows = {row.group.pk: row for row in heat.rows}
    assert any(item.provisional for item in rows[chosen.group.pk].heat_cells)
    assert not any(item.provisional for item in rows[other.group.pk].heat_cells)


def test_the_export_has_a_provisional_column(client, hr_world):
    framework = hr_world.framework
    staff(hr_world.unit, framework, 6)
    _confirm_all_but(framework, keep={"ACD-LIT-01"})
    client.force_login(hr_world.officer)
    rows = _csv(
        client.get(
            reverse("hr:heatmap_export", args=["csv"]), {"framework": framework.pk}
        )
    )
    assert rows[0][-1] == "provisional"
    flags = {(row[2], row[-1]) for row in rows[1:]}
    assert ("ACD-LIT-01", "to_confirm") in flags
    assert all(flag == "" for code, flag in flags if code != "ACD-LIT-01")
    assert any(code != "ACD-LIT-01" for code, _flag in flags)


def test_the_report_has_a_note_row_and_a_provisional_column(client, hr_world):
    framework = hr_world.framework
    staff(hr_world.unit, framework, 6)
    _confirm_all_but(framework, keep={"ACD-LIT-01"})
    client.force_login(hr_world.officer)
    response = client.get(
        reverse("hr:heatmap_report"),
        {"framework": framework.pk},
        HTTP_ACCEPT_LANGUAGE="th",
    )
    share, figures = load_workbook(
        io.BytesIO(b"".join(response.streaming_content))
    ).worksheets
    note = share["A2"].value
    assert "ACD-LIT-01" in note and NOTE_TH in note
    header = [cell.value for cell in figures[2]]
    assert header[-1] == "ข้อมูลเบื้องต้น"
    detail = list(figures.iter_rows(min_row=3, values_only=True))
    assert {row[2] for row in detail if row[-1]} == {"ACD-LIT-01"}
