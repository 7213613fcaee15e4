"""How development records plug into the HR workspace (called from CoursesConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from competencies.hr.sections import register_hr_nav


def register() -> None:
    register_hr_nav(_("Development records"), "development:hr_list", order=45)
