"""Reads of development hours and records, with the access scope applied here.

`development_hours` is the one definition of a person's development hours: the
learning hours of Academy courses completed in the period plus the hours of approved
external development records that end in it (a record counts on its last day, as a
course counts on its completion). Reports over many people annotate a Person
queryset with `development_hours_annotations` instead, so the sum stays in SQL.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from academy.core.thaidate import fiscal_quarters
from competencies.hr.selectors import HRAccess, placements_in_scope
from competencies.models import DevelopmentRecord, Person, Placement

from ..models import CourseCompletion

_HOURS = DecimalField(max_digits=9, decimal_places=1)
_ZERO = Value(Decimal("0"), output_field=_HOURS)


@dataclass(frozen=True)
class DevelopmentHours:
    course: Decimal
    external: Decimal

    @property
    def total(self) -> Decimal:
        return self.course + self.external


def _sum_of(queryset, field: str, *, per: str):
    """SUM(field) of a queryset correlated on `per`, as a scalar subquery; 0 when
    there are no rows."""
    total = (
        queryset.order_by().values(per).annotate(total=Sum(field)).values("total")[:1]
    )
    return Coalesce(Subquery(total, output_field=_HOURS), _ZERO)


def development_hours_annotations(start: date, end: date, *, person: str = "") -> dict:
    """`course_hours` and `external_hours` for each Person of a queryset, between
    `start` and `end` inclusive, as correlated subqueries (one query for any number
    of people). `person`: the path to the Person from another model's queryset
    ("person" for placements)."""
    user_ref = f"{person}__user_id" if person else "user_id"
    person_ref = f"{person}_id" if person else "pk"
    courses = CourseCompletion.objects.filter(
        user_id=OuterRef(user_ref),
        completed_at__date__gte=start,
        completed_at__date__lte=end,
    )
    external = DevelopmentRecord.objects.filter(
        person_id=OuterRef(person_ref),
        status=DevelopmentRecord.Status.APPROVED,
        ends_on__gte=start,
        ends_on__lte=end,
    )
    return {
        "course_hours": _sum_of(courses, "learning_hours", per="user_id"),
        "external_hours": _sum_of(external, "hours", per="person_id"),
    }


def development_hours(person: Person, start: date, end: date) -> DevelopmentHours:
    """A person's development hours between `start` and `end` inclusive: one query."""
    row = (
        Person.objects.filter(pk=person.pk)
        .annotate(**development_hours_annotations(start, end))
        .values("course_hours", "external_hours")
        .first()
    )
    if row is None:
        return DevelopmentHours(course=Decimal("0"), external=Decimal("0"))
    return DevelopmentHours(course=row["course_hours"], external=row["external_hours"])


@dataclass(frozen=True)
class QuarterHours:
    number: int
    starts_on: date
    ends_on: date
    hours: DevelopmentHours


def development_hours_by_quarter(
    person: Person, year: int, *, completions: list[tuple[date, Decimal]] | None = None
) -> list[QuarterHours]:
    """A person's development hours in each Thai fiscal quarter of `year` (C.E.):
    two queries, each summing its four quarters in SQL; one when the caller has read
    the year's course completions (`completions`: (local date, learning hours))."""
    quarters = fiscal_quarters(year)
    course_sums = {}
    if completions is not None:
        for number, first, last in quarters:
            hours = [value for day, value in completions if first <= day <= last]
            course_sums[f"q{number}"] = sum(hours, Decimal("0")) if hours else None
    elif person.user_id is not None:
        course_sums = CourseCompletion.objects.filter(
            user_id=person.user_id,
            completed_at__date__gte=quarters[0][1],
            completed_at__date__lte=quarters[-1][2],
        ).aggregate(
            **{
                f"q{number}": Sum(
                    "learning_hours",
                    filter=Q(
                        completed_at__date__gte=first, completed_at__date__lte=last
                    ),
                )
                for number, first, last in quarters
            }
        )
    external_sums = DevelopmentRecord.objects.filter(
        person=person,
        status=DevelopmentRecord.Status.APPROVED,
        ends_on__gte=quarters[0][1],
        ends_on__lte=quarters[-1][2],
    ).aggregate(
        **{
            f"q{number}": Sum("hours", filter=Q(ends_on__gte=first, ends_on__lte=last))
            for number, first, last in quarters
        }
    )
    return [
        QuarterHours(
            number=number,
            starts_on=first,
            ends_on=last,
            hours=DevelopmentHours(
                course=course_sums.get(f"q{number}") or Decimal("0"),
                external=external_sums.get(f"q{number}") or Decimal("0"),
            ),
        )
        for number, first, last in quarters
    ]


def development_hours_by_quarter_annotations(year: int, *, person: str = "") -> dict:
    """development_hours_by_quarter as correlated subqueries on the rows of another
    queryset that names the person (`person`, as development_hours_annotations), so
    that a row read anyway carries them (the development plan's, plan_view): read
    back with development_hours_by_quarter_of."""
    return {
        f"q{number}_{name}": expression
        for number, first, last in fiscal_quarters(year)
        for name, expression in development_hours_annotations(
            first, last, person=person
        ).items()
    }


def development_hours_by_quarter_of(row, year: int) -> list[QuarterHours]:
    """The quarters of a row annotated with development_hours_by_quarter_annotations."""
    return [
        QuarterHours(
            number=number,
            starts_on=first,
            ends_on=last,
            hours=DevelopmentHours(
                course=getattr(row, f"q{number}_course_hours"),
                external=getattr(row, f"q{number}_external_hours"),
            ),
        )
        for number, first, last in fiscal_quarters(year)
    ]


# ------------------------------------------------------------------------------
# Records
# ------------------------------------------------------------------------------


def records_of_person(person: Person):
    return (
        DevelopmentRecord.objects.filter(person=person)
        .select_related("decided_by", "competency_evidence__competency")
        .order_by("-ends_on", "-pk")
    )


def record_get_for_learner(user, record_id: int) -> DevelopmentRecord:
    record = (
        DevelopmentRecord.objects.filter(pk=record_id, person__user=user)
        .select_related("person")
        .first()
        if user.is_authenticated
        else None
    )
    if record is None:
        raise Http404
    return record


def _in_scope(access: HRAccess):
    return Exists(placements_in_scope(access).filter(person_id=OuterRef("person_id")))


def records_for_hr(access: HRAccess, *, status: str | None = None):
    """Records of people currently placed in the officer's subtrees (none for others),
    oldest waiting first."""
    if not access.is_hr_officer:
        return DevelopmentRecord.objects.none()
    records = DevelopmentRecord.objects.filter(_in_scope(access)).select_related(
        "person", "decided_by"
    )
    if status:
        records = records.filter(status=status)
    return records.order_by("created_at", "pk")


def record_get_for_hr(access: HRAccess, record_id: int) -> DevelopmentRecord:
    """One record of a person in the officer's scope; 404 otherwise."""
    record = records_for_hr(access).filter(pk=record_id).first()
    if record is None:
        raise Http404
    return record


# ------------------------------------------------------------------------------
# Supervisors' view of their staff's plans
# ------------------------------------------------------------------------------


def plans_awaiting_supervisor(user, *, year: int) -> int:
    """How many plans of `year` wait for `user` as a supervisor: plans of the people
    whose current placement `user`'s person supervises directly (those they may
    agree), agreed by the person and neither agreed by the supervisor yet nor
    returned since (a return clears the person's agreement). One query, 0 for anyone
    who supervises no one; the count behind the dashboard's link to hr:supervisor_plans.
    """
    from competencies.selectors import today

    from ..models import DevelopmentPlan

    return (
        DevelopmentPlan.objects.awaiting_supervisor()
        .filter(
            Exists(
                Placement.objects.current(today()).filter(
                    person_id=OuterRef("person_id"), supervisor__user_id=user.pk
                )
            ),
            fiscal_year=year,
        )
        .count()
    )


def supervisor_plans(access: HRAccess, *, year: int):
    """The people who report to the viewer (directly or through others), each with
    their plan of `year`: `plan_id`, `person_agreed_at`, `supervisor_agreed_at`,
    `returned_at`, `awaiting_supervisor` (DevelopmentPlan.objects.awaiting_supervisor,
    the rule plans_awaiting_supervisor counts) and `direct` (the viewer supervises
    their current placement, so may agree). None for anyone who supervises no one."""
    from competencies.selectors import today

    from ..models import DevelopmentPlan

    if not access.is_supervisor:
        return Person.objects.none()
    plan = DevelopmentPlan.objects.filter(person_id=OuterRef("pk"), fiscal_year=year)
    return (
        Person.objects.filter(pk__in=access.report_ids)
        .annotate(
            plan_id=Subquery(plan.values("pk")[:1]),
            person_agreed_at=Subquery(plan.values("person_agreed_at")[:1]),
            supervisor_agreed_at=Subquery(plan.values("supervisor_agreed_at")[:1]),
            returned_at=Subquery(plan.values("returned_at")[:1]),
            awaiting_supervisor=Exists(
                DevelopmentPlan.objects.awaiting_supervisor().filter(
                    person_id=OuterRef("pk"), fiscal_year=year
                )
            ),
            direct=Exists(
                Placement.objects.current(today()).filter(
                    person_id=OuterRef("pk"), supervisor_id=access.person_id
                )
            ),
        )
        .order_by("-direct", "last_name_th", "first_name_th", "pk")
    )
