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


def test_a_user_with_an_unknown_role_is_named(tmp_path):
    def change(document):
        document["users"][1]["role"] = "teacher"

    path = _copy(tmp_path, "users.yaml", change)
    with pytest.raises(DemoContentError) as raised:
        demo_accounts(path)
    message = str(raised.value)
    assert str(path) in message
    assert "users entry 2 (instructor@academy.example)" in message
    assert "role must be one of learner" in message
    assert "'teacher'" in message


def test_a_user_missing_a_key_is_named(tmp_path):
    def change(document):
        del document["users"][2]["line_of_work"]
        document["users"][2]["line"] = "3-1-006"

    path = _copy(tmp_path, "users.yaml", change)
    with pytest.raises(
        DemoContentError,
        match=r"users entry 3 \(hr@academy\.example\): unknown keys \['line'\], "
        r"missing keys \['line_of_work'\]",
    ):
        demo_accounts(path)


def test_evidence_with_a_bad_level_is_named(tmp_path):
    def change(document):
        document["learner_evidence"][4]["level"] = 0

    path = _copy(tmp_path, "users.yaml", change)
    with pytest.raises(
        DemoContentError,
        match=r"learner_evidence entry 5: level must be a whole number from 1, not 0",
    ):
        demo_accounts(path)


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


def test_a_bad_weight_is_named(tmp_path):
    def change(document):
        document["focus_line_boost"]["ict"]["นักวิชาการสถิติ"] = "two"

    path = _copy(tmp_path, "population.yaml", change)
    with pytest.raises(
        DemoContentError,
        match=r"population\.yaml: focus_line_boost, ict, นักวิชาการสถิติ must be a "
        r"positive number, not 'two'",
    ):
        population_tuning(path)


def test_a_share_above_one_is_named(tmp_path):
    def change(document):
        document["assessment_share"] = 62

    path = _copy(tmp_path, "population.yaml", change)
    with pytest.raises(
        DemoContentError,
        match=r"assessment_share must be a number from 0 to 1, not 62",
    ):
        population_tuning(path)


def test_a_name_without_its_romanisation_is_named(tmp_path):
    def change(document):
        document["surnames"][6] = ["ใจดี"]
        del document["titles"]["doctor"]

    path = _copy(tmp_path, "names.yaml", change)
    with pytest.raises(
        DemoContentError,
        match=r"names\.yaml: surnames, entry 7 must be \[Thai, English\], two texts, "
        r"not \['ใจดี'\]",
    ):
        thai_names(path)


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
