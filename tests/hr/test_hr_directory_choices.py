"""The directory's filter choices come from reference data kept per process (the
standards snapshot and the position choices, academy.core.refcache): no query to
offer or check them, and a change to the standards or the positions is offered on
the next request."""

from django.db import connection
from django.forms import ModelChoiceField
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from competencies.models import Framework, LineOfWork, PositionType
from competencies.selectors import standards_version_bump
from tests.factories import competency

pytestmark = pytest.mark.django_db

CHOICE_TABLES = (
    "competencies_positiontype",
    "competencies_positionlevel",
    "competencies_lineofwork",
    "competencies_framework",
    "competencies_personnelgroup",
    "competencies_competency",
)


def _form(client, **params):
    response = client.get(reverse("hr:directory"), params)
    assert response.status_code == 200
    return response.context["form"]


def test_choices_read_no_table_once_kept(client, hr_world):
    client.force_login(hr_world.officer)
    url = reverse("hr:directory")
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    read = [t for t in CHOICE_TABLES for q in captured if f'FROM "{t}"' in q["sql"]]
    assert read == []


def test_a_new_line_of_work_is_offered_on_the_next_request(client, hr_world):
    client.force_login(hr_world.officer)
    before = _form(client).fields["line_of_work"].choices
    template = LineOfWork.objects.first()
    added = LineOfWork.objects.create(
        scheme=template.scheme,
        code="9-9-999",
        name_th="สายงานที่เพิ่งเพิ่ม",
        category=template.category,
        position_type=template.position_type,
    )
    after = _form(client).fields["line_of_work"].choices
    assert (str(added.pk), "9-9-999 สายงานที่เพิ่งเพิ่ม") in after
    assert len(after) == len(before) + 1


def test_a_renamed_position_type_is_offered_with_its_new_name(client, hr_world):
    client.force_login(hr_world.officer)
    _form(client)
    position_type = PositionType.objects.first()
    position_type.name_th = "ประเภทที่เปลี่ยนชื่อ"
    position_type.save()
    assert (str(position_type.pk), "ประเภทที่เปลี่ยนชื่อ") in _form(client).fields[
        "position_type"
    ].choices


def test_a_retired_framework_and_its_groups_are_no_longer_offered(client, hr_world):
    client.force_login(hr_world.officer)
    group = hr_world.framework.groups.first()
    assert str(group.pk) in dict(_form(client).fields["group"].choices)
    Framework.objects.filter(pk=hr_world.framework.pk).update(
        status=Framework.Status.RETIRED
    )
    standards_version_bump()  # a QuerySet.update() sends no signal
    form = _form(client, group=group.pk)
    assert str(group.pk) not in dict(form.fields["group"].choices)
    assert [error.code for error in form.errors.as_data()["group"]] == [
        "invalid_choice"
    ]


def test_a_chosen_competency_is_the_object_with_its_framework(client, hr_world):
    client.force_login(hr_world.officer)
    chosen = competency(hr_world.framework, "ACD-LIT-01")
    form = _form(client, framework=hr_world.framework.pk, competency=chosen.pk)
    assert form.cleaned_data["competency"] == chosen
    assert form.cleaned_data["competency"].framework.code == hr_world.framework.code


@pytest.mark.parametrize("value", ["abc", "999999"])
def test_a_choice_not_offered_is_refused_as_a_model_choice_would_be(
    client, hr_world, value
):
    client.force_login(hr_world.officer)
    form = _form(client, position_type=value)
    [error] = form.errors.as_data()["position_type"]
    assert error.code == "invalid_choice"
    assert error.message == ModelChoiceField.default_error_messages["invalid_choice"]
