from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        from . import rescale  # noqa: F401 - rescale connects its receiver

        # Celery's autodiscovery looks for courses.tasks only: register these modules'.
        from .assessments import tasks  # noqa: F401
        from .assignments import tasks as assignment_tasks  # noqa: F401
        from .scorm import checks as scorm_checks  # noqa: F401 - registers the check
        from .search import handlers
        from .search import tasks as search_tasks  # noqa: F401

        handlers.register()
        _page_cache_versioned()
        from . import dashboard_cache

        dashboard_cache.connect_signals()


def _page_cache_versioned() -> None:
    """What the public pages show beyond the pages themselves (Wagtail's page signals
    are connected in academy.core): a change orphans the anonymous page cache."""
    from academy.core.pagecache import models_bumping
    from competencies.models import (
        Competency,
        Framework,
        GroupRule,
        PersonnelGroup,
        ProficiencyLevel,
        Requirement,
    )

    from .models import Assessment, CourseCompetency, SearchSynonym

    models_bumping(
        CourseCompetency,
        Assessment,
        SearchSynonym,
        Framework,
        Competency,
        ProficiencyLevel,
        PersonnelGroup,
        GroupRule,
        Requirement,
        uid="courses",
    )
