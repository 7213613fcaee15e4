"""Zero-downtime releases: a migration runs while the previous release still serves
(docs/operations.md, "Releases without downtime"), so it must not break that code.

Refused unless the migration says how it was made safe (a `zero_downtime` note on its
Migration class naming the earlier release that stopped using what it removes):
dropping or renaming a column or table, and adding or tightening a NOT NULL column
without a database default on a table that already exists (the previous release's
inserts do not fill it).
"""

from django.db import migrations
from django.db.migrations.loader import MigrationLoader
from django.db.models.fields import NOT_PROVIDED

import pytest

#: Released before this rule, each with the code that fills its column (a rolling
#: upgrade from the release before them needs the two steps the rule now asks for).
BEFORE_THE_RULE = {
    "competencies.0002_hr_workspace",
    "courses.0007_assignment_change_cancel_joiners",
    "competencies.0006_case_source",
    # Written in parallel with the rule and landed beside it: its new NOT NULL
    # columns carry Python defaults only. Release it with a maintenance window.
    "competencies.0008_standards_provenance",
}
LOCAL_APPS = {
    "accounts",
    "core",
    "competencies",
    "courses",
    "certificates",
    "demo",
    "benchmarks",
}
ALWAYS_UNSAFE = (
    migrations.RemoveField,
    migrations.DeleteModel,
    migrations.RenameField,
    migrations.RenameModel,
    migrations.AlterModelTable,
)


def _not_null_without_db_default(field) -> bool:
    if field.many_to_many or field.null:
        return False
    return field.db_default is NOT_PROVIDED


def unsafe_operations(loader: MigrationLoader, key) -> list[str]:
    migration = loader.graph.nodes[key]
    state = loader.project_state(key, at_end=False)
    problems = []
    created_here = {
        operation.name_lower
        for operation in migration.operations
        if isinstance(operation, migrations.CreateModel)
    }
    for operation in migration.operations:
        if isinstance(operation, ALWAYS_UNSAFE):
            problems.append(operation.describe())
        elif isinstance(operation, migrations.AddField | migrations.AlterField):
            model_key = (key[0], operation.model_name_lower)
            existing = (
                model_key in state.models
                and operation.model_name_lower not in created_here
            )
            if existing and _not_null_without_db_default(operation.field):
                before = state.models[model_key].fields.get(operation.name)
                if isinstance(operation, migrations.AddField) or (
                    before is not None and before.null
                ):
                    problems.append(operation.describe() + " (NOT NULL, no db_default)")
        operation.state_forwards(key[0], state)
    return problems


def _local_migrations():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    keys = sorted(key for key in loader.graph.nodes if key[0] in LOCAL_APPS)
    return loader, keys


@pytest.mark.django_db
def test_every_migration_is_safe_under_the_previous_release():
    loader, keys = _local_migrations()
    offenders = {}
    for key in keys:
        problems = unsafe_operations(loader, key)
        label = f"{key[0]}.{key[1]}"
        noted = getattr(loader.graph.nodes[key], "zero_downtime", "")
        if problems and not noted and label not in BEFORE_THE_RULE:
            offenders[label] = problems
    assert offenders == {}


@pytest.mark.django_db
def test_the_rule_catches_a_column_drop_and_a_not_null_column():
    from django.db import models

    loader, keys = _local_migrations()
    app, name = next(key for key in reversed(keys) if key[0] == "courses")
    target = next(
        model
        for label, model in loader.project_state((app, name)).models
        if label == app
    )
    probe = type(
        "Migration",
        (migrations.Migration,),
        {
            "dependencies": [(app, name)],
            "operations": [
                migrations.AddField(target, "probe", models.IntegerField(default=0)),
                migrations.RemoveField(target, "probe"),
            ],
        },
    )("9999_probe", app)
    loader.graph.add_node((app, "9999_probe"), probe)
    loader.graph.add_dependency(probe, (app, "9999_probe"), (app, name))

    problems = unsafe_operations(loader, (app, "9999_probe"))

    assert len(problems) == 2
    assert "NOT NULL" in problems[0] and "Remove field probe" in problems[1]
