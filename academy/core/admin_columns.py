"""Listing columns for the Wagtail admin that show dates as the Academy writes them.

Wagtail's DateColumn shows "13 hours ago" (in Thai "13 ชั่วโมงที่แล้ว"), which hides the
date an administrator reads a certificate's issue or a placement's start for. This
column shows the date itself: in Thai with the Buddhist Era, in English in C.E., and a
moment in Bangkok time with its hour and minute.
"""

from wagtail.admin.ui.tables import Column

from academy.core.thaidate import format_local


class DateColumn(Column):
    """A date or moment column, written out in the Buddhist Era in Thai."""

    def get_value(self, instance):
        value = super().get_value(instance)
        return format_local(value) if value not in (None, "") else ""
