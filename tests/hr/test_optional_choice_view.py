"""Choosing a person's optional competencies from the HR person page: their
supervisor or an HR officer of their unit; nobody else, and nothing else."""

from django.urls import reverse

import pytest

from competencies.models import Competency, OptionalChoice

pytestmark = pytest.mark.django_db


def _data_area(standards):
    return Competency.objects.get(
        framework=standards["th-dg-2024"],
        kind="area",
        name_en="Data Utilization and Sharing",
    )


def _post(client, hr_world, competency, action="choose"):
    return client.post(
        reverse("hr:optional_choice", args=[hr_world.target.pk]),
        {"competency": competency.pk, "action": action},
    )


def test_the_supervisor_chooses_an_optional_area(client, hr_world, standards):
    client.force_login(hr_world.supervisor_user)
    response = _post(client, hr_world, _data_area(standards))
    assert response.status_code == 302
    choice = OptionalChoice.objects.get(person=hr_world.target)
    assert choice.source == OptionalChoice.Source.SUPERVISOR
    assert choice.chosen_by == hr_world.supervisor_user


def test_an_hr_officer_of_the_unit_chooses_and_withdraws(client, hr_world, standards):
    client.force_login(hr_world.officer)
    _post(client, hr_world, _data_area(standards))
    assert OptionalChoice.objects.get().source == OptionalChoice.Source.HR_OFFICER
    _post(client, hr_world, _data_area(standards), action="withdraw")
    assert not OptionalChoice.objects.exists()


def test_an_officer_of_another_unit_cannot_choose(client, hr_world, standards):
    client.force_login(hr_world.sibling_officer)
    response = _post(client, hr_world, _data_area(standards))
    assert response.status_code == 404
    assert not OptionalChoice.objects.exists()


def test_a_required_competency_is_refused_with_a_message(client, hr_world, standards):
    client.force_login(hr_world.officer)
    required = Competency.objects.get(
        framework=standards["th-dg-2024"], code="DG-TNMQ-001"
    )
    response = _post(client, hr_world, required)
    assert response.status_code == 302
    assert not OptionalChoice.objects.exists()


def test_a_malformed_competency_is_not_found(client, hr_world):
    client.force_login(hr_world.officer)
    response = client.post(
        reverse("hr:optional_choice", args=[hr_world.target.pk]),
        {"competency": "x"},
    )
    assert response.status_code == 404
