from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class XapiConfig(AppConfig):
    name = "competencies.xapi"
    label = "xapi"
    verbose_name = _("Learning records (xAPI)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from academy.core.metrics import scrape_collector_add

        from . import checks  # noqa: F401
        from .metrics import OutboxCollector

        scrape_collector_add(OutboxCollector())

        # Each app's statement builders and backfill sources (competencies,
        # courses, certificates: `<app>/xapi_events.py`).
        autodiscover_modules("xapi_events")
