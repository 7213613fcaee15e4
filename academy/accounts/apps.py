from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "academy.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from . import signals  # noqa: F401
        from .oidc import privacy as oidc_privacy  # noqa: F401
        from .oidc import signals as oidc_signals  # noqa: F401

        # Each app's authorisation rules, personal-data declarations and (competencies)
        # the people directory identity providers link against.
        autodiscover_modules("authz", "privacy", "identity")
