"""Records whose source note says "to confirm" are marked in listings and forms."""

import html
import re

from django.urls import reverse

import pytest

from academy.accounts.roles import Role
from competencies.group_permissions import grant_standards_permissions
from competencies.models import Competency, Requirement
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BADGE = 'class="w-status academy-to-confirm"'


@pytest.fixture
def admin_client(client, standards):
    grant_standards_permissions()
    # Messages are asserted in English; Thai is what users see by default.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(UserFactory(roles=[Role.ACADEMY_ADMIN]))
    return client


def _rows(response_text: str) -> list[str]:
    return response_text.split("<tr")[1:]


def _row_of(rows: list[str], code: str) -> str:
    return next(row for row in rows if re.search(rf">\s*{re.escape(code)}\s*<", row))


def test_frameworks_listing_marks_frameworks_to_confirm(admin_client, standards):
    framework = standards["acd-digital"]
    framework.source_note = "To confirm: the Academy's defaults."
    framework.save()
    response = admin_client.get(reverse("competencies_framework:index"))
    rows = {
        code: _row_of(_rows(response.text), code)
        for code in ("th-dg-2018", "acd-digital")
    }
    assert BADGE in rows["acd-digital"]
    assert BADGE not in rows["th-dg-2018"]


def test_competencies_listing_marks_competencies_to_confirm(admin_client, standards):
    local = Competency.objects.filter(framework__code="acd-digital")
    to_confirm = local.filter(source_note__icontains="to confirm")
    checked = local.exclude(source_note__icontains="to confirm")
    assert to_confirm.exists() and checked.exists()
    response = admin_client.get(
        reverse("competencies_competency:index"),
        {"framework": to_confirm[0].framework_id},
    )
    rows = _rows(response.text)
    marked = _row_of(rows, to_confirm[0].code)
    assert BADGE in marked
    unmarked = checked.filter(framework_id=to_confirm[0].framework_id).first()
    assert BADGE not in _row_of(rows, unmarked.code)


def test_competencies_listing_filters_by_to_confirm(admin_client, standards):
    response = admin_client.get(
        reverse("competencies_competency:index"), {"to_confirm": "true"}
    )
    shown = Competency.objects.filter(source_note__icontains="to confirm")
    hidden = Competency.objects.exclude(source_note__icontains="to confirm")
    rows = _rows(html.unescape(response.text))
    assert all(_row_of(rows, item.code) for item in shown[:5])
    for item in hidden:
        with pytest.raises(StopIteration):
            _row_of(rows, item.code)


def test_edit_form_shows_the_note_to_confirm_with_help(admin_client, standards):
    framework = standards["th-dg-2024"]
    framework.source_note = "To confirm: the adoption date."
    framework.save()
    assert framework.needs_confirmation
    response = admin_client.get(
        reverse("competencies_framework:edit", args=[framework.pk])
    )
    text = html.unescape(response.text)
    assert "help-warning" in response.text
    assert framework.source_note in text
    assert 'name="source_note"' in response.text
    assert "remove the words once you have checked them" in text


def test_note_to_confirm_is_editable_in_the_admin(admin_client, standards):
    competency = Competency.objects.filter(source_note__icontains="to confirm").first()
    url = reverse("competencies_competency:edit", args=[competency.pk])
    response = admin_client.get(url)
    form = response.context["form"]
    data = {
        name: form[name].value() if form[name].value() is not None else ""
        for name in form.fields
    }
    data["source_note"] = "Checked against the official text on 2026-01-05."
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    competency.refresh_from_db()
    assert not competency.needs_confirmation


def test_requirement_note_edit_marks_the_requirement_edited(admin_client, standards):
    requirement = Requirement.objects.filter(
        source_note__icontains="to confirm"
    ).first()
    url = reverse("competencies_requirement:edit", args=[requirement.pk])
    response = admin_client.post(url, {"source_note": "Checked."})
    assert response.status_code == 302
    requirement.refresh_from_db()
    assert requirement.source_note == "Checked."
    assert requirement.edited_by_admin


def test_scale_to_confirm_is_marked(admin_client, standards):
    scale = standards["th-dg-2024"].scale
    assert "to confirm" in scale.source_note.lower()
    response = admin_client.get(reverse("competencies_scale:index"))
    assert BADGE in response.text
