"""Link an account to a person record on an administrator's or HR officer's word."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from competencies.models import Person
from competencies.services import person_link_user


class Command(BaseCommand):
    help = (
        "Link the account ACCOUNT_EMAIL to the unlinked person record with employee "
        "number EMPLOYEE_NUMBER, on the word of --by (an academy administrator or the "
        "person's HR officer). The link is audited under that account."
    )

    def add_arguments(self, parser):
        parser.add_argument("account_email")
        parser.add_argument("employee_number")
        parser.add_argument("--by", required=True, dest="actor_email")

    def handle(self, *args, account_email, employee_number, actor_email, **options):
        users = get_user_model().objects
        user = users.filter(email__iexact=account_email).first()
        if user is None:
            raise CommandError(f"No account with the email {account_email}.")
        actor = users.filter(email__iexact=actor_email).first()
        if actor is None:
            raise CommandError(f"No account with the email {actor_email} (--by).")
        person = Person.objects.filter(employee_number=employee_number).first()
        if person is None:
            raise CommandError(f"No person with the employee number {employee_number}.")
        try:
            person_link_user(person=person, user=user, actor=actor)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"{user.email} is linked to {person.employee_number}.")
