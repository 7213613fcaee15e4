"""Audit entries for events that happen outside the Academy's own services.

Role changes can be made anywhere groups are edited (the Wagtail admin's user editor,
a shell, a data migration), so they are caught at the m2m relation itself. MFA
enrolment and removal come from allauth's signals; enrolling also marks the session
as MFA-authenticated, since the person has just entered a code from the new device.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from allauth.mfa.signals import authenticator_added, authenticator_removed

from .audit import AuditAction, audit_record, current_actor, current_request
from .mfa import mfa_forget_session, mfa_record_session

User = get_user_model()


def _audit_roles(*, user_ids, group_names, action: str) -> None:
    request = current_request()
    actor = current_actor(request)
    for user_id in user_ids:
        for name in group_names:
            audit_record(
                actor=actor,
                action=action,
                obj=User(pk=user_id),
                request=request,
                detail={"role": name},
            )


@receiver(m2m_changed, sender=User.groups.through)
def audit_role_change(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    audit_action = (
        AuditAction.ROLE_GRANT if action == "post_add" else AuditAction.ROLE_REVOKE
    )
    if action == "pre_clear":
        # The cleared rows are gone after the fact: read them first.
        if reverse:
            user_ids = list(instance.user_set.values_list("pk", flat=True))
            names = [instance.name]
        else:
            user_ids = [instance.pk]
            names = list(instance.groups.values_list("name", flat=True))
    elif reverse:  # group.user_set.add(...)
        user_ids, names = sorted(pk_set or ()), [instance.name]
    else:  # user.groups.add(...)
        user_ids = [instance.pk]
        names = list(
            Group.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True)
        )
    if user_ids and names:
        _audit_roles(user_ids=user_ids, group_names=sorted(names), action=audit_action)
    if not reverse and hasattr(instance, "_academy_roles"):
        del instance._academy_roles


@receiver(authenticator_added)
def audit_and_mark_mfa_enrolment(sender, request, user, authenticator, **kwargs):
    audit_record(
        actor=user,
        action=AuditAction.MFA_ENROL,
        obj=user,
        request=request,
        detail={"type": authenticator.type},
    )
    if request is not None and authenticator.type != "recovery_codes":
        mfa_record_session(request, authenticator)


@receiver(authenticator_removed)
def audit_and_unmark_mfa_removal(sender, request, user, authenticator, **kwargs):
    audit_record(
        actor=getattr(request, "user", None),
        action=AuditAction.MFA_REMOVE,
        obj=authenticator.user,
        request=request,
        detail={"type": authenticator.type},
    )
    if request is not None and request.user == authenticator.user:
        mfa_forget_session(request)
