"""The site's home page, the root of the Wagtail page tree."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from .routing import CachedRoutingMixin, CachedViewRestrictionsMixin


class HomePage(CachedRoutingMixin, CachedViewRestrictionsMixin, Page):
    """The root of the site: it routes the paths below it from a process-level cache
    (academy.core.routing)."""

    intro_th = models.CharField(_("introduction (Thai)"), max_length=300, blank=True)
    intro_en = models.CharField(_("introduction (English)"), max_length=300, blank=True)
    body = RichTextField(
        _("body"), blank=True, features=["bold", "italic", "link", "ul", "ol"]
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro_th"),
        FieldPanel("intro_en"),
        FieldPanel("body"),
    ]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    academy_page_cache = True  # anonymous visitors read it from the page cache

    class Meta:
        verbose_name = _("home page")
