"""The four roles of the Academy, held as Django groups so Wagtail's permissions apply."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEARNER = "learner", _("Learner")
    INSTRUCTOR = "instructor", _("Instructor")
    HR_OFFICER = "hr_officer", _("HR officer")
    ACADEMY_ADMIN = "academy_admin", _("Academy administrator")


def user_has_role(user, role: Role) -> bool:
    """True if the user holds the role; superusers hold every role."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cache = getattr(user, "_academy_roles", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._academy_roles = cache
    return role.value in cache
