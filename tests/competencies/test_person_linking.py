"""An account acts as a civil servant only when linked by an officer or through an
address it verified; the attack of issue 11 (a colleague's address made primary
unverified, then a course completed) links nothing."""

from io import StringIO

from django.core.exceptions import ValidationError
from django.core.management import call_command

import pytest
from allauth.account.models import EmailAddress

from academy.accounts.models import AuditEntry
from academy.accounts.roles import Role
from competencies.models import Person
from competencies.services import person_ensure_for_user, person_link_user
from courses.selectors import lessons_of
from tests.factories import (
    PersonFactory,
    PlacementFactory,
    UserFactory,
    competency,
    course,
    hr_officer,
    org_unit,
)

pytestmark = pytest.mark.django_db

VICTIM_EMAIL = "somsri.victim@example.go.th"


@pytest.fixture
def victim(standards):
    """An unlinked civil servant who supervises a colleague."""
    unit = org_unit("LNK", kind="ministry")
    supervisor = PlacementFactory(
        unit=unit,
        person__email=VICTIM_EMAIL,
        person__first_name_th="สมศรีเหยื่อ",
        person__employee_number="V0001",
    ).person
    PlacementFactory(unit=unit, supervisor=supervisor, person__first_name_th="ลูกทีม")
    return supervisor


def _verified(user, email, *, primary=False):
    return EmailAddress.objects.create(
        user=user, email=email, verified=True, primary=primary
    )


def test_colleagues_address_made_primary_unverified_links_nothing(
    client, victim, framework_academy
):
    attacker = UserFactory(email="attacker@example.go.th")
    client.force_login(attacker)
    client.post("/accounts/email/", {"email": VICTIM_EMAIL, "action_add": ""})
    added = EmailAddress.objects.get(user=attacker, email=VICTIM_EMAIL)
    assert not added.verified

    client.post("/accounts/email/", {"email": VICTIM_EMAIL, "action_primary": ""})
    added.refresh_from_db()
    attacker.refresh_from_db()
    assert not added.primary
    assert attacker.email == "attacker@example.go.th"

    page = course(
        lessons=1, competencies=[(competency(framework_academy, "ACD-GOV-02"), 2)]
    )
    client.post(f"/learn/courses/{page.pk}/enrol/")
    client.post(f"/learn/lessons/{lessons_of(page)[0].pk}/complete/")

    victim.refresh_from_db()
    assert victim.user_id is None
    own = Person.objects.get(user=attacker)
    assert own.pk != victim.pk
    assert client.get("/hr/").status_code in (403, 404)
    assert client.get(f"/hr/people/{victim.pk}/").status_code in (403, 404)
    export = client.post("/accounts/my-data.json").content.decode()
    assert "สมศรีเหยื่อ" not in export
    assert "V0001" not in export


def test_unverified_address_cannot_be_made_primary(client):
    user = UserFactory(email="owner@example.go.th")
    client.force_login(user)
    client.post("/accounts/email/", {"email": "other@example.go.th", "action_add": ""})
    response = client.post(
        "/accounts/email/",
        {"email": "other@example.go.th", "action_primary": ""},
        follow=True,
        headers={"accept-language": "th"},
    )
    user.refresh_from_db()
    assert user.email == "owner@example.go.th"
    assert not EmailAddress.objects.filter(user=user, primary=True).exists()
    assert "ต้องได้รับการยืนยัน" in response.content.decode()


def test_verified_address_can_be_made_primary(client):
    user = UserFactory(email="owner@example.go.th")
    _verified(user, "owner@example.go.th", primary=True)
    _verified(user, "new@example.go.th")
    client.force_login(user)
    client.post(
        "/accounts/email/", {"email": "new@example.go.th", "action_primary": ""}
    )
    user.refresh_from_db()
    assert user.email == "new@example.go.th"


def test_unverified_primary_address_never_links(victim):
    """An account whose primary address was typed in (never verified) is not linked,
    and the record made for it does not carry that address."""
    user = UserFactory(email=VICTIM_EMAIL.upper())
    person = person_ensure_for_user(user=user)
    victim.refresh_from_db()
    assert victim.user_id is None
    assert person.pk != victim.pk
    assert person.email == ""


def test_verified_address_links_the_one_unlinked_record_audited(victim):
    user = UserFactory(email="somsri@example.go.th")
    _verified(user, VICTIM_EMAIL.upper())
    assert person_ensure_for_user(user=user) == victim
    entry = AuditEntry.objects.get(action="person.link", object_id=str(victim.pk))
    assert entry.subject_person_id == victim.pk
    assert entry.detail == {"user": user.pk, "method": "verified_email"}


def test_verified_address_of_two_records_links_neither(victim):
    twin = PersonFactory(email=VICTIM_EMAIL)
    user = UserFactory(email="somsri@example.go.th")
    _verified(user, VICTIM_EMAIL)
    person = person_ensure_for_user(user=user)
    assert person.pk not in (victim.pk, twin.pk)
    victim.refresh_from_db()
    twin.refresh_from_db()
    assert victim.user_id is None and twin.user_id is None


def test_changed_primary_address_never_relinks(victim, client):
    user = UserFactory(email="first@example.go.th")
    first = PersonFactory(email="first@example.go.th", user=user)
    _verified(user, "first@example.go.th", primary=True)
    _verified(user, VICTIM_EMAIL)
    client.force_login(user)
    client.post("/accounts/email/", {"email": VICTIM_EMAIL, "action_primary": ""})
    user.refresh_from_db()
    assert user.email == VICTIM_EMAIL
    assert person_ensure_for_user(user=user) == first
    victim.refresh_from_db()
    assert victim.user_id is None


def test_officer_of_the_unit_links_an_account_audited(victim):
    officer = hr_officer(victim.placements.get().unit)
    user = UserFactory(email="somsri@example.go.th")
    person_link_user(person=victim, user=user, actor=officer)
    victim.refresh_from_db()
    assert victim.user == user
    entry = AuditEntry.objects.get(action="person.link", object_id=str(victim.pk))
    assert entry.actor == officer
    assert entry.detail["method"] == "officer"


@pytest.mark.parametrize("actor_roles", [[Role.LEARNER], [Role.INSTRUCTOR]])
def test_others_cannot_link_an_account(victim, actor_roles):
    actor = UserFactory(roles=actor_roles)
    with pytest.raises(ValidationError):
        person_link_user(person=victim, user=actor, actor=actor)
    victim.refresh_from_db()
    assert victim.user_id is None


def test_officer_of_another_unit_cannot_link(victim):
    officer = hr_officer(org_unit("OTHER", kind="ministry"))
    with pytest.raises(ValidationError):
        person_link_user(person=victim, user=UserFactory(), actor=officer)


def test_person_link_command_needs_an_entitled_actor(victim):
    admin = UserFactory(roles=[Role.ACADEMY_ADMIN])
    user = UserFactory(email="somsri@example.go.th")
    call_command(
        "person_link", user.email, "V0001", "--by", admin.email, stdout=StringIO()
    )
    victim.refresh_from_db()
    assert victim.user == user


def test_report_lists_links_made_from_unverified_addresses_and_changes_nothing(victim):
    legacy_user = UserFactory(email=VICTIM_EMAIL)
    Person.objects.filter(pk=victim.pk).update(user=legacy_user)  # as the old code did
    admin = UserFactory(roles=[Role.ACADEMY_ADMIN])
    proper = PersonFactory(email="proper@example.go.th")
    person_link_user(person=proper, user=UserFactory(), actor=admin)
    verified_user = UserFactory(email="checked@example.go.th")
    _verified(verified_user, "checked@example.go.th")
    PersonFactory(email="checked@example.go.th", user=verified_user)
    before = list(Person.objects.order_by("pk").values_list("pk", "user_id"))
    audit_before = AuditEntry.objects.count()

    out = StringIO()
    call_command("person_links_report", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].split("\t")[:2] == [str(victim.pk), "V0001"]
    assert lines[-1] == "1 link(s) made from an unverified address."
    assert list(Person.objects.order_by("pk").values_list("pk", "user_id")) == before
    assert AuditEntry.objects.count() == audit_before
