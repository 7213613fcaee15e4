"""import_framework, export_framework: counts, every problem, identical round trips."""

import json
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command
from django.utils import translation

import pytest

from competencies.interchange import (
    framework_export,
    parse_case,
    parse_framework_file,
)
from competencies.models import (
    Competency,
    Framework,
    ProficiencyLevel,
    ProficiencyScale,
)

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _english():
    """Messages are compared in English; Thai is the default language."""
    with translation.override("en"):
        yield


def run(command: str, *args, **options) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def row_counts() -> tuple[int, int, int, int]:
    return (
        Framework.objects.count(),
        ProficiencyScale.objects.count(),
        ProficiencyLevel.objects.count(),
        Competency.objects.count(),
    )


def snapshot(framework: Framework) -> dict:
    """Everything 'imports back identically' promises, by value."""
    codes = {c.pk: c.code for c in framework.competencies.all()}
    return {
        "framework": (
            framework.identifier,
            framework.code,
            framework.version,
            framework.name_th,
            framework.name_en,
            framework.description_th,
            framework.description_en,
            framework.publisher,
            framework.licence,
            framework.source_url,
            framework.adopted_on,
        ),
        "competencies": sorted(
            (
                str(c.identifier),
                c.code,
                c.kind,
                c.name_th,
                c.name_en,
                c.description_th,
                c.description_en,
                codes.get(c.parent_id),
                c.sort_order,
                c.uri,
            )
            for c in framework.competencies.all()
        ),
        "levels": [
            (
                level.rank,
                level.code,
                level.name_th,
                level.name_en,
                level.descriptor_th,
                level.descriptor_en,
                level.is_proficient_threshold,
            )
            for level in framework.scale.levels.order_by("rank")
        ],
    }


def test_import_framework_command_prints_counts():
    output = run("import_framework", str(DATA / "case_levels.json"))

    assert "created: 6 competency, 1 framework, 3 level, 1 scale" in output
    assert "Imported test-dg 2025" in output


def test_import_framework_command_prints_warnings():
    output = run("import_framework", str(DATA / "case_levels.json"))

    assert (
        "warning: CFAssociations: Associations the Academy does not use, kept as they "
        "are for export: 1 exactMatchOf." in output
    )


def test_import_framework_command_lists_every_problem_and_writes_nothing():
    before = row_counts()

    with pytest.raises(CommandError) as caught:
        run("import_framework", str(DATA / "case_dangling.json"))

    lines = str(caught.value).splitlines()
    assert "refused (4 problems); nothing was written" in lines[0]
    assert len(lines) == 5
    for unknown in ("0001", "0002", "0003", "0004"):
        assert any(
            f"deadbeef-0000-4000-8000-00000000{unknown}" in line for line in lines
        )
    assert row_counts() == before


def test_import_framework_command_lists_csv_problems_by_line():
    with pytest.raises(CommandError) as caught:
        run("import_framework", str(DATA / "moodle_problems.csv"))

    message = str(caught.value)
    for location in ("line 3:", "line 5 (P1):", "line 6 (P2):", "lines 7, 8:"):
        assert location in message


def test_import_framework_command_exits_non_zero_on_a_bad_file(capsys):
    from django.core.management import execute_from_command_line

    with pytest.raises(SystemExit) as caught:
        execute_from_command_line(
            ["manage.py", "import_framework", str(DATA / "case_invalid.json")]
        )

    assert caught.value.code != 0
    assert "line 5, column 5" in capsys.readouterr().err


def test_import_framework_command_dry_run_writes_nothing():
    before = row_counts()

    output = run("import_framework", str(DATA / "moodle_framework.csv"), dry_run=True)

    assert "created: 7 competency" in output
    assert "nothing was written" in output
    assert row_counts() == before


def test_import_framework_command_reads_moodle_csv():
    run("import_framework", str(DATA / "moodle_framework.csv"))

    framework = Framework.objects.get(code="mdl-dg")
    assert framework.competencies.count() == 7


def test_import_framework_command_reimport_reports_unchanged():
    run("import_framework", str(DATA / "case_levels.json"))

    output = run("import_framework", str(DATA / "case_levels.json"))

    assert "unchanged: 6 competency, 1 framework, 3 level" in output
    assert "created" not in output


def test_import_framework_command_reports_items_no_longer_in_the_file(tmp_path):
    run("import_framework", str(DATA / "moodle_framework.csv"))
    lines = (DATA / "moodle_framework.csv").read_text(encoding="utf-8-sig").splitlines()
    shorter = tmp_path / "shorter.csv"
    shorter.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")

    output = run("import_framework", str(shorter))

    assert "not in file, left as it is: competency D2-C2" in output
    assert Competency.objects.filter(code="D2-C2").exists()


def test_import_framework_command_refuses_an_unreadable_path(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_framework", str(tmp_path / "missing.json"))


def test_export_framework_command_writes_case_json_to_stdout(framework_academy):
    document = json.loads(run("export_framework", "acd-digital"))

    assert document["CFDocument"]["identifier"] == framework_academy.identifier
    assert document["CFDocument"]["extensions"]["academy"]["code"] == "acd-digital"
    assert len(document["CFItems"]) == framework_academy.competencies.count() + 4


def test_export_framework_command_writes_a_file(framework_academy, tmp_path):
    target = tmp_path / "th-dg-2024.json"

    run("export_framework", framework_academy.identifier, output=str(target))

    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["CFDocument"]["title"] == framework_academy.name_th


def test_export_framework_command_chooses_the_version(framework_2018):
    document = json.loads(run("export_framework", "th-dg-2018", version="2018"))

    assert document["CFDocument"]["version"] == "2018"


def test_export_framework_command_refuses_an_unknown_framework(standards):
    with pytest.raises(CommandError, match="no-such-framework"):
        run("export_framework", "no-such-framework")


def test_export_framework_command_refuses_an_unknown_version(standards):
    with pytest.raises(CommandError, match="version 1999"):
        run("export_framework", "acd-digital", version="1999")


def test_exported_framework_imports_back_identically_into_an_empty_database(
    framework_academy, tmp_path
):
    expected = snapshot(framework_academy)
    exported = tmp_path / "th-dg-2024.json"
    run("export_framework", "acd-digital", output=str(exported))
    framework_academy.delete()
    assert not Framework.objects.filter(identifier=expected["framework"][0]).exists()

    run("import_framework", str(exported))

    imported = Framework.objects.get(identifier=expected["framework"][0])
    assert snapshot(imported) == expected
    assert imported.status == Framework.Status.DRAFT


def test_exported_framework_reimports_over_itself_unchanged(
    framework_academy, tmp_path
):
    expected = snapshot(framework_academy)
    exported = tmp_path / "th-dg-2024.json"
    run("export_framework", "acd-digital", output=str(exported))

    output = run("import_framework", str(exported))

    assert "updated" not in output
    assert "created" not in output
    framework_academy.refresh_from_db()
    assert snapshot(framework_academy) == expected
    assert framework_academy.status == Framework.Status.ACTIVE


def test_export_of_an_imported_case_file_reads_as_the_same_package(tmp_path):
    run("import_framework", str(DATA / "case_levels.json"))
    exported = tmp_path / "again.json"

    run("export_framework", "test-dg", output=str(exported))

    original = parse_case((DATA / "case_levels.json").read_bytes())
    assert parse_case(exported.read_bytes()) == original


def test_parse_framework_file_chooses_the_reader_by_extension():
    case = (DATA / "case_levels.json").read_bytes()
    moodle = (DATA / "moodle_framework.csv").read_bytes()

    assert parse_framework_file(case, filename="x.JSON").framework.code == "test-dg"
    assert parse_framework_file(moodle, filename="x.csv").framework.code == "mdl-dg"


def test_parse_framework_file_without_extension_chooses_by_content():
    case = (DATA / "case_levels.json").read_bytes()
    moodle = (DATA / "moodle_framework.csv").read_bytes()

    assert parse_framework_file(case, filename="upload").framework.code == "test-dg"
    assert parse_framework_file(moodle, filename="upload").framework.code == "mdl-dg"


def test_framework_export_queries_do_not_grow_with_the_tree(
    framework_2018, framework_academy, django_assert_max_num_queries
):
    for framework in (framework_2018, framework_academy):
        framework = Framework.objects.get(pk=framework.pk)
        with django_assert_max_num_queries(3):
            framework_export(framework=framework)
