"""HR officers see, and download as a ZIP, the certificates of their own staff only."""

import io
import zipfile

from django.urls import reverse

import pytest

from academy.accounts.roles import Role
from certificates.models import Certificate, CertificateBundle
from tests.certificates.certificate_helpers import issue
from tests.factories import PlacementFactory, UserFactory, hr_officer, org_unit
from tests.queries import page_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(standards, governance_course):
    """M ▸ D1 ▸ {V1, V2}; a certified learner in each of V1 and V2."""
    ministry = org_unit("M", kind="ministry", name="กระทรวงทดสอบ")
    department = org_unit("D1", parent=ministry, kind="department")
    v1 = org_unit("V1", parent=department, kind="division")
    v2 = org_unit("V2", parent=department, kind="division")

    def certified(unit, email, surname):
        user = UserFactory(email=email)
        PlacementFactory(
            unit=unit,
            person__user=user,
            person__email=email,
            person__first_name_th="ทดสอบ",
            person__last_name_th=surname,
        )
        return issue(user, governance_course)

    world = type("World", (), {})()
    world.units = {"M": ministry, "D1": department, "V1": v1, "V2": v2}
    world.in_v1 = certified(v1, "v1@example.go.th", "หนึ่ง")
    world.in_v2 = certified(v2, "v2@example.go.th", "สอง")
    world.officer = hr_officer(v1, email="hr-v1@example.go.th")
    world.sibling = hr_officer(v2, email="hr-v2@example.go.th")
    world.parent = hr_officer(department, email="hr-d1@example.go.th")
    world.course = governance_course
    return world


def _numbers(client, user):
    client.force_login(user)
    response = client.get(reverse("hr:certificates"))
    assert response.status_code == 200
    return {c.number for c in response.context["page"].object_list}


def test_each_officer_sees_the_certificates_of_their_subtree(client, world):
    assert _numbers(client, world.officer) == {world.in_v1.number}
    assert _numbers(client, world.sibling) == {world.in_v2.number}
    assert _numbers(client, world.parent) == {world.in_v1.number, world.in_v2.number}


def test_filtering_by_a_unit_outside_the_scope_is_404(client, world):
    client.force_login(world.officer)
    url = reverse("hr:certificates")
    assert client.get(url, {"unit": world.units["V2"].pk}).status_code == 404
    response = client.get(url, {"unit": world.units["V1"].pk})
    assert {c.number for c in response.context["page"].object_list} == {
        world.in_v1.number
    }


@pytest.mark.parametrize("who", ["learner", "instructor", "admin"])
def test_people_who_are_not_hr_officers_get_404(client, world, who):
    roles = {
        "learner": [],
        "instructor": [Role.INSTRUCTOR],
        "admin": [Role.ACADEMY_ADMIN],
    }
    client.force_login(UserFactory(roles=roles[who]))
    assert client.get(reverse("hr:certificates")).status_code == 404
    response = client.post(
        reverse("hr:certificate_bundle_request"), {"unit": world.units["V1"].pk}
    )
    assert response.status_code == 404
    assert not CertificateBundle.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(reverse("hr:certificates"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def _zip_names(response) -> set[str]:
    content = b"".join(response.streaming_content)
    return set(zipfile.ZipFile(io.BytesIO(content)).namelist())


def test_a_unit_zip_holds_only_that_units_staff(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.parent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("hr:certificate_bundle_request"), {"unit": world.units["V1"].pk}
        )
    assert response.status_code == 302
    bundle = CertificateBundle.objects.get()
    assert bundle.status == CertificateBundle.Status.READY
    assert bundle.certificate_count == 1
    download = client.get(reverse("hr:certificate_bundle_download", args=[bundle.pk]))
    assert download.status_code == 200
    assert _zip_names(download) == {
        f"{world.in_v1.number}.pdf",
        f"{world.in_v1.number}.json",
        "manifest.csv",
    }
    # Another officer, even one whose scope covers the unit, gets nothing.
    client.force_login(world.officer)
    url = reverse("hr:certificate_bundle_download", args=[bundle.pk])
    assert client.get(url).status_code == 404


def test_a_zip_of_a_unit_outside_the_scope_is_refused_and_nothing_is_queued(
    client, world
):
    client.force_login(world.officer)
    response = client.post(
        reverse("hr:certificate_bundle_request"), {"unit": world.units["V2"].pk}
    )
    assert response.status_code == 400  # not a choice the form offers
    response = client.post(
        reverse("hr:certificate_bundle_request"), {"unit": world.units["D1"].pk}
    )
    assert response.status_code == 400
    assert not CertificateBundle.objects.exists()


def test_a_forged_post_without_csrf_is_refused(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.officer)
    response = client.post(
        reverse("hr:certificate_bundle_request"), {"unit": world.units["V1"].pk}
    )
    assert response.status_code == 403
    assert not CertificateBundle.objects.exists()


def test_the_person_page_lists_their_certificates(client, world):
    client.force_login(world.officer)
    person = world.in_v1.person
    response = client.get(reverse("hr:person", args=[person.pk]))
    assert response.status_code == 200
    assert world.in_v1.number in response.content.decode()


def test_officers_reading_others_certificates_are_audited_not_their_own(client, world):
    from academy.accounts.audit import AuditAction
    from academy.accounts.models import AuditEntry

    def views():
        return list(
            AuditEntry.objects.filter(action=AuditAction.CERTIFICATE_VIEW).order_by(
                "pk"
            )
        )

    client.force_login(world.officer)
    client.get(reverse("hr:certificates"))
    [listing] = views()
    assert listing.actor == world.officer
    assert listing.subject_person_id == world.in_v1.person_id
    assert listing.detail == {"certificates": [world.in_v1.number]}
    client.get(reverse("hr:certificates"))  # again the same day: not again
    assert len(views()) == 1

    client.get(reverse("hr:person", args=[world.in_v1.person.pk]))
    page = views()[-1]
    assert page.subject_person_id == world.in_v1.person_id
    assert page.detail == {
        "section": "certificates",
        "certificates": [world.in_v1.number],
    }

    # An officer whose scope holds only themselves reads their own: no trace.
    v3 = org_unit("V3", parent=world.units["D1"], kind="division")
    holder = hr_officer(v3, email="hr-v3@example.go.th")
    PlacementFactory(
        unit=v3,
        person__user=holder,
        person__email=holder.email,
        person__first_name_th="ทดสอบ",
        person__last_name_th="สาม",
    )
    own = issue(holder, world.course)
    client.force_login(holder)
    assert _numbers(client, holder) == {own.number}
    assert client.get(reverse("hr:person", args=[own.person_id])).status_code == 200
    assert len(views()) == 2


def _writes(context) -> list[str]:
    return [
        query["sql"]
        for query in context
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def _certify_in_v1(world, n: int, start: int = 0):
    for k in range(start, start + n):
        user = UserFactory(email=f"many{k}@example.go.th")
        PlacementFactory(unit=world.units["V1"], person__user=user)
        issue(user, world.course)


def test_query_count_is_the_same_for_1_and_50_certificates(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.officer)
    url = reverse("hr:certificates")
    # page_queries counts a second GET: the holders' daily audit entries are
    # written by the first (test_certificate_views_are_audited_once_a_day_...).
    one = page_queries(client, url)
    _certify_in_v1(world, 49)
    assert len(client.get(url).context["page"].object_list) == 50
    fifty = page_queries(client, url)
    # Sign-in and scope 3, the certificates 2 (count and rows), the holders
    # audited today 1, the officer's ZIPs 1, the scope's units 1 (read once for the
    # filter and the ZIP form), the courses offered for a ZIP 1; no write.
    assert one == fifty <= 9
    with CaptureQueriesContext(connection) as context:
        client.get(url)
    assert _writes(context) == []


def test_certificate_views_are_audited_once_a_day_for_each_holder_in_one_insert(
    client, world
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from academy.accounts.audit import AuditAction
    from academy.accounts.models import AuditEntry

    client.force_login(world.officer)
    url = reverse("hr:certificates")
    _certify_in_v1(world, 3)

    def get() -> list[str]:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return _writes(context)

    def views():
        return AuditEntry.objects.filter(action=AuditAction.CERTIFICATE_VIEW)

    [insert] = get()
    assert "accounts_auditentry" in insert
    assert views().count() == 4
    holders = Certificate.objects.exclude(pk=world.in_v2.pk)
    assert {entry.subject_person_id for entry in views()} == set(
        holders.values_list("person_id", flat=True)
    )
    assert get() == []  # read again the same day: nothing written
    assert views().count() == 4

    _certify_in_v1(world, 2, start=3)
    [insert] = get()  # only the two new holders
    assert views().count() == 6
    assert get() == []


def test_a_leaver_is_in_neither_the_list_nor_a_zip(
    client, world, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    person = world.in_v1.person
    person.left_on = timezone.localdate() - timedelta(days=1)
    person.save(update_fields=["left_on"])

    assert _numbers(client, world.parent) == {world.in_v2.number}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("hr:certificate_bundle_request"), {"unit": world.units["D1"].pk}
        )
    bundle = CertificateBundle.objects.get()
    download = client.get(reverse("hr:certificate_bundle_download", args=[bundle.pk]))
    assert f"{world.in_v1.number}.pdf" not in _zip_names(download)
    assert bundle.certificate_count == 1
