from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        from .assignments import hooks

        hooks.register()

        from . import hr

        hr.register()

        from competencies.hr.sections import register_hr_nav

        register_hr_nav(_("Assessment results"), "courses:hr_assessments", order=50)
