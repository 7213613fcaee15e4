"""`python manage.py seed_demo`: the demo data a newcomer's `make run` serves; idempotent.

The demo is a sequence of small steps. Each looks for what it would create and creates
only what is missing, so a second run changes nothing, with one exception: the demo
users' password is set again to the one printed at the end, so whoever ran the command
always has a working password in front of them.

What it writes is data, read by `demo.content` and checked before the first step: the
accounts and the learner's evidence are demo/data/users.yaml, the generated ministry's
shares, weights and names population.yaml and names.yaml, the catalogue catalogue.yaml
and courses/, the assessments assessments.yaml and questions.csv.
"""

import logging
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from allauth.account.models import EmailAddress

from academy.accounts.roles import Role
from academy.accounts.services import user_provision
from academy.core.public import public_url
from academy.core.sites import sites_sync
from competencies.models import (
    Competency,
    Framework,
    LineOfWork,
    OrgUnit,
    Person,
    Placement,
    PositionLevel,
)
from competencies.services import (
    evidence_record,
    person_create,
    placement_start,
    standards_load,
)
from demo.content import DemoContentError, DemoUser, demo_accounts, demo_data_check
from demo.org_blueprint import MINISTRY_CODE
from demo.population import generate_population

DEMO_STAFF = 300
DEMO_SEED = 2569
PASSWORD_VARIABLE = "ACADEMY_DEMO_PASSWORD"  # noqa: S105 - a variable name


@dataclass
class DemoContext:
    password: str
    password_from_environment: bool
    users: dict[str, object] = field(default_factory=dict)  # email -> User


def step_standards(context: DemoContext) -> str:
    if Framework.objects.filter(status=Framework.Status.ACTIVE).exists():
        return "Standards: already loaded."
    standards_load()
    return "Standards: loaded."


def step_ministry(context: DemoContext) -> str:
    if OrgUnit.objects.filter(code=MINISTRY_CODE).exists():
        return "Demo ministry: already there."
    summary = generate_population(staff=DEMO_STAFF, seed=DEMO_SEED)
    return (
        f"Demo ministry: {summary.org_units} organisation units, {summary.staff} staff, "
        f"{summary.evidence:,} evidence records."
    )


def step_users(context: DemoContext) -> str:
    """One user per role, each a civil servant placed in the demo ministry."""
    users = demo_accounts().users
    created = 0
    for demo in users:
        existed = get_user_model().objects.filter(email__iexact=demo.email).exists()
        user = user_provision(
            email=demo.email,
            first_name=demo.first_name[0],
            last_name=demo.last_name[0],
            password=context.password,
            roles=(demo.role,),
        )
        if demo.is_superuser and not user.is_superuser:
            # user_provision grants roles, not superuser status.
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
        # The demo's mailboxes are the operator's (var/mail in development): staff
        # receive there the code that lets them set up two-step verification.
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        _person_for(demo, user)
        context.users[demo.email] = user
        created += not existed
    return f"Demo users: {created} created, {len(users) - created} already there."


def _person_for(demo: DemoUser, user) -> Person:
    person = Person.objects.filter(user=user).first()
    if person is None:
        person = Person.objects.filter(employee_number=demo.employee_number).first()
        if person is not None and person.user_id is None:
            person.user = user
            person.save(update_fields=["user", "updated_at"])
    if person is None:
        person = person_create(
            employee_number=demo.employee_number,
            title_th=demo.title[0],
            first_name_th=demo.first_name[0],
            last_name_th=demo.last_name[0],
            title_en=demo.title[1],
            first_name_en=demo.first_name[1],
            last_name_en=demo.last_name[1],
            email=demo.email,
            user=user,
        )
    if not Placement.objects.current().filter(person=person).exists():
        _place(demo, person)
    return person


def _place(demo: DemoUser, person: Person) -> Placement:
    """Place the person in the first of their units that exists, under its director."""
    units = {
        unit.code: unit for unit in OrgUnit.objects.filter(code__in=demo.unit_codes)
    }
    unit = next((units[code] for code in demo.unit_codes if code in units), None)
    if unit is None:  # a smaller ministry generated by hand: any division will do
        ministry = OrgUnit.objects.get(code=MINISTRY_CODE)
        unit = (
            OrgUnit.objects.filter(
                kind=OrgUnit.Kind.DIVISION, path__startswith=ministry.path
            )
            .order_by("path")
            .first()
        )
    division = unit.get_parent() if unit.kind == OrgUnit.Kind.UNIT else unit
    director = (
        Placement.objects.current()
        .filter(unit=division, position_type__code="managerial")
        .select_related("person")
        .first()
    )
    level = PositionLevel.objects.select_related("position_type").get(
        position_type__code=demo.position_type, rank=demo.level_rank
    )
    line = LineOfWork.objects.get(code=demo.line_of_work)
    return placement_start(
        person=person,
        unit=unit,
        position_type=level.position_type,
        position_level=level,
        line_of_work=line,
        supervisor=director.person if director else None,
        position_title=f"{line.name_th}{level.name_th}",
        starts_on=timezone.localdate() - timedelta(days=400),
    )


def step_learner_evidence(context: DemoContext) -> str:
    accounts = demo_accounts()
    learner = Person.objects.get(user=context.users[accounts.learner.email])
    if learner.evidence.exists():
        return "Learner's evidence: already there."
    today = timezone.localdate()
    recorded = 0
    for item in accounts.learner_evidence:
        competency = (
            Competency.objects.filter(
                framework__code=item.framework,
                framework__status=Framework.Status.ACTIVE,
                code=item.competency,
            )
            .select_related("framework__scale")
            .first()
        )
        if competency is None:  # an administrator changed the framework
            continue
        observed_on = today - timedelta(days=item.observed_days_ago)
        evidence_record(
            person=learner,
            competency=competency,
            level=competency.framework.scale.levels.get(rank=item.level_rank),
            source=item.source,
            observed_on=observed_on,
            expires_on=observed_on + timedelta(days=item.valid_days)
            if item.valid_days
            else None,
            reference="demo",
        )
        recorded += 1
    return f"Learner's evidence: {recorded} records."


def step_hr_scope(context: DemoContext) -> str:
    """The demo HR officer looks after the whole demo ministry."""
    from competencies.hr.services import hr_scope_assign
    from competencies.models import HRScope

    ministry = OrgUnit.objects.get(code=MINISTRY_CODE)
    officers = [
        context.users[demo.email]
        for demo in demo_accounts().users
        if demo.role == Role.HR_OFFICER
    ]
    added = 0
    for officer in officers:
        if not HRScope.objects.filter(user=officer, unit=ministry).exists():
            hr_scope_assign(user=officer, unit=ministry)
            added += 1
    if not added:
        return "HR officer's scope: already set."
    return f"HR officer's scope: {ministry.name_th} and every unit below it."


def step_catalogue(context: DemoContext) -> str:
    """The demo courses under the catalogue, owned by the demo instructor."""
    from demo.catalogue import catalogue_seed

    instructor = context.users[demo_accounts().first_with(Role.INSTRUCTOR).email]
    created = catalogue_seed(owner=instructor)
    if not created:
        return "Demo catalogue: already there."
    return f"Demo catalogue: {created} courses created."


def step_certificates(context: DemoContext) -> str:
    """A signing key, the default template, and valid, revoked and expired certificates."""
    from io import StringIO

    from demo.certificates import certificates_seed

    out = StringIO()
    certificates_seed(stdout=out, password=context.password)
    return out.getvalue().rstrip() or "Demo certificates: already there."


def step_assessments(context: DemoContext) -> str:
    """A question bank, a placement test and the PDPA course's end-of-course quiz.

    After the certificates: the quiz makes its course's completion need a pass.
    """
    from demo.assessments import assessments_seed

    instructor = context.users[demo_accounts().first_with(Role.INSTRUCTOR).email]
    return assessments_seed(owner=instructor)


def step_learner_learning(context: DemoContext) -> str:
    """The learner is part-way through the PDPA course, so the dashboard shows progress."""
    from courses.models import CoursePage, Enrolment, LessonProgress
    from courses.selectors import lessons_of
    from courses.services import enrolment_create, lesson_complete
    from demo.assessments import QUIZ_COURSE

    learner = context.users[demo_accounts().learner.email]
    course = CoursePage.objects.live().get(code=QUIZ_COURSE)
    if Enrolment.objects.filter(user=learner, course=course).exists():
        return "Learner's enrolment: already there."
    enrolment_create(user=learner, course=course)
    lessons = lessons_of(course)
    for lesson in lessons[:2]:
        lesson_complete(user=learner, lesson=lesson)
    done = LessonProgress.objects.filter(
        enrolment__user=learner, status=LessonProgress.Status.COMPLETED
    ).count()
    return f"Learner's enrolment: {course.code}, {done} of {len(lessons)} lessons done."


DEMO_ASSIGNMENT_COURSE = "DGA-103"  # cyber hygiene, for everyone


def step_assignment(context: DemoContext) -> str:
    """The HR officer assigns cyber hygiene to the learner's division, due in 3 weeks,
    so the learner's dashboard leads with it and the compliance report has figures."""
    from competencies.hr.selectors import hr_access
    from courses.assignments.selectors import AssignmentTarget
    from courses.assignments.services import assignment_create
    from courses.models import CourseAssignment, CoursePage

    accounts = demo_accounts()
    officer = context.users[accounts.first_with(Role.HR_OFFICER).email]
    course = CoursePage.objects.live().get(code=DEMO_ASSIGNMENT_COURSE)
    if CourseAssignment.objects.filter(course=course, assigned_by=officer).exists():
        return "Demo assignment: already there."
    learner = Person.objects.get(user=context.users[accounts.learner.email])
    unit = Placement.objects.current().get(person=learner).unit
    division = unit.get_parent() if unit.kind == OrgUnit.Kind.UNIT else unit
    assignment = assignment_create(
        access=hr_access(officer),
        course=course,
        due_on=timezone.localdate() + timedelta(days=21),
        target=AssignmentTarget(unit=division),
        note="หลักสูตรบังคับสำหรับบุคลากรทุกคนในกอง โปรดเรียนให้จบภายในกำหนด",
        include_new_members=True,
    )
    return (
        f"Demo assignment: {course.code} to {division.name_th}, "
        f"{assignment.assignees.count()} people, due in 21 days."
    )


STEPS: tuple[Callable[[DemoContext], str], ...] = (
    step_standards,
    step_ministry,
    step_users,
    step_learner_evidence,
    step_hr_scope,
    step_catalogue,
    step_certificates,
    step_assessments,
    step_learner_learning,
    step_assignment,
)


# Libraries that log every page published and every task run at INFO: hundreds of
# lines that would bury the accounts and password the newcomer needs. -v 2 shows them.
CHATTY_LOGGERS = ("wagtail", "django_tasks", "celery", "kombu")


@contextmanager
def _quiet(names: tuple[str, ...], *, unless: bool) -> Iterator[None]:
    """Raise the named loggers to WARNING for the block (unless asked not to)."""
    loggers = [logging.getLogger(name) for name in names]
    saved = [logger.level for logger in loggers]
    if not unless:
        for logger in loggers:
            logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, saved, strict=True):
            logger.setLevel(level)


class Command(BaseCommand):
    help = (
        "Load demo data for a local Academy: the standards, a demo ministry with "
        "staff, and one user per role. Idempotent; prints the accounts and password."
    )

    def handle(self, *args, **options):
        try:
            demo_data_check()
        except DemoContentError as error:
            raise CommandError(f"A demo data file is malformed: {error}") from error
        from_environment = bool(os.environ.get(PASSWORD_VARIABLE))
        context = DemoContext(
            password=os.environ.get(PASSWORD_VARIABLE) or secrets.token_urlsafe(12),
            password_from_environment=from_environment,
        )
        sites_sync()  # the demo's links name the configured public URL
        with _quiet(CHATTY_LOGGERS, unless=options["verbosity"] > 1):
            for step in STEPS:
                with transaction.atomic():
                    self.stdout.write(step(context))
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"Sign in at {public_url('/accounts/login/')} with:")
        )
        for demo in demo_accounts().users:
            self.stdout.write(f"  {demo.email:<28} {demo.role.label}")
        if from_environment:
            self.stdout.write(f"and the password in {PASSWORD_VARIABLE}.")
        else:
            self.stdout.write(f"and the password: {context.password}")
            self.stdout.write(
                f"(Set {PASSWORD_VARIABLE} to choose it; running seed_demo again "
                "prints a new one.)"
            )
