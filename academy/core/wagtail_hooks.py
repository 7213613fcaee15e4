"""Project-wide Wagtail admin integration: the admin's Thai web font."""

from django.templatetags.static import static
from django.utils.html import format_html

from wagtail import hooks


@hooks.register("insert_global_admin_css")
def thai_admin_font():
    return format_html(
        '<link rel="stylesheet" href="{}">', static("academy/css/admin.css")
    )
