"""Make an account the HR officer of an organisation node (and its subtree)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from academy.accounts.roles import Role
from academy.accounts.services import user_grant_roles
from competencies.hr.services import hr_scope_assign
from competencies.models import HRScope, OrgUnit


class Command(BaseCommand):
    help = (
        "Grant the HR officer role to EMAIL and add the unit with code UNIT_CODE to "
        "their scope (they then see exactly its subtree at /hr/). --remove takes the "
        "unit out of their scope again."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("unit_code")
        parser.add_argument("--remove", action="store_true")

    def handle(self, *args, email: str, unit_code: str, remove: bool, **options):
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account with the email {email}.")
        unit = OrgUnit.objects.filter(code=unit_code).first()
        if unit is None:
            raise CommandError(f"No organisation unit with the code {unit_code}.")
        if remove:
            deleted, _ = HRScope.objects.filter(user=user, unit=unit).delete()
            self.stdout.write(f"Removed {deleted} scope(s).")
            return
        user_grant_roles(user=user, roles=(Role.HR_OFFICER,))
        hr_scope_assign(user=user, unit=unit)
        self.stdout.write(f"{user.email} is HR officer of {unit.code} {unit.name_th}.")
