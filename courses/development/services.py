"""Writes around development plans' supervisors: HR invites a supervisor.

A supervisor is a person on record (a Person with a current placement) whom HR gives
an account so that they can agree their staff's plans in the Academy. The account is
provisioned as every account is (academy.accounts.services.user_provision: sign-up is
closed), linked to the person on the officer's word (person_link_user, audited), and
the invitation carries allauth's set-password link, which works once.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str

from academy.accounts.audit import audit_record
from academy.accounts.authz import can
from academy.accounts.roles import Role
from academy.accounts.services import user_provision
from academy.core.public import public_url
from academy.core.services import email_queue
from competencies.hr.selectors import HRAccess, placements_in_scope
from competencies.models import Person, Placement
from competencies.services import person_link_user

AUDIT_SUPERVISOR_INVITE = "supervisor.invite"


@dataclass(frozen=True)
class SupervisorInvite:
    user: object
    created: bool
    linked_staff: int


def _set_password_url(user) -> str:
    key = f"{user_pk_to_url_str(user)}-{default_token_generator.make_token(user)}"
    return get_adapter().get_reset_password_from_key_url(key)


def _invitation_send(*, user, supervisor: Person, officer, new_account: bool) -> None:
    with translation.override("th"):
        context = {
            "name": supervisor.full_name,
            "officer": officer.email,
            "academy_name": settings.ACADEMY_NAME_TH,
            "public_base_url": public_url("/").rstrip("/"),
            "set_password_url": _set_password_url(user) if new_account else "",
            "plans_url": public_url(reverse("hr:supervisor_plans")),
            "sign_in_url": public_url(reverse("account_login")),
        }
        subject = render_to_string(
            "courses/development/email/supervisor_invite_subject.txt", context
        )
        body = render_to_string(
            "courses/development/email/supervisor_invite_message.txt", context
        )
    message = EmailMultiAlternatives(
        f"[{settings.ACADEMY_NAME_TH}] {' '.join(subject.split())}",
        body.strip(),
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )
    transaction.on_commit(lambda: email_queue(message=message))


@transaction.atomic
def supervisor_invite(
    *,
    access: HRAccess,
    supervisor: Person,
    staff_numbers: list[str],
    request=None,
) -> SupervisorInvite:
    """Give `supervisor` an account (or use the one linked), make them the supervisor
    of the current placements of `staff_numbers` (employee numbers, all in the
    officer's scope), and mail the invitation.

    Refuses, naming the problem, a person outside the scope, one without an email
    address, an address already used by an account linked to someone else, unknown
    employee numbers, and a person supervising themselves.
    """
    actor = access.user
    if not can(actor, "plans.invite_supervisor", supervisor):
        if supervisor.user_id == actor.pk:
            raise ValidationError(_("You cannot invite yourself."))
        raise ValidationError(_("You may not invite this person."))
    placements = list(
        placements_in_scope(access)
        .filter(person__employee_number__in=staff_numbers)
        .select_related("person")
    )
    found = {placement.person.employee_number for placement in placements}
    unknown = [number for number in staff_numbers if number not in found]
    if unknown:
        raise ValidationError(
            {
                "staff": _("Not among the staff of your organisation: %(numbers)s")
                % {"numbers": ", ".join(unknown[:20])}
            }
        )
    if any(placement.person_id == supervisor.pk for placement in placements):
        raise ValidationError({"staff": _("A person cannot supervise themselves.")})

    user = supervisor.user
    created = False
    if user is None:
        if not supervisor.email:
            raise ValidationError(
                _(
                    "The person has no email address on record; add it (staff "
                    "import) before inviting them."
                )
            )
        existing = (
            get_user_model().objects.filter(email__iexact=supervisor.email).first()
        )
        if existing is not None and Person.objects.filter(user=existing).exists():
            raise ValidationError(
                _(
                    "The address %(email)s belongs to an account linked to another "
                    "person record."
                )
                % {"email": supervisor.email}
            )
        created = existing is None
        user = existing or user_provision(
            email=supervisor.email,
            first_name=supervisor.first_name_th,
            last_name=supervisor.last_name_th,
            roles=(Role.LEARNER,),
        )
        person_link_user(person=supervisor, user=user, actor=actor, request=request)
    for placement in placements:
        placement.supervisor = supervisor
    Placement.objects.bulk_update(placements, ["supervisor"])
    _invitation_send(
        user=user,
        supervisor=supervisor,
        officer=actor,
        new_account=not user.has_usable_password(),
    )
    audit_record(
        actor=actor,
        action=AUDIT_SUPERVISOR_INVITE,
        obj=supervisor,
        subject=supervisor,
        request=request,
        detail={"user": user.pk, "created": created, "staff": len(placements)},
    )
    return SupervisorInvite(user=user, created=created, linked_staff=len(placements))
