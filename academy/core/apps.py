from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "academy.core"
    label = "core"
    verbose_name = _("Academy core")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from academy.core.navigation import remember_roles

        user_logged_in.connect(remember_roles, dispatch_uid="academy-nav-roles")
