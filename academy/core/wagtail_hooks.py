"""Project-wide Wagtail integration: the admin's Thai web font, the operations page
(academy/core/ops.py), and the page types that anonymous visitors may read from the
page cache."""

from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from academy.accounts.authz import can

from . import pagecache
from .ops import operations


@hooks.register("insert_global_admin_css")
def thai_admin_font():
    return format_html(
        '<link rel="stylesheet" href="{}">', static("academy/css/admin.css")
    )


@hooks.register("register_admin_urls")
def operations_urls():
    return [path("operations/", operations, name="academy_operations")]


class _OperationsMenuItem(MenuItem):
    def is_shown(self, request):
        return can(request.user, "core.view_operations")


@hooks.register("register_settings_menu_item")
def operations_menu_item():
    return _OperationsMenuItem(
        _("Operations"), reverse("academy_operations"), icon_name="cogs", order=900
    )


hooks.register("before_serve_page", pagecache.before_serve_page)
