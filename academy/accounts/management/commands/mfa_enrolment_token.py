"""Issue a single-use token that lets a staff account add its first authenticator."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from academy.accounts.authz import can
from academy.accounts.enrolment import TOKEN_LIFETIME, enrolment_token_issue


class Command(BaseCommand):
    help = (
        "Print a single-use enrolment token for EMAIL (valid --hours, 72 by default), "
        "issued on the word of the administrator --by. Hand it over by a channel you "
        "trust (in person, by phone): with it and their password the person adds "
        "their first authenticator at /accounts/2fa/enrol/. Only a digest is stored; "
        "issuing is audited."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--by", required=True, dest="admin_email")
        parser.add_argument(
            "--hours", type=int, default=int(TOKEN_LIFETIME.total_seconds() // 3600)
        )

    def handle(self, *args, email: str, admin_email: str, hours: int, **options):
        users = get_user_model().objects
        user = users.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account with the email {email}.")
        admin = users.filter(email__iexact=admin_email).first()
        if admin is None or not can(admin, "accounts.issue_mfa_enrolment_token"):
            raise CommandError(f"{admin_email} is not an academy administrator (--by).")
        if not 1 <= hours <= 24 * 14:
            raise CommandError("--hours must be between 1 and 336.")
        token = enrolment_token_issue(
            user=user, issued_by=admin, lifetime=timedelta(hours=hours)
        )
        self.stdout.write(token)
