from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import translation

import pytest

from academy.core.thaidate import (
    fiscal_year,
    fiscal_year_bounds,
    format_english_date,
    format_thai_date,
)


def test_thai_date_uses_buddhist_era_and_full_month_name():
    assert format_thai_date(date(2026, 11, 22)) == "22 พฤศจิกายน 2569"


def test_thai_date_short_form_uses_abbreviated_month():
    assert format_thai_date(date(2027, 1, 5), short=True) == "5 ม.ค. 2570"


def test_english_date_keeps_common_era():
    assert format_english_date(date(2026, 11, 22)) == "22 November 2026"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 9, 30), 2026),
        (date(2026, 10, 1), 2027),
        (date(2027, 1, 1), 2027),
    ],
)
def test_fiscal_year_runs_october_to_september(day, expected):
    assert fiscal_year(day) == expected


def test_fiscal_year_bounds():
    assert fiscal_year_bounds(2027) == (date(2026, 10, 1), date(2027, 9, 30))


def test_template_filter_follows_active_language():
    template = Template("{% load academy_tags %}{{ day|thai_date }}")
    context = Context({"day": date(2026, 11, 22)})
    with translation.override("th"):
        assert template.render(context) == "22 พฤศจิกายน 2569"
    with translation.override("en"):
        assert template.render(context) == "22 November 2026"


def test_template_filter_converts_aware_datetimes_to_bangkok_day():
    template = Template("{% load academy_tags %}{{ moment|thai_date }}")
    # 20:00 UTC on the 21st is already the 22nd in Bangkok (UTC+7).
    moment = datetime(2026, 11, 21, 20, 0, tzinfo=ZoneInfo("UTC"))
    with translation.override("th"):
        assert template.render(Context({"moment": moment})) == "22 พฤศจิกายน 2569"


def test_template_filter_leaves_empty_values_blank():
    template = Template("{% load academy_tags %}[{{ missing|thai_date }}]")
    assert template.render(Context({"missing": None})) == "[]"


def test_format_local_writes_a_moment_in_bangkok_time():
    from datetime import UTC, datetime

    from django.utils import translation

    from academy.core.thaidate import format_local

    moment = datetime(2025, 6, 30, 20, 30, tzinfo=UTC)  # 1 July, 03:30 in Bangkok
    with translation.override("th"):
        assert format_local(moment) == "1 กรกฎาคม 2568 03:30"
        assert format_local(moment.date()) == "30 มิถุนายน 2568"
        assert format_local(None) == ""
    assert format_local(moment, "en") == "1 July 2025 03:30"
