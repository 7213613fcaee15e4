"""Writes for accounts: provisioning users and granting roles."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .roles import Role

User = get_user_model()


@transaction.atomic
def user_provision(
    *,
    email: str,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    roles: tuple[Role, ...] = (Role.LEARNER,),
):
    """Create or update a civil servant's account (sign-up is closed; accounts are provisioned)."""
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email)
    user.first_name = first_name or user.first_name
    user.last_name = last_name or user.last_name
    if password is not None:
        user.set_password(password)
    elif user.pk is None:
        user.set_unusable_password()
    if Role.ACADEMY_ADMIN in roles or Role.INSTRUCTOR in roles:
        user.is_staff = True
    user.full_clean(exclude=["password"])
    user.save()
    user_grant_roles(user=user, roles=roles)
    return user


def user_grant_roles(*, user, roles: tuple[Role, ...]) -> None:
    groups = [Group.objects.get_or_create(name=role.value)[0] for role in roles]
    user.groups.add(*groups)
    if hasattr(user, "_academy_roles"):
        del user._academy_roles
