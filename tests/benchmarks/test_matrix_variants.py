"""The alternative matrix queries proposed by the benchmarks give org_matrix's cells."""

from django.db import connection
from django.utils import timezone

import pytest

from benchmarks import matrix_variants
from benchmarks.bench_competencies import matrix_sql, suggested_index_statements
from competencies.models import OrgUnit
from demo.org_blueprint import MINISTRY_CODE
from demo.population import generate_population


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        pytest.skip(
            "the variants use PostgreSQL SQL: run with DATABASE_URL=postgres://"
        )


@pytest.mark.postgres
@pytest.mark.parametrize("by", ["child", "unit", "group"])
@pytest.mark.parametrize("root_code", [MINISTRY_CODE, f"{MINISTRY_CODE}-DSD"])
def test_every_variant_gives_the_cells_of_org_matrix(
    postgres, framework_academy, by, root_code
):
    on = timezone.localdate()
    generate_population(staff=300, seed=11, on=on)
    root = OrgUnit.objects.get(code=root_code)
    matrix_variants.attainment_build(framework=framework_academy, on=on)
    matrix_variants.rollup_build(framework=framework_academy, on=on)
    calls = matrix_variants.candidates(
        root,
        framework=framework_academy,
        by=by,
        baseline_sql=matrix_sql(root=root, framework=framework_academy, by=by),
        on=on,
    )

    results = matrix_variants.compare(calls, rounds=1)

    assert {
        name: result["same_cells"] for name, result in results.items()
    } == dict.fromkeys(calls, True)


def test_suggested_indexes_file_has_matching_create_and_drop():
    creates, drops = suggested_index_statements()
    assert creates
    assert len(drops) == len(creates)
    assert all(drop.startswith("DROP INDEX IF EXISTS bench_") for drop in drops)
