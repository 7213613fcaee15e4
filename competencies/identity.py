"""The people directory that sign-in through an identity provider links against.

See academy/accounts/oidc/directory.py: accounts may not import competencies, so
this module registers itself there when Django starts. Only people HR placed (a
current placement, not left the service) are offered: a record an account made for
itself (person_ensure_for_user) never receives an identity.
"""

from django.db import transaction

from academy.accounts.oidc.directory import PlacedPerson, register_directory
from competencies.models import Person, Placement
from competencies.national_id import national_id_digest, national_id_is_valid, pii_key
from competencies.services import _person_link_audit


def _placed(queryset) -> list[PlacedPerson]:
    placed = Placement.objects.active().values("person_id")
    return [
        PlacedPerson(
            person_id=row["pk"],
            user_id=row["user_id"],
            email=row["email"],
            first_name=row["first_name_th"],
            last_name=row["last_name_th"],
        )
        for row in queryset.filter(pk__in=placed).values(
            "pk", "user_id", "email", "first_name_th", "last_name_th"
        )[:2]
    ]


class CompetenciesPeopleDirectory:
    def national_id_digest(self, value: str) -> str | None:
        if not isinstance(value, str) or not national_id_is_valid(value):
            return None
        return national_id_digest(value, key=pii_key())

    def placed_by_national_id(self, value: str) -> list[PlacedPerson]:
        digest = self.national_id_digest(value)
        if digest is None:
            return []
        return _placed(Person.objects.filter(national_id_digest=digest))

    def placed_by_email(self, email: str) -> list[PlacedPerson]:
        if not email or "@" not in email:
            return []
        return _placed(Person.objects.filter(email__iexact=email.strip()))

    def person_of_user(self, user) -> int | None:
        return Person.objects.filter(user=user).values_list("pk", flat=True).first()

    @transaction.atomic
    def link(self, *, person_id: int, user, method: str, request) -> None:
        person = Person.objects.select_for_update().get(pk=person_id)
        if person.user_id not in (None, user.pk):
            raise ValueError("the person record is linked to another account")
        if person.user_id is None:
            person.user = user
            person.save(update_fields=["user", "updated_at"])
        _person_link_audit(
            person=person, user=user, actor=None, method=method, request=request
        )


register_directory(CompetenciesPeopleDirectory())
