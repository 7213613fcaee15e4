"""Training records for the electronic personnel register (ทะเบียนประวัติอิเล็กทรอนิกส์,
the ก.พ.7 training section): one row per course completed in a fiscal year, and one
per approved record of development outside the Academy ending in it (marked so in the
record_source column; submitted and rejected records never appear).

The layout is documented in docs/register-export.md. The official DPIS/SEIS import
layout is not public, so the columns are the Academy's own, named for what a register
keeps (who, which course, from and to, hours, certificate number): to confirm with
the OCSC or the department's DPIS before an automated import. Rows come from one
query (a UNION ALL of the two kinds), streamed; HR officers see the people currently
placed in their subtree.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    F,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from academy.core.thaidate import buddhist_year, fiscal_year_bounds
from competencies.hr.selectors import HRAccess, placements_in_scope
from competencies.models import DevelopmentRecord, OrgUnit
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
    ("record_source", _("Source of the record")),
    ("development_kind", _("Kind of development")),
)

TENTH = Decimal("0.1")

#: record_source values, in the reader's language.
SOURCE_ACADEMY = _("Academy course")
SOURCE_OUTSIDE = _("Approved outside development")


def be_date(value: date | None) -> str:
    """dd/mm/yyyy in the Buddhist Era, as Thai personnel registers write dates."""
    if value is None:
        return ""
    return f"{value.day:02d}/{value.month:02d}/{buddhist_year(value.year)}"


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _current_placements(access: HRAccess, node: OrgUnit):
    """The pk of each person's latest current placement under `node` (by `starts_on`,
    then pk): one window over the placements in scope, not a lookup per row. A row
    joins its person's one placement through it; people without one have no rows."""
    return (
        placements_in_scope(access)
        .filter(unit__path__startswith=node.path)
        .annotate(
            latest=Window(
                RowNumber(),
                partition_by=F("person_id"),
                order_by=(F("starts_on").desc(), F("pk").desc()),
            )
        )
        .filter(latest=1)
        .values("pk")
    )


def _placed(access: HRAccess, node: OrgUnit, relation: str):
    """The filter keeping, through `relation` (the row's person's placements), the
    person's latest current placement under `node`, and the annotations reading it
    over the same join (annotations after a filter on a multi-valued relation reuse
    its join): one placement per row, no lookup per row."""
    current = {f"{relation}__pk__in": _current_placements(access, node)}
    placed = {
        "position_number": F(f"{relation}__position_number"),
        "unit_code": F(f"{relation}__unit__code"),
        "unit_name": F(f"{relation}__unit__name_th"),
    }
    return current, placed


def register_completions(access: HRAccess, *, node: OrgUnit, starts: date, ends: date):
    """The completions from `starts` to `ends` of the people placed under `node` now,
    with the placement and the certificate (one per completion) joined."""
    current, placed = _placed(access, node, "user__person__placements")
    return (
        CourseCompletion.objects.filter(
            completed_at__gte=_moment(starts),
            completed_at__lt=_moment(ends + timedelta(days=1)),
        )
        .filter(**current)
        .annotate(
            **placed,
            certificate_number=Case(
                When(
                    certificate__status=Certificate.Status.VALID,
                    then=F("certificate__number"),
                ),
                default=None,
            ),
            started=Coalesce(
                F("certificate__training_started_on"),
                TruncDate("enrolment__enrolled_at"),
            ),
            ended=TruncDate("completed_at"),
        )
    )


def register_outside(access: HRAccess, *, node: OrgUnit, starts: date, ends: date):
    """The approved development records outside the Academy ending from `starts` to
    `ends` (a record counts on its last day, as in the development hours) of the
    people placed under `node` now. Submitted and rejected records are left out."""
    current, placed = _placed(access, node, "person__placements")
    return (
        DevelopmentRecord.objects.filter(
            status=DevelopmentRecord.Status.APPROVED,
            ends_on__gte=starts,
            ends_on__lte=ends,
        )
        .filter(**current)
        .annotate(**placed)
    )


#: The union's columns, in order: the same names on both sides.
_UNION = (
    "r_number",
    "r_national_id",
    "r_title",
    "r_first",
    "r_last",
    "r_position",
    "r_unit_code",
    "r_unit_name",
    "r_code",
    "r_course",
    "r_organiser",
    "r_mode",
    "r_kind",
    "r_started",
    "r_ended",
    "r_hours",
    "r_certificate",
    "r_source",
    "r_person",
    "r_pk",
)
_TEXT = CharField()


def _union(access: HRAccess, *, node: OrgUnit, year: int):
    """Academy completions and approved outside records of the fiscal year as one
    UNION ALL of the _UNION columns (r_source: "academy" or "outside")."""
    starts, ends = fiscal_year_bounds(year)
    completions = register_completions(
        access, node=node, starts=starts, ends=ends
    ).annotate(
        r_number=F("user__person__employee_number"),
        r_national_id=F("user__person__national_id_masked"),
        r_title=F("user__person__title_th"),
        r_first=F("user__person__first_name_th"),
        r_last=F("user__person__last_name_th"),
        r_position=F("position_number"),
        r_unit_code=F("unit_code"),
        r_unit_name=F("unit_name"),
        r_code=Coalesce(F("course__code"), Value(""), output_field=_TEXT),
        r_course=F("course__title"),
        r_organiser=Value(settings.ACADEMY_NAME_TH, output_field=_TEXT),
        r_mode=Coalesce(F("course__delivery_mode"), Value(""), output_field=_TEXT),
        r_kind=Value("", output_field=_TEXT),
        r_started=F("started"),
        r_ended=F("ended"),
        r_hours=F("learning_hours"),
        r_certificate=Coalesce(F("certificate_number"), Value(""), output_field=_TEXT),
        r_source=Value("academy", output_field=_TEXT),
        r_person=F("user__person__id"),
        r_pk=F("pk"),
    )
    outside = register_outside(access, node=node, starts=starts, ends=ends).annotate(
        r_number=F("person__employee_number"),
        r_national_id=F("person__national_id_masked"),
        r_title=F("person__title_th"),
        r_first=F("person__first_name_th"),
        r_last=F("person__last_name_th"),
        r_position=F("position_number"),
        r_unit_code=F("unit_code"),
        r_unit_name=F("unit_name"),
        r_code=Value("", output_field=_TEXT),
        r_course=F("title"),
        r_organiser=F("provider"),
        r_mode=Value("", output_field=_TEXT),
        r_kind=F("kind"),
        r_started=F("starts_on"),
        r_ended=F("ends_on"),
        r_hours=F("hours"),
        r_certificate=Value("", output_field=_TEXT),
        r_source=Value("outside", output_field=_TEXT),
        r_person=F("person_id"),
        r_pk=F("pk"),
    )
    return (
        completions.order_by()
        .values_list(*_UNION)
        .union(outside.order_by().values_list(*_UNION), all=True)
    )


def register_rows(access: HRAccess, *, node: OrgUnit, year: int):
    """The register file's rows for fiscal year `year` (C.E.), as COLUMNS orders them:
    dates as B.E. text, hours as numbers; by person, then date, Academy courses
    before outside records of the same day. One query."""
    modes = dict(CoursePage.DeliveryMode.choices)
    kinds = dict(DevelopmentRecord.Kind.choices)
    sources = {"academy": str(SOURCE_ACADEMY), "outside": str(SOURCE_OUTSIDE)}
    rows = _union(access, node=node, year=year).order_by(
        "r_number", "r_person", "r_ended", "r_source", "r_pk"
    )
    be = buddhist_year(year)
    for row in rows.iterator(chunk_size=2000):
        (
            *person,
            course_code,
            title,
            organiser,
            mode,
            kind,
            started,
            ended,
            hours,
            number,
            source,
            _person_id,
            _pk,
        ) = row
        yield (
            be,
            *person,
            course_code,
            title,
            organiser,
            str(modes.get(mode, mode)),
            be_date(started),
            be_date(ended),
            hours,
            number,
            sources[source],
            str(kinds.get(kind, kind)),
        )


def register_person_totals(access: HRAccess, *, node: OrgUnit, year: int):
    """Per person: Academy courses completed, approved outside records and their
    hours together in the fiscal year (one GROUP BY over the file's rows)."""
    union, params = _union(access, node=node, year=year).query.sql_with_params()
    sql = f"""
        SELECT x.r_number,
               COALESCE(x.r_title, '') || COALESCE(x.r_first, '') || ' '
               || COALESCE(x.r_last, ''),
               SUM(CASE WHEN x.r_source = 'academy' THEN 1 ELSE 0 END),
               SUM(CASE WHEN x.r_source = 'outside' THEN 1 ELSE 0 END),
               SUM(x.r_hours)
        FROM ({union}) x
        GROUP BY x.r_person, x.r_number, x.r_title, x.r_first, x.r_last
        ORDER BY x.r_number, x.r_person
    """  # noqa: S608 - a compiled query and fixed names
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(2000):
            for number, name, courses, outside, hours in chunk:
                yield (
                    number,
                    name,
                    int(courses),
                    int(outside),
                    Decimal(str(hours or 0)).quantize(TENTH),
                )
