from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from academy.core.metrics import scrape_collector_add
        from certificates import checks, receivers  # noqa: F401  (registers)
        from certificates.metrics import CertificatesCollector

        scrape_collector_add(CertificatesCollector())
