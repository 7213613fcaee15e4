from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HRConfig(AppConfig):
    """The HR officer's workspace at /hr/: views, one URLconf, templates, exports and
    charts composed from the domain apps below it. It has no models of its own."""

    name = "hr"
    verbose_name = _("HR workspace")

    def ready(self) -> None:
        from . import sections

        sections.register_workspace()
        # Celery's autodiscovery looks for hr.tasks only: register the staff import's.
        from .staff_import import tasks  # noqa: F401
