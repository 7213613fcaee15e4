"""The HR workspace's pages: directory filters, person page, heat map, evidence, registry."""

import io
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

import pytest
from openpyxl import load_workbook

from academy.accounts.models import AuditEntry
from competencies.hr.services import evidence_record_manual
from competencies.models import Evidence, EvidenceAttachment
from competencies.selectors import person_profile
from competencies.services import evidence_record, placement_start
from hr.sections import (
    PersonSection,
    register_hr_nav,
    register_person_section,
    unregister_hr_nav,
    unregister_person_section,
)
from hr.staff_import.services import staff_import_start
from tests.factories import (
    STAFF_CSV_HEADER,
    PlacementFactory,
    competency,
    hr_officer,
    level,
    line_of_work,
    org_unit,
    position,
    staff_csv_line,
)
from tests.hr.staff_helpers import staff

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def _queries(client, url) -> int:
    """The queries of a request once the process-level reference caches are filled
    (academy/core/refcache.py: the standards snapshot, the Site), as every request
    but a worker's first finds them; the first fills them whatever the row count."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        assert response.status_code == 200
    return len(context)


# ------------------------------------------------------------------------------
# Directory
# ------------------------------------------------------------------------------


def _listed(client, **params) -> set[int]:
    response = client.get(reverse("hr:directory"), params)
    assert response.status_code == 200
    return {placement.person_id for placement in response.context["page"].object_list}


def test_directory_filters_agree_with_the_profiles(client, hr_world):
    framework = hr_world.framework
    people = staff(hr_world.unit, framework, 12)
    people.append(hr_world.target)
    profiles = {
        person.pk: person_profile(person, framework=framework).frameworks[0]
        for person in people
    }
    client.force_login(hr_world.officer)
    in_scope = _listed(client)
    assert {person.pk for person in people} <= in_scope

    for group in framework.groups.all():
        expected = {pk for pk, profile in profiles.items() if profile.group == group}
        assert (
            _listed(client, framework=framework.pk, group=group.pk) & set(profiles)
            == expected
        )

    target_competency = competency(framework, "ACD-LIT-01")

    def row_of(profile):
        return next(r for r in profile.rows if r.competency == target_competency)

    meeting = {pk for pk, p in profiles.items() if row_of(p).meets_requirement}
    not_meeting = {
        pk
        for pk, p in profiles.items()
        if row_of(p).is_required and not row_of(p).meets_requirement
    }
    params = {"framework": framework.pk, "competency": target_competency.pk}
    assert _listed(client, **params, meeting="yes") & set(profiles) == meeting
    assert _listed(client, **params, meeting="no") & set(profiles) == not_meeting
    assert meeting and not_meeting

    general, _ = position("general", "operational")
    assert _listed(client, position_type=general.pk) & set(profiles) == {
        person.pk
        for person in people
        if person.placements.get().position_type == general
    }
    line = line_of_work("3-1-0013")
    assert all(
        p.placements.get().line_of_work == line
        for p in people
        if p.pk in _listed(client, line_of_work=line.pk)
    )
    assert _listed(client, q="สมศรี") == {hr_world.target.pk}
    assert _listed(client, q="T0001") == {hr_world.target.pk}


def test_directory_unit_filter_takes_the_subtree(client, hr_world):
    child = org_unit("V1C", parent=hr_world.unit)
    [inside] = staff(child, hr_world.framework, 1)
    client.force_login(hr_world.parent_officer)
    assert inside.pk in _listed(client, unit=hr_world.unit.pk)
    assert inside.pk not in _listed(client, unit=hr_world.sibling.pk)


def test_directory_pages_by_fifty(client, hr_world):
    staff(hr_world.unit, hr_world.framework, 52)
    client.force_login(hr_world.officer)
    first = client.get(reverse("hr:directory"))
    assert len(first.context["page"].object_list) == 50
    second = client.get(reverse("hr:directory"), {"page": 2})
    assert len(second.context["page"].object_list) == 4  # 52 + target + learner


# ------------------------------------------------------------------------------
# Person page
# ------------------------------------------------------------------------------


def test_person_page_shows_history_profile_evidence_and_masked_id(client, hr_world):
    placement = hr_world.target.placements.get()
    placement_start(
        person=hr_world.target,
        unit=hr_world.unit,
        position_type=placement.position_type,
        position_level=placement.position_type.levels.get(code="professional"),
        line_of_work=placement.line_of_work,
        supervisor=hr_world.supervisor,
        starts_on=date(2025, 10, 1),
    )
    client.force_login(hr_world.officer)
    response = client.get(reverse("hr:person", args=[hr_world.target.pk]))
    html = response.content.decode()
    assert "1-1017-xxxxx-xx-8" in html
    assert len(response.context["page"].placements) == 2
    assert "ประเมินโดยหัวหน้างาน" in html  # the evidence note
    assert "rating.pdf" in html
    assert reverse("hr:attachment", args=[hr_world.attachment.pk]) in html
    assert reverse("hr:evidence_new", args=[hr_world.target.pk]) in html


def test_viewing_a_person_is_audited(client, hr_world):
    client.force_login(hr_world.officer)
    client.get(reverse("hr:person", args=[hr_world.target.pk]))
    entry = AuditEntry.objects.get(action="person.view")
    assert entry.actor == hr_world.officer
    assert entry.subject_person_id == hr_world.target.pk
    assert entry.object_type == "competencies.person"
    assert entry.ip == "127.0.0.1"


def test_registered_sections_render_on_the_person_page(
    client, hr_world, settings, tmp_path
):
    (tmp_path / "dummy_section.html").write_text(
        "<p class='dummy'>{{ hours }} ชั่วโมง · {{ person.employee_number }}</p>"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    seen = []

    def learning(*, person, user):
        seen.append((person.pk, user.pk))
        return PersonSection(
            key="test.learning",
            title="Learning hours",
            template="dummy_section.html",
            context={"hours": 12},
        )

    def nothing(*, person, user):
        return None

    register_person_section(learning)
    register_person_section(nothing)
    register_hr_nav("Assignments", "hr:team", order=5)
    try:
        client.force_login(hr_world.officer)
        html = client.get(
            reverse("hr:person", args=[hr_world.target.pk])
        ).content.decode()
        home = client.get(reverse("hr:home")).content.decode()
    finally:
        unregister_person_section(learning)
        unregister_person_section(nothing)
        unregister_hr_nav("hr:team")
    assert "<p class='dummy'>12 ชั่วโมง · T0001</p>" in html
    assert "Learning hours" in html
    assert seen == [(hr_world.target.pk, hr_world.officer.pk)]
    assert "Assignments" in home


# ------------------------------------------------------------------------------
# Manual evidence
# ------------------------------------------------------------------------------


def _evidence_post(client, world, language="th", **overrides):
    data = {
        "competency": competency(world.framework, "ACD-DATA-01").pk,
        "level": level(world.framework, 3).pk,
        "source": "prior",
        "observed_on": "2026-03-01",
        "note": "ผ่านการอบรมจากหน่วยงานอื่น",
    }
    data.update(overrides)
    return client.post(
        reverse("hr:evidence_new", args=[world.target.pk]),
        data,
        headers={"accept-language": language},
    )


def test_prior_learning_is_recorded_with_attachment_and_audited(client, hr_world):
    client.force_login(hr_world.officer)
    response = _evidence_post(
        client, hr_world, attachment=SimpleUploadedFile("cert.png", PNG, "image/png")
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(source="prior")
    assert evidence.recorded_by == hr_world.officer
    assert evidence.level.rank == 3
    assert evidence.attachment.content_type == "image/png"
    assert evidence.attachment.size == len(PNG)
    entry = AuditEntry.objects.get(action="evidence.record", object_id=str(evidence.pk))
    assert entry.subject_person_id == hr_world.target.pk
    assert entry.detail["source"] == "prior"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cert.pdf", b"just text pretending", "Only PDF, PNG or JPEG"),
        ("cert.png", PDF, "does not match"),
        ("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "larger than 5 MB"),
    ],
)
def test_attachments_are_checked_by_content_and_size(
    client, hr_world, name, content, message
):
    client.force_login(hr_world.officer)
    before = EvidenceAttachment.objects.count(), Evidence.objects.count()
    response = _evidence_post(
        client, hr_world, language="en", attachment=SimpleUploadedFile(name, content)
    )
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["attachment"])
    assert (EvidenceAttachment.objects.count(), Evidence.objects.count()) == before


def test_only_ratings_and_prior_learning_can_be_recorded_here(client, hr_world):
    client.force_login(hr_world.officer)
    response = _evidence_post(client, hr_world, source="assessment")
    assert response.status_code == 200
    assert "source" in response.context["form"].errors


def test_attachment_download_is_the_stored_file_and_audited(client, hr_world):
    client.force_login(hr_world.officer)
    response = client.get(reverse("hr:attachment", args=[hr_world.attachment.pk]))
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert AuditEntry.objects.filter(action="evidence.attachment.download").exists()


# ------------------------------------------------------------------------------
# Heat map
# ------------------------------------------------------------------------------


def test_heat_map_drills_down_and_links_leaves_to_the_directory(client, hr_world):
    deep = org_unit("V1C", parent=hr_world.unit)
    staff(deep, hr_world.framework, 3)
    staff(hr_world.sibling, hr_world.framework, 3, offset=3)
    client.force_login(hr_world.parent_officer)
    response = client.get(reverse("hr:heatmap"))
    heat = response.context["heat"]
    assert heat.node == hr_world.department
    labels = {row.unit.code: row for row in heat.rows}
    assert set(labels) == {"D1", "V1", "V2"}
    assert labels["D1"].is_root
    html = response.content.decode()
    # V1 has a child: it re-roots the map; V2 is a leaf: it opens the directory.
    assert f"?node={hr_world.unit.pk}&amp;framework=" in html
    assert f"{reverse('hr:directory')}?unit={hr_world.sibling.pk}&amp;" in html

    drilled = client.get(reverse("hr:heatmap"), {"node": hr_world.unit.pk})
    heat = drilled.context["heat"]
    assert [unit.code for unit in heat.breadcrumbs] == ["D1"]
    assert {row.unit.code for row in heat.rows} == {"V1", "V1C"}
    cell_text = drilled.content.decode()
    assert "band-" in cell_text and "%" in cell_text


def test_heat_map_by_personnel_group_and_framework_chooser(
    client, hr_world, framework_2018
):
    staff(hr_world.unit, hr_world.framework, 8)
    client.force_login(hr_world.officer)
    response = client.get(
        reverse("hr:heatmap"), {"by": "group", "framework": framework_2018.pk}
    )
    heat = response.context["heat"]
    assert heat.framework == framework_2018 and heat.by == "group"
    assert all(row.group is not None for row in heat.rows)
    staffed = [row for row in heat.rows if row.staff]
    assert staffed
    html = response.content.decode()
    assert f"group={staffed[0].group.pk}" in html


def test_heat_map_by_group_lists_only_groups_with_staff(client, hr_world):
    """Both people of V1 are non-IT practitioners: the framework's five other groups
    have nobody here, so they are named under the table and in the report's note
    rather than shown as empty rows (as the fiscal report does)."""
    client.force_login(hr_world.officer)
    query = {"by": "group", "framework": hr_world.framework.pk}
    response = client.get(reverse("hr:heatmap"), query)
    heat = response.context["heat"]
    assert [(row.group.code, row.staff) for row in heat.rows] == [
        ("nonit-operational", 2)
    ]
    executives = hr_world.framework.groups.get(code="it-executive").name
    assert len(heat.groups_without_staff) == 5
    assert executives in heat.groups_without_staff
    html = response.content.decode()
    table = html.split('<table class="data heatmap">')[1].split("</table>")[0]
    assert executives not in table
    assert executives in html.split('id="heatmap-groups-without-staff"')[1]
    assert "ไม่มีบุคลากร" in html.split('id="heatmap-groups-without-staff"')[1]

    report = client.get(reverse("hr:heatmap_report"), query)
    book = load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    sheet = book.worksheets[0]
    codes = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]]
    assert codes == ["nonit-operational", "V1"]
    assert executives in sheet["A2"].value

    by_unit = client.get(reverse("hr:heatmap"), {"framework": hr_world.framework.pk})
    assert by_unit.context["heat"].groups_without_staff == []
    assert 'id="heatmap-groups-without-staff"' not in by_unit.content.decode()


# ------------------------------------------------------------------------------
# Query budgets: the same count for 1 and for 50 people or units
# ------------------------------------------------------------------------------


def _budget(client, user, url, grow) -> tuple[int, int]:
    client.force_login(user)
    grow(1)
    one = _queries(client, url)
    grow(49)
    fifty = _queries(client, url)
    return one, fifty


def test_directory_query_budget(client, hr_world):
    framework = hr_world.framework
    offset = iter(range(0, 1000, 60))
    one, fifty = _budget(
        client,
        hr_world.officer,
        reverse("hr:directory")
        + f"?framework={framework.pk}&competency={competency(framework, 'ACD-LIT-01').pk}"
        "&meeting=no",
        lambda n: staff(hr_world.unit, framework, n, offset=next(offset)),
    )
    assert one == fifty <= 9


def test_person_page_query_budget(client, hr_world):
    framework = hr_world.framework
    items = list(framework.competencies.exclude(kind="area"))

    def grow(n):
        for k in range(n):
            evidence_record(
                person=hr_world.target,
                competency=items[k % len(items)],
                level=level(framework, k % 4 + 1),
                source="manual",
                observed_on=date(2025, 1, 1 + k % 28),
                attachment=SimpleUploadedFile("x.pdf", PDF),
            )

    url = reverse("hr:person", args=[hr_world.target.pk])
    one, fifty = _budget(client, hr_world.officer, url, grow)
    # 8 reads (sign-in and scope 3, the person with their placements 1, evidence
    # with attachments 1, optional choices 1, results 1, certificates 1; the units'
    # trails are the scope's, known to the request) and one write: the
    # personal-data audit entries of the view, in one INSERT (kept on purpose, a
    # security requirement: who read whose record).
    assert one == fifty <= 9
    with CaptureQueriesContext(connection) as context:
        client.get(url)
    writes = [
        query["sql"]
        for query in context
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert len(writes) == 1
    assert "accounts_auditentry" in writes[0]


def test_heat_map_query_budget(client, hr_world):
    counter = iter(range(1000))

    def grow(n):
        for _ in range(n):
            unit = org_unit(f"Q{next(counter)}", parent=hr_world.department)
            staff(unit, hr_world.framework, 1)

    one, fifty = _budget(client, hr_world.parent_officer, reverse("hr:heatmap"), grow)
    assert one == fifty <= 8


def test_team_query_budget(client, hr_world):
    one, fifty = _budget(
        client,
        hr_world.supervisor_user,
        reverse("hr:team"),
        lambda n: [
            PlacementFactory(unit=hr_world.unit, supervisor=hr_world.target)
            for _ in range(n)
        ],
    )
    assert one == fifty <= 6


def test_import_pages_query_budget(client, hr_world):
    def grow(n):
        lines = [staff_csv_line(k, unit_code="NOPE") for k in range(1, n + 1)]
        upload = SimpleUploadedFile(
            "s.csv", (STAFF_CSV_HEADER + "".join(lines)).encode()
        )
        grow.job = staff_import_start(user=hr_world.officer, upload=upload)

    client.force_login(hr_world.officer)
    grow(1)
    one = (
        _queries(client, reverse("hr:import_job", args=[grow.job.pk])),
        _queries(client, reverse("hr:import")),
    )
    grow(50)
    fifty = (
        _queries(client, reverse("hr:import_job", args=[grow.job.pk])),
        _queries(client, reverse("hr:import")),
    )
    assert one == fifty == (4, 5)


def test_home_and_evidence_form_query_budget(client, hr_world):
    client.force_login(hr_world.officer)
    assert _queries(client, reverse("hr:home")) <= 4
    other = hr_officer(hr_world.ministry)
    client.force_login(other)
    assert _queries(client, reverse("hr:evidence_new", args=[hr_world.target.pk])) <= 6


def _own_record(world):
    """The officer of V1 is also a civil servant placed in V1, in their own scope."""
    return PlacementFactory(unit=world.unit, person__user=world.officer).person


def test_officer_cannot_record_a_rating_for_themselves(client, hr_world):
    own = _own_record(hr_world)
    client.force_login(hr_world.officer)
    url = reverse("hr:evidence_new", args=[own.pk])
    assert client.get(url).status_code == 403
    response = client.post(
        url,
        {
            "competency": competency(hr_world.framework, "ACD-DATA-01").pk,
            "level": level(hr_world.framework, 4).pk,
            "source": "manual",
            "observed_on": "2026-03-01",
            "note": "ประเมินตนเอง",
        },
    )
    assert response.status_code == 403
    assert not Evidence.objects.filter(person=own).exists()
    page = client.get(reverse("hr:person", args=[own.pk])).content.decode()
    assert url not in page


def test_officer_cannot_record_prior_learning_for_themselves_via_the_service(hr_world):
    own = _own_record(hr_world)
    with translation.override("en"), pytest.raises(ValidationError, match="yourself"):
        evidence_record_manual(
            actor=hr_world.officer,
            person=own,
            competency=competency(hr_world.framework, "ACD-DATA-01"),
            level=level(hr_world.framework, 4),
            source="prior",
            observed_on=date(2026, 3, 1),
            note="",
        )
    assert not Evidence.objects.filter(person=own).exists()
