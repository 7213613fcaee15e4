"""List accounts linked to a person record through an address they never verified."""

from django.core.management.base import BaseCommand

from allauth.account.models import EmailAddress

from academy.accounts.audit import AuditAction
from academy.accounts.models import AuditEntry
from competencies.models import Person


def unverified_links() -> list[Person]:
    """Person records linked, without an audited link, to an account that has not
    verified the record's address: before links required a verified address, any
    account whose primary address matched an unlinked record was linked to it.
    """
    audited = {
        (int(entry["object_id"]), entry["detail"].get("user"))
        for entry in AuditEntry.objects.filter(
            action=AuditAction.PERSON_LINK, object_type="competencies.person"
        ).values("object_id", "detail")
    }
    verified = {
        (user_id, email.lower())
        for user_id, email in EmailAddress.objects.filter(
            verified=True, user__person__isnull=False
        ).values_list("user_id", "email")
    }
    return [
        person
        for person in Person.objects.filter(user__isnull=False)
        .exclude(email="")
        .select_related("user")
        .order_by("pk")
        if (person.pk, person.user_id) not in audited
        and (person.user_id, person.email.lower()) not in verified
    ]


class Command(BaseCommand):
    help = (
        "List person records linked to an account that never verified the record's "
        "email address and whose link was not made by an officer (audited). Changes "
        "nothing: review each and relink through `person_link` if it is right."
    )

    def handle(self, *args, **options):
        found = unverified_links()
        for person in found:
            self.stdout.write(
                "\t".join(
                    [
                        str(person.pk),
                        person.employee_number or "-",
                        person.full_name,
                        person.email,
                        person.user.email,
                    ]
                )
            )
        self.stdout.write(
            f"{len(found)} link(s) made from an unverified address."
            if found
            else "No link made from an unverified address."
        )
