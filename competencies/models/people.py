"""People and positions: the position structure, the organisation tree, placements over time."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from treebeard.mp_tree import MP_Node

from .standards import BilingualNameMixin, Framework, PersonnelGroup, SourceNoteMixin

#: The scheme of a placement written without one (the previous release's, or a file
#: without the column): the ordinary civil service.
CIVIL_SERVICE = "civil-service"


class StaffScheme(BilingualNameMixin):
    """A personnel scheme (civil service, government employees, ...) added as data."""

    code = models.SlugField(_("code"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("staff scheme")
        verbose_name_plural = _("staff schemes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class SchemeCoverage(SourceNoteMixin):
    """Whether a framework's requirements apply to the staff of a scheme, as its
    publisher says (or "to confirm"). A framework with no coverage rows applies to
    every scheme; one with rows applies only to the schemes covered."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="scheme_coverage"
    )
    scheme = models.ForeignKey(
        StaffScheme, on_delete=models.CASCADE, to_field="code", related_name="coverage"
    )
    covered = models.BooleanField(
        _("covered"),
        default=False,
        help_text=_(
            "The framework's requirements count for this scheme's staff. Leave it "
            "off while coverage is not established: no gap is then counted for them."
        ),
    )

    class Meta:
        verbose_name = _("scheme covered by a framework")
        verbose_name_plural = _("schemes covered by frameworks")
        ordering = ["framework", "scheme"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "scheme"], name="scheme_coverage_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.framework.code} / {self.scheme.code}"


class PositionType(BilingualNameMixin, SourceNoteMixin):
    scheme = models.ForeignKey(
        StaffScheme, on_delete=models.CASCADE, related_name="position_types"
    )
    code = models.SlugField(_("code"), max_length=64)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("position type")
        verbose_name_plural = _("position types")
        ordering = ["scheme", "sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "code"], name="position_type_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PositionLevel(BilingualNameMixin, SourceNoteMixin):
    position_type = models.ForeignKey(
        PositionType, on_delete=models.CASCADE, related_name="levels"
    )
    code = models.SlugField(_("code"), max_length=64)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("1 is the lowest."))

    class Meta:
        verbose_name = _("position level")
        verbose_name_plural = _("position levels")
        ordering = ["position_type", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["position_type", "code"], name="position_level_code_unique"
            ),
            models.UniqueConstraint(
                fields=["position_type", "rank"], name="position_level_rank_unique"
            ),
        ]

    def __str__(self) -> str:
        # As the civil service writes it: "ประเภทบริหาร ระดับต้น".
        return gettext("%(type)s type, %(level)s level") % {
            "type": self.position_type.name,
            "level": self.name,
        }


class LineOfWork(BilingualNameMixin, SourceNoteMixin):
    """A line of work (สายงาน): its official code when one is published (e.g.
    3-1-0013), otherwise none (never an invented one), its position type and the
    levels the position standard (Civil Service Act B.E. 2551 s.48) allows it."""

    class Category(models.TextChoices):
        DIGITAL = "digital", _("Digital technology")
        SERVICE = "service", _("Front-line service")
        OTHER = "other", _("Other")

    #: Why a position cannot be in a line of work (see refusal).
    TYPE = "type"
    LEVEL = "level"

    scheme = models.ForeignKey(
        StaffScheme, on_delete=models.CASCADE, related_name="lines_of_work"
    )
    code = models.CharField(
        _("code"),
        max_length=32,
        blank=True,
        help_text=_("The published code; leave empty when none is known."),
    )
    position_type = models.ForeignKey(
        PositionType,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="lines_of_work",
        verbose_name=_("position type"),
    )
    level_min = models.ForeignKey(
        PositionLevel,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lowest level"),
    )
    level_max = models.ForeignKey(
        PositionLevel,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("highest level"),
    )
    category = models.CharField(
        _("category"),
        max_length=16,
        choices=Category.choices,
        default=Category.OTHER,
        help_text=_(
            "The Academy's classification, used by personnel-group rules (IT or "
            "non-IT, service)."
        ),
    )

    class Meta:
        verbose_name = _("line of work")
        verbose_name_plural = _("lines of work")
        ordering = ["scheme", "code", "name_th"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "code"],
                condition=~Q(code=""),
                name="line_of_work_code_unique",
            ),
            models.UniqueConstraint(
                fields=["scheme", "name_th"], name="line_of_work_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    def clean(self) -> None:
        errors = {}
        for name in ("level_min", "level_max"):
            level = getattr(self, name)
            if level is None:
                continue
            if self.position_type_id is None:
                errors[name] = _("Set the position type before its levels.")
            elif level.position_type_id != self.position_type_id:
                errors[name] = _("The level does not belong to the position type.")
        if (
            not errors
            and self.level_min is not None
            and self.level_max is not None
            and self.level_min.rank > self.level_max.rank
        ):
            errors["level_max"] = _("The highest level is below the lowest.")
        if errors:
            raise ValidationError(errors)

    def allows(self, level: "PositionLevel") -> bool:
        """Whether a position in this line may be at `level` (unknown bounds allow)."""
        return self.refusal(level.position_type_id, level) is None

    def refusal(
        self, position_type_id: int | None, level: "PositionLevel | None"
    ) -> str | None:
        """Why a position of this type and level cannot be in this line of work
        (position standard, Civil Service Act s.48): `TYPE` or `LEVEL`, or None.
        A bound the line does not know allows anything. The one rule the model, the
        admin and the staff import all apply."""
        if (
            self.position_type_id
            and position_type_id
            and position_type_id != self.position_type_id
        ):
            return self.TYPE
        if level is None:
            return None
        if self.level_min is not None and level.rank < self.level_min.rank:
            return self.LEVEL
        if self.level_max is not None and level.rank > self.level_max.rank:
            return self.LEVEL
        return None


class GroupRule(SourceNoteMixin):
    """Places a position (type, level, line of work) in a personnel group of a framework.

    Rules are tried in ascending priority; the first whose set conditions all match wins.
    An empty condition matches anything.
    """

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="group_rules"
    )
    group = models.ForeignKey(
        PersonnelGroup, on_delete=models.CASCADE, related_name="rules"
    )
    priority = models.PositiveSmallIntegerField(_("priority"), default=100)
    position_type = models.ForeignKey(
        PositionType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    position_level = models.ForeignKey(
        PositionLevel, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    line_of_work = models.ForeignKey(
        LineOfWork, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    line_of_work_category = models.CharField(
        _("line-of-work category"),
        max_length=16,
        choices=LineOfWork.Category.choices,
        blank=True,
    )
    designations = models.JSONField(
        _("designations"),
        default=list,
        blank=True,
        help_text=_("Matches a placement with any of these designations; empty: any."),
    )

    class Meta:
        verbose_name = _("personnel-group rule")
        verbose_name_plural = _("personnel-group rules")
        ordering = ["framework", "priority", "pk"]

    def __str__(self) -> str:
        return f"{self.framework.code} #{self.priority} → {self.group.code}"

    def clean(self) -> None:
        if self.group_id and self.group.framework_id != self.framework_id:
            raise ValidationError({"group": _("The group is not in this framework.")})
        if (
            self.position_level_id
            and self.position_type_id
            and self.position_level.position_type_id != self.position_type_id
        ):
            raise ValidationError(
                {"position_level": _("The level does not belong to the position type.")}
            )

    def matches(
        self,
        *,
        position_type_id: int | None,
        position_level_id: int | None,
        line_of_work_id: int | None,
        line_of_work_category: str | None,
        designation: str = "",
    ) -> bool:
        return (
            (not self.designations or designation in self.designations)
            and (
                self.position_type_id is None
                or self.position_type_id == position_type_id
            )
            and (
                self.position_level_id is None
                or self.position_level_id == position_level_id
            )
            and (
                self.line_of_work_id is None or self.line_of_work_id == line_of_work_id
            )
            and (
                not self.line_of_work_category
                or self.line_of_work_category == line_of_work_category
            )
        )


class OrgUnit(MP_Node, BilingualNameMixin):
    """A node of the organisation tree: ministry, department, division, unit; any depth."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        DEPARTMENT = "department", _("Department")
        DIVISION = "division", _("Division")
        UNIT = "unit", _("Unit")

    code = models.CharField(_("code"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)

    steplen = 4

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")

    def __str__(self) -> str:
        return self.name

    def move(self, target, pos=None):
        """treebeard rewrites the paths of the unit and everything under it with
        QuerySet updates, which send no model signal: org_unit_moved says so (the
        matrix's maintained figures and the learners' dashboards depend on the
        units above each person)."""
        from ..signals import org_unit_moved

        super().move(target, pos=pos)
        org_unit_moved.send(sender=OrgUnit, unit_id=self.pk)


class Person(models.Model):
    """A civil servant as the HR system knows them; may or may not have an account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    employee_number = models.CharField(
        _("employee number"), max_length=32, unique=True, null=True, blank=True
    )
    title_th = models.CharField(_("title (Thai)"), max_length=64, blank=True)
    first_name_th = models.CharField(_("first name (Thai)"), max_length=150)
    last_name_th = models.CharField(_("last name (Thai)"), max_length=150)
    title_en = models.CharField(_("title (English)"), max_length=64, blank=True)
    first_name_en = models.CharField(
        _("first name (English)"), max_length=150, blank=True
    )
    last_name_en = models.CharField(
        _("last name (English)"), max_length=150, blank=True
    )
    email = models.EmailField(_("email"), blank=True)
    # The national ID itself is never stored: a keyed digest to match people on import
    # and the masked form to show (see hr/staff_import/parsing.py).
    national_id_digest = models.CharField(
        _("national ID digest"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
    )
    national_id_masked = models.CharField(
        _("national ID (masked)"), max_length=17, blank=True, editable=False
    )
    left_on = models.DateField(_("left the service on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["first_name_th", "last_name_th"]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name_th(self) -> str:
        return f"{self.title_th}{self.first_name_th} {self.last_name_th}".strip()

    @property
    def full_name_en(self) -> str:
        return " ".join(
            part
            for part in (self.title_en, self.first_name_en, self.last_name_en)
            if part
        )

    @property
    def full_name(self) -> str:
        language = translation.get_language() or "th"
        if language.startswith("en") and self.first_name_en:
            return self.full_name_en
        return self.full_name_th


class PlacementQuerySet(models.QuerySet):
    def current(self, on: date | None = None):
        """Placements running on `on` (default: today in the Academy's time zone)."""
        on = on or timezone.localdate()
        return self.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on
        )

    def active(self, on: date | None = None):
        """Current placements of people who have not left: the one definition of who
        is on the staff (HR scope, certificate lists and bundles, rollups)."""
        on = on or timezone.localdate()
        return self.current(on).filter(
            Q(person__left_on__isnull=True) | Q(person__left_on__gt=on)
        )

    def in_subtrees(self, unit_paths: list[str]):
        """Placements in any of the organisation subtrees rooted at `unit_paths`."""
        if not unit_paths:
            return self.none()
        condition = Q()
        for path in unit_paths:
            condition |= Q(unit__path__startswith=path)
        return self.filter(condition)


class Designation(models.TextChoices):
    """Roles given on top of a position that decide personnel groups but are not a line
    of work (a ministry's CIO keeps their own line of work)."""

    MINISTRY_CIO = "ministry_cio", _("Chief information officer of a ministry")
    DEPARTMENT_CIO = "department_cio", _("Chief information officer of a department")
    ICT_UNIT_HEAD = "ict_unit_head", _("Head of an ICT unit")


class Placement(models.Model):
    """Where a person sits, from one date to another: unit, position, supervisor."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="placements"
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="placements"
    )
    scheme = models.ForeignKey(
        StaffScheme,
        on_delete=models.PROTECT,
        to_field="code",
        db_default=CIVIL_SERVICE,
        blank=True,
        related_name="placements",
        verbose_name=_("staff scheme"),
        help_text=_(
            "ข้าราชการพลเรือนสามัญ, พนักงานราชการ, ลูกจ้างประจำ, …: the position type "
            "and the line of work must be of this scheme. Left empty: the position "
            "type's."
        ),
    )
    position_type = models.ForeignKey(
        PositionType, on_delete=models.PROTECT, related_name="+"
    )
    position_level = models.ForeignKey(
        PositionLevel, on_delete=models.PROTECT, related_name="+"
    )
    line_of_work = models.ForeignKey(
        LineOfWork, on_delete=models.PROTECT, related_name="+"
    )
    position_title = models.CharField(_("position title"), max_length=255, blank=True)
    position_number = models.CharField(
        _("position number"), max_length=32, blank=True, help_text=_("เลขที่ตำแหน่ง")
    )
    administrative_post = models.CharField(
        _("administrative post"),
        max_length=255,
        blank=True,
        help_text=_("ตำแหน่งในการบริหาร, e.g. ผู้อำนวยการกอง, หัวหน้ากลุ่มงาน."),
    )
    designation = models.CharField(
        _("designation"), max_length=32, choices=Designation.choices, blank=True
    )
    supervisor = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervised_placements",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"), null=True, blank=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["person", "-starts_on"]
        indexes = [
            models.Index(fields=["person", "starts_on"], name="placement_person_start"),
            models.Index(fields=["unit", "ends_on"], name="placement_unit_end"),
            models.Index(fields=["supervisor"], name="placement_supervisor"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="placement_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.unit} ({self.starts_on}–{self.ends_on or ''})"

    def clean(self) -> None:
        if (
            self.position_level_id
            and self.position_type_id
            and self.position_level.position_type_id != self.position_type_id
        ):
            raise ValidationError(
                {"position_level": _("The level does not belong to the position type.")}
            )
        self._clean_scheme()
        line = self.line_of_work if self.line_of_work_id else None
        refusal = (
            line.refusal(
                self.position_type_id,
                self.position_level if self.position_level_id else None,
            )
            if line is not None
            else None
        )
        if refusal == LineOfWork.TYPE:
            raise ValidationError(
                {
                    "line_of_work": _(
                        "The line of work %(line)s is a position of the %(allowed)s "
                        "type, not %(type)s (Civil Service Act s.48 position "
                        "standard)."
                    )
                    % {
                        "line": line,
                        "allowed": line.position_type,
                        "type": self.position_type,
                    }
                }
            )
        if refusal == LineOfWork.LEVEL:
            raise ValidationError(
                {
                    "position_level": _(
                        "The line of work %(line)s allows levels %(low)s to "
                        "%(high)s only (Civil Service Act s.48 position standard)."
                    )
                    % {
                        "line": line,
                        "low": line.level_min or "—",
                        "high": line.level_max or "—",
                    }
                }
            )
        if self.supervisor_id and self.supervisor_id == self.person_id:
            raise ValidationError(
                {"supervisor": _("A person cannot supervise themself.")}
            )

    def _clean_scheme(self) -> None:
        """The placement's scheme is its position type's (taken from it when not
        given); its line of work must be of the same scheme."""
        if not self.position_type_id:
            return
        type_scheme = self.position_type.scheme.code
        if not isinstance(self.scheme_id, str) or not self.scheme_id:
            self.scheme_id = type_scheme
        if self.scheme_id != type_scheme:
            raise ValidationError(
                {
                    "position_type": _(
                        "The position type %(type)s is of the scheme %(type_scheme)s, "
                        "not %(scheme)s."
                    )
                    % {
                        "type": self.position_type,
                        "type_scheme": self.position_type.scheme,
                        "scheme": self.scheme_id,
                    }
                }
            )
        if self.line_of_work_id and self.line_of_work.scheme_id != (
            self.position_type.scheme_id
        ):
            raise ValidationError(
                {
                    "line_of_work": _(
                        "The line of work %(line)s is of the scheme %(line_scheme)s, "
                        "not %(scheme)s."
                    )
                    % {
                        "line": self.line_of_work,
                        "line_scheme": self.line_of_work.scheme,
                        "scheme": self.position_type.scheme,
                    }
                }
            )


class OptionalChoice(models.Model):
    """An optional competency (or a whole optional area) chosen for a person or for an
    organisation subtree. Only chosen optional requirements count towards gaps."""

    class Source(models.TextChoices):
        SUPERVISOR = "supervisor", _("Chosen by the supervisor")
        HR_OFFICER = "hr", _("Chosen by an HR officer")
        PLAN = "plan", _("Chosen in the development plan")
        ORGANISATION = "organisation", _("Chosen for the organisation")

    competency = models.ForeignKey(
        "competencies.Competency",
        on_delete=models.CASCADE,
        related_name="optional_choices",
        verbose_name=_("competency or area"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="optional_choices",
    )
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="optional_choices",
        help_text=_("Applies to everyone placed in this unit or below it."),
    )
    source = models.CharField(_("chosen how"), max_length=16, choices=Source.choices)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("optional competency chosen")
        verbose_name_plural = _("optional competencies chosen")
        ordering = ["competency", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(unit__isnull=True))
                | (Q(person__isnull=True) & Q(unit__isnull=False)),
                name="optional_choice_person_or_unit",
            ),
            models.UniqueConstraint(
                fields=["person", "competency"],
                condition=Q(person__isnull=False),
                name="optional_choice_person_unique",
            ),
            models.UniqueConstraint(
                fields=["unit", "competency"],
                condition=Q(unit__isnull=False),
                name="optional_choice_unit_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person or self.unit}: {self.competency.code}"
