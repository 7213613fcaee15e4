"""Training records for the electronic personnel register (ทะเบียนประวัติอิเล็กทรอนิกส์,
the ก.พ.7 training section): one row per course completed in a fiscal year.

The layout is documented in docs/register-export.md. The official DPIS/SEIS import
layout is not public, so the columns are the Academy's own, named for what a register
keeps (who, which course, from and to, hours, certificate number): to confirm with
the OCSC or the department's DPIS before an automated import. Rows come from one
query, streamed; HR officers see the people currently placed in their subtree.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Concat, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy.core.thaidate import buddhist_year, fiscal_year_bounds
from competencies.hr.selectors import HRAccess, placements_in_scope
from competencies.models import OrgUnit
from courses.models import CourseCompletion, CoursePage

from .models import Certificate

#: (machine name, the label people read): the file's columns, in order.
COLUMNS = (
    ("fiscal_year_be", _("Fiscal year (B.E.)")),
    ("employee_number", _("Employee number")),
    ("national_id_masked", _("National ID (masked)")),
    ("title_th", _("Title (Thai)")),
    ("first_name_th", _("First name (Thai)")),
    ("last_name_th", _("Last name (Thai)")),
    ("position_number", _("Position number")),
    ("unit_code", _("Unit code")),
    ("unit_name_th", _("Unit (Thai)")),
    ("course_code", _("Course code")),
    ("course_title_th", _("Course (Thai)")),
    ("organiser_th", _("Organised by")),
    ("delivery_mode", _("Mode of study")),
    ("started_on", _("From")),
    ("ended_on", _("To")),
    ("hours", _("Hours")),
    ("certificate_number", _("Certificate number")),
)


def be_date(value: date | None) -> str:
    """dd/mm/yyyy in the Buddhist Era, as Thai personnel registers write dates."""
    if value is None:
        return ""
    return f"{value.day:02d}/{value.month:02d}/{buddhist_year(value.year)}"


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _placement(access: HRAccess, node: OrgUnit):
    return placements_in_scope(access).filter(
        unit__path__startswith=node.path, person__user_id=OuterRef("user_id")
    )


def register_completions(access: HRAccess, *, node: OrgUnit, starts: date, ends: date):
    """The completions from `starts` to `ends` of the people placed under `node` now."""
    placement = _placement(access, node).order_by("-starts_on", "-pk")
    return (
        CourseCompletion.objects.filter(
            completed_at__gte=_moment(starts),
            completed_at__lt=_moment(ends + timedelta(days=1)),
        )
        .filter(Exists(_placement(access, node)))
        .annotate(
            position_number=Subquery(placement.values("position_number")[:1]),
            unit_code=Subquery(placement.values("unit__code")[:1]),
            unit_name=Subquery(placement.values("unit__name_th")[:1]),
            certificate_number=Subquery(
                Certificate.objects.filter(
                    completion_id=OuterRef("pk"), status=Certificate.Status.VALID
                ).values("number")[:1]
            ),
            started=Coalesce(
                Subquery(
                    Certificate.objects.filter(completion_id=OuterRef("pk")).values(
                        "training_started_on"
                    )[:1]
                ),
                TruncDate("enrolment__enrolled_at"),
            ),
            ended=TruncDate("completed_at"),
        )
    )


def register_rows(access: HRAccess, *, node: OrgUnit, year: int):
    """The register file's rows for fiscal year `year` (C.E.), as COLUMNS orders them:
    dates as B.E. text, hours as numbers; by person, then date."""
    starts, ends = fiscal_year_bounds(year)
    modes = dict(CoursePage.DeliveryMode.choices)
    organiser = settings.ACADEMY_NAME_TH
    rows = (
        register_completions(access, node=node, starts=starts, ends=ends)
        .order_by("user__person__employee_number", "user_id", "completed_at", "pk")
        .values_list(
            "user__person__employee_number",
            "user__person__national_id_masked",
            "user__person__title_th",
            "user__person__first_name_th",
            "user__person__last_name_th",
            "position_number",
            "unit_code",
            "unit_name",
            "course__code",
            "course__title",
            "course__delivery_mode",
            "started",
            "ended",
            "learning_hours",
            "certificate_number",
        )
    )
    be = buddhist_year(year)
    for row in rows.iterator(chunk_size=2000):
        (*person, course_code, title, mode, started, ended, hours, number) = row
        yield (
            be,
            *person,
            course_code or "",
            title,
            organiser,
            str(modes.get(mode, mode or "")),
            be_date(started),
            be_date(ended),
            hours,
            number or "",
        )


def register_person_totals(access: HRAccess, *, node: OrgUnit, year: int):
    """Per person: courses completed and hours in the fiscal year (one GROUP BY)."""
    starts, ends = fiscal_year_bounds(year)
    return (
        register_completions(access, node=node, starts=starts, ends=ends)
        .order_by()
        .values("user_id")
        .annotate(
            employee_number=F("user__person__employee_number"),
            name=Concat(
                F("user__person__title_th"),
                F("user__person__first_name_th"),
                Value(" "),
                F("user__person__last_name_th"),
                output_field=CharField(),
            ),
            courses=Count("pk"),
            hours=Sum("learning_hours"),
        )
        .order_by("employee_number", "user_id")
        .values_list("employee_number", "name", "courses", "hours")
    )
