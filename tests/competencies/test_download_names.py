"""Download names built from data are encoded per RFC 6266/5987, never concatenated."""

from email.message import Message

from django.urls import reverse

import pytest

pytestmark = pytest.mark.django_db


def _filename(response) -> str:
    """The file name a standards-following client reads from Content-Disposition."""
    message = Message()
    message["Content-Disposition"] = response["Content-Disposition"]
    assert message.get_content_disposition() == "attachment"
    return message.get_filename()


def test_a_thai_employee_number_reaches_the_file_name_intact(client, hr_world):
    hr_world.target.employee_number = "ทด-01"
    hr_world.target.save(update_fields=["employee_number"])
    client.force_login(hr_world.officer)
    url = reverse("hr:person_evidence_export", args=[hr_world.target.pk, "csv"])
    response = client.get(url)
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert _filename(response).startswith("evidence-ทด-01-")


def test_a_quote_in_a_unit_code_cannot_add_parameters(client, hr_world):
    hr_world.unit.code = 'V1";filename=evil.exe'
    hr_world.unit.save(update_fields=["code"])
    client.force_login(hr_world.officer)
    url = reverse("hr:heatmap_export", args=["csv"]) + f"?node={hr_world.unit.pk}"
    response = client.get(url)
    assert _filename(response).startswith('heatmap-V1";filename=evil.exe-')
    assert _filename(response).endswith(".csv")
