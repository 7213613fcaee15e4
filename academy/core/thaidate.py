"""Thai dates in the Buddhist Era (B.E. = C.E. + 543), the one formatter every page uses."""

from datetime import date, datetime

from django.utils import timezone, translation

BUDDHIST_ERA_OFFSET = 543

THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_MONTHS_SHORT = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def buddhist_year(year: int) -> int:
    return year + BUDDHIST_ERA_OFFSET


def format_thai_date(value: date | datetime, *, short: bool = False) -> str:
    """22 พฤศจิกายน 2569 (or 22 พ.ย. 2569 when short)."""
    months = THAI_MONTHS_SHORT if short else THAI_MONTHS
    return f"{value.day} {months[value.month - 1]} {buddhist_year(value.year)}"


def format_english_date(value: date | datetime, *, short: bool = False) -> str:
    month = ENGLISH_MONTHS[value.month - 1]
    return f"{value.day} {month[:3] if short else month} {value.year}"


def format_date(value: date | datetime, language: str, *, short: bool = False) -> str:
    """Format a date for a language: Thai in the Buddhist Era, anything else in C.E."""
    if language.startswith("th"):
        return format_thai_date(value, short=short)
    return format_english_date(value, short=short)


def format_local(value: date | datetime | None, language: str | None = None) -> str:
    """A date, or a moment in Bangkok time with its hour and minute, in a language
    (the active one by default): 1 กรกฎาคม 2568 03:30 in Thai, 1 July 2025 03:30."""
    if value is None:
        return ""
    language = language or translation.get_language() or "th"
    if isinstance(value, datetime):
        moment = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{format_date(moment.date(), language)} {moment:%H:%M}"
    return format_date(value, language)


def fiscal_year(value: date) -> int:
    """The Thai government fiscal year (October to September), in C.E.

    Fiscal year 2027 runs from 1 October 2026 to 30 September 2027 (B.E. 2570).
    """
    return value.year + 1 if value.month >= 10 else value.year


def fiscal_year_bounds(year: int) -> tuple[date, date]:
    """First and last day of a fiscal year given in C.E."""
    return date(year - 1, 10, 1), date(year, 9, 30)


def fiscal_quarters(year: int) -> list[tuple[int, date, date]]:
    """The four quarters of a fiscal year given in C.E., as (number, first, last day):
    quarter 1 is October to December of the year before, quarter 4 July to September."""
    from calendar import monthrange

    quarters = []
    for number, first_month in enumerate((10, 1, 4, 7), start=1):
        calendar_year = year - 1 if first_month == 10 else year
        last_month = first_month + 2
        quarters.append(
            (
                number,
                date(calendar_year, first_month, 1),
                date(
                    calendar_year,
                    last_month,
                    monthrange(calendar_year, last_month)[1],
                ),
            )
        )
    return quarters


def add_months(value: datetime, months: int) -> datetime:
    """The same day `months` later, or the month's last day (31 Jan + 1 = 28/29 Feb):
    how a certificate's validity in months becomes a date."""
    from calendar import monthrange

    month_index = value.month - 1 + months
    year, month = value.year + month_index // 12, month_index % 12 + 1
    return value.replace(
        year=year, month=month, day=min(value.day, monthrange(year, month)[1])
    )
