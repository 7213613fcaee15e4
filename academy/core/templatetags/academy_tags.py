"""Template filters shared by every app: dates in the Buddhist Era when shown in Thai."""

from datetime import date, datetime

from django import template
from django.utils import timezone, translation

from academy.core.thaidate import buddhist_year, fiscal_year, format_date

register = template.Library()


def _as_local_date(value):
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


@register.filter(name="thai_date")
def thai_date(value, style: str = "long"):
    """Render a date in the active language; Thai uses the Buddhist Era.

    {{ certificate.issued_on|thai_date }} -> 22 พฤศจิกายน 2569 (Thai) / 22 November 2026
    {{ value|thai_date:"short" }} -> 22 พ.ย. 2569
    """
    if value in (None, ""):
        return ""
    if not isinstance(value, date | datetime):
        return value
    language = translation.get_language() or "th"
    return format_date(_as_local_date(value), language, short=style == "short")


@register.filter(name="display_year")
def display_year(value):
    """A C.E. year shown in the active language's era."""
    if value in (None, ""):
        return ""
    language = translation.get_language() or "th"
    return buddhist_year(int(value)) if language.startswith("th") else int(value)


@register.filter(name="fiscal_year")
def fiscal_year_filter(value):
    if not isinstance(value, date | datetime):
        return ""
    return fiscal_year(_as_local_date(value))
