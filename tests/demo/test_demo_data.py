"""The demo's data files (demo/data/): the shipped ones load; a malformed one is refused
with a message naming the file and the entry, before seed_demo writes anything."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

import pytest
import yaml

from academy.accounts.roles import Role
from competencies.models import Evidence, OrgUnit, Person
from demo import content
from demo.content import (
    DATA_DIR,
    DemoContentError,
    demo_accounts,
    ministry_shape,
    population_tuning,
    thai_names,
)


def _copy(tmp_path: Path, name: str, change) -> Path:
    """The shipped data file `name`, changed by `change(document)`, in tmp_path."""
    document = yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def test_the_shipped_files_load():
    content.demo_data_check()
    accounts = demo_accounts()
    assert accounts.learner.role == Role.LEARNER
    assert {user.role for user in accounts.users} == set(Role)
    assert accounts.first_with(Role.INSTRUCTOR).email == "instructor@academy.example"
    assert [user.email for user in accounts.users if user.is_superuser] == [
        "admin@academy.example"
    ]
    assert {item.source for item in accounts.learner_evidence} >= {
        Evidence.Source.ASSESSMENT,
        Evidence.Source.SELF_ASSESSMENT,
        Evidence.Source.IMPORT,
    }
    tuning = population_tuning()
    assert len(tuning.knowledge_level_weights) == 5
    assert len(tuning.general_level_weights) == 4
    names = thai_names()
    assert set(names.titles) == set(content.TITLE_KEYS)
    assert all(len(pair) == 2 for pair in names.surnames)
    shape = ministry_shape()
    assert shape.departments[0]["key"] == "OPS"
    assert set(shape.unit_names) == set(shape.focus_size)


LOADERS = {
    "users.yaml": demo_accounts,
    "population.yaml": population_tuning,
    "names.yaml": thai_names,
    "blueprint.yaml": ministry_shape,
}
REMOVE = object()


@pytest.mark.parametrize(
    ("name", "changes", "expected"),
    [
        (
            "users.yaml",
            {("users", 1, "role"): "teacher"},
            "users entry 2 (instructor@academy.example): role must be one of "
            "learner, instructor, hr_officer, academy_admin, not 'teacher'.",
        ),
        (
            "users.yaml",
            {("users", 2, "line_of_work"): REMOVE, ("users", 2, "line"): "3-1-006"},
            "users entry 3 (hr@academy.example): unknown keys ['line'], "
            "missing keys ['line_of_work'].",
        ),
        (
            "users.yaml",
            {("learner_evidence", 4, "level"): 0},
            "learner_evidence entry 5: level must be a whole number from 1, not 0.",
        ),
        (
            "population.yaml",
            {("focus_line_boost", "ict", "นักวิชาการสถิติ"): "two"},
            "focus_line_boost, ict, นักวิชาการสถิติ must be a positive number, not 'two'.",
        ),
        (
            "population.yaml",
            {("assessment_share",): 62},
            "assessment_share must be a number from 0 to 1, not 62.",
        ),
        (
            "names.yaml",
            {("surnames", 6): ["ใจดี"]},
            "surnames, entry 7 must be [Thai, English], two texts, not ['ใจดี'].",
        ),
        (
            "blueprint.yaml",
            {("departments", 0, "name"): "สำนักงานปลัดกระทรวง"},
            "departments entry 1 (OPS): name must be [Thai, English], two texts",
        ),
    ],
)
def test_a_malformed_entry_is_named(tmp_path, name, changes, expected):
    def change(document):
        for (*parents, key), value in changes.items():
            container = document
            for parent in parents:
                container = container[parent]
            if value is REMOVE:
                del container[key]
            else:
                container[key] = value

    path = _copy(tmp_path, name, change)
    with pytest.raises(DemoContentError) as raised:
        LOADERS[name](path)
    assert str(raised.value).startswith(str(path))
    assert expected in str(raised.value)


def test_accounts_without_a_learner_first_are_refused(tmp_path):
    def change(document):
        document["users"].reverse()
        document["users"].append(dict(document["users"][0]))

    path = _copy(tmp_path, "users.yaml", change)
    with pytest.raises(DemoContentError) as raised:
        demo_accounts(path)
    message = str(raised.value)
    assert "email admin@academy.example is given twice" in message
    assert "employee_number DEMO-0004 is given twice" in message
    assert "the first user is the learner" in message


def test_a_department_with_an_unknown_focus_is_named(tmp_path):
    def change(document):
        document["departments"][1]["lines"][2][3] = "astrology"
        document["departments"][2]["lines"] = document["departments"][2]["lines"][:2]
        document["division_order"].append("XYZ")

    path = _copy(tmp_path, "blueprint.yaml", change)
    with pytest.raises(DemoContentError) as raised:
        ministry_shape(path)
    message = str(raised.value)
    assert (
        "departments entry 2 (DSD): lines, CAC: the focus astrology is not in "
        "focus_size" in message
    )
    assert "departments entry 3 (DGS): no line division #2 (division_order)" in message
    assert "division_order names XYZ, not a support division" in message


def test_a_file_that_is_not_yaml_is_named(tmp_path):
    path = tmp_path / "users.yaml"
    path.write_text("users: [unclosed\n", encoding="utf-8")
    with pytest.raises(DemoContentError, match=str(path)):
        demo_accounts(path)


@pytest.mark.django_db
def test_seed_demo_refuses_a_bad_file_before_writing(tmp_path, monkeypatch):
    def change(document):
        document["learner_evidence"][0]["source"] = "hearsay"

    path = _copy(tmp_path, "users.yaml", change)
    shipped = content.demo_accounts
    monkeypatch.setattr(content, "demo_accounts", lambda: shipped(path))
    with pytest.raises(
        CommandError,
        match=r"learner_evidence entry 1: source must be one of assessment",
    ):
        call_command("seed_demo")
    assert not OrgUnit.objects.exists()
    assert not Person.objects.exists()
    assert not get_user_model().objects.exists()
