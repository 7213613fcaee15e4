"""Competency standards as data: frameworks, scales, competency trees, groups, requirements."""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ..validators import validate_uri

CASE_SOURCE_HELP = _(
    "The CASE record this row was imported from, kept so that an export writes "
    "back what the import read. Filled by import_framework; not edited by hand."
)


class BilingualNameMixin(models.Model):
    """Thai is the first language; English is shown when active and present."""

    name_th = models.CharField(_("name (Thai)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        language = translation.get_language() or "th"
        if language.startswith("en") and self.name_en:
            return self.name_en
        return self.name_th or self.name_en


class Provenance(models.TextChoices):
    """How much a shipped fact can be trusted, said on the record itself."""

    PUBLISHED = "published", _("Published")
    DERIVED = "derived", _("Derived")
    TO_CONFIRM = "to_confirm", _("To confirm")


class SourceNoteMixin(models.Model):
    """Where a fact came from: published (address and revision), derived (how, in the
    note), or to confirm. "To confirm" items say so and stay editable."""

    provenance = models.CharField(
        _("provenance"),
        max_length=16,
        choices=Provenance.choices,
        default=Provenance.TO_CONFIRM,
        help_text=_(
            "Published: a public source says so (give its address and revision). "
            "Derived: worked out from published facts (say how in the note). "
            "To confirm: not yet checked against an official text."
        ),
    )
    source_url = models.URLField(_("source address"), max_length=500, blank=True)
    source_revision = models.CharField(
        _("source revision"),
        max_length=128,
        blank=True,
        help_text=_("The revision or date of the source as it prints it."),
    )
    source_note = models.TextField(
        _("source note"),
        blank=True,
        help_text=_(
            "Where this comes from. Items not yet checked against the official text "
            "say 'to confirm' here."
        ),
    )

    class Meta:
        abstract = True

    @property
    def needs_confirmation(self) -> bool:
        if self.provenance == Provenance.TO_CONFIRM:
            return True
        note = self.source_note.lower()
        return "to confirm" in note or "รอยืนยัน" in note


class ProficiencyScale(BilingualNameMixin, SourceNoteMixin):
    """Ordered levels; a pass / not-yet scale has one level, "pass", and no evidence
    of it means "not yet"."""

    class Kind(models.TextChoices):
        LEVELLED = "levelled", _("Levelled")
        PASS_NOT_YET = "pass", _("Pass / not yet")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.LEVELLED
    )
    is_academy_own = models.BooleanField(
        _("the Academy's own"),
        default=False,
        help_text=_(
            "Defined by the Academy, not by the body that publishes a standard."
        ),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("proficiency scale")
        verbose_name_plural = _("proficiency scales")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def proficient_level(self) -> "ProficiencyLevel | None":
        return self.levels.filter(is_proficient_threshold=True).first()


class ProficiencyLevel(BilingualNameMixin):
    scale = models.ForeignKey(
        ProficiencyScale, on_delete=models.CASCADE, related_name="levels"
    )
    rank = models.PositiveSmallIntegerField(
        _("rank"), help_text=_("1 is the lowest level; higher is more proficient.")
    )
    code = models.CharField(_("code"), max_length=64)
    descriptor_th = models.TextField(_("descriptor (Thai)"), blank=True)
    descriptor_en = models.TextField(_("descriptor (English)"), blank=True)
    is_proficient_threshold = models.BooleanField(
        _("proficient threshold"),
        default=False,
        help_text=_("The lowest level of the scale that counts as proficient."),
    )
    identifier = models.CharField(_("CASE identifier"), max_length=128, blank=True)
    case_source = models.JSONField(
        _("CASE source"),
        default=dict,
        blank=True,
        editable=False,
        help_text=CASE_SOURCE_HELP,
    )

    class Meta:
        verbose_name = _("proficiency level")
        verbose_name_plural = _("proficiency levels")
        ordering = ["scale", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "rank"], name="level_rank_unique"),
            models.UniqueConstraint(fields=["scale", "code"], name="level_code_unique"),
            models.UniqueConstraint(
                fields=["scale"],
                condition=Q(is_proficient_threshold=True),
                name="level_one_proficient_threshold",
            ),
            models.CheckConstraint(
                condition=Q(rank__gte=1), name="level_rank_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.name}"

    @property
    def descriptor(self) -> str:
        language = translation.get_language() or "th"
        if language.startswith("en") and self.descriptor_en:
            return self.descriptor_en
        return self.descriptor_th or self.descriptor_en


class Framework(BilingualNameMixin, SourceNoteMixin):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    code = models.SlugField(
        _("code"), max_length=64, help_text=_("Stable code shared by every version.")
    )
    version = models.CharField(_("version"), max_length=32)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    scale = models.ForeignKey(
        ProficiencyScale,
        on_delete=models.PROTECT,
        related_name="frameworks",
        verbose_name=_("proficiency scale"),
    )
    description_th = models.TextField(_("description (Thai)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    publisher = models.CharField(_("publisher"), max_length=255, blank=True)
    licence = models.CharField(_("licence"), max_length=255, blank=True)
    identifier = models.CharField(
        _("CASE identifier"), max_length=128, unique=True, default=uuid.uuid4
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    case_source = models.JSONField(
        _("CASE source"),
        default=dict,
        blank=True,
        editable=False,
        help_text=CASE_SOURCE_HELP,
    )
    display_order = models.PositiveSmallIntegerField(
        _("display order"),
        default=100,
        help_text=_(
            "Lower first; the first active framework with a group for the learner "
            "is the one their dashboard shows."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("competency framework")
        verbose_name_plural = _("competency frameworks")
        ordering = ["display_order", "code", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="framework_code_version_unique"
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(status="active"),
                name="framework_one_active_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"


class Competency(BilingualNameMixin, SourceNoteMixin):
    class Kind(models.TextChoices):
        AREA = "area", _("Area")
        COMPETENCY = "competency", _("Competency")
        SUB_COMPETENCY = "sub", _("Sub-competency")

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="competencies"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    code = models.CharField(_("code"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.COMPETENCY
    )
    description_th = models.TextField(_("description (Thai)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    identifier = models.CharField(
        _("CASE identifier"), max_length=128, default=uuid.uuid4
    )
    uri = models.CharField(
        _("URI"), max_length=1000, blank=True, validators=[validate_uri]
    )
    case_source = models.JSONField(
        _("CASE source"),
        default=dict,
        blank=True,
        editable=False,
        help_text=CASE_SOURCE_HELP,
    )
    area_is_inferred = models.BooleanField(
        _("area inferred"),
        default=False,
        help_text=_(
            "No source states the area this unit belongs to; the Academy placed it "
            "from its title."
        ),
    )

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["framework", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="competency_code_unique"
            ),
            models.UniqueConstraint(
                fields=["framework", "identifier"], name="competency_identifier_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if self.parent_id is None:
            return
        if self.parent.framework_id != self.framework_id:
            raise ValidationError(
                {"parent": _("The parent must be in the same framework.")}
            )
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError(
                    {"parent": _("A competency cannot be its own ancestor.")}
                )
            ancestor = ancestor.parent

    @property
    def description(self) -> str:
        language = translation.get_language() or "th"
        if language.startswith("en") and self.description_en:
            return self.description_en
        return self.description_th or self.description_en


class PersonnelGroup(BilingualNameMixin, SourceNoteMixin):
    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="groups"
    )
    code = models.SlugField(_("code"), max_length=64)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("personnel group")
        verbose_name_plural = _("personnel groups")
        ordering = ["framework", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="group_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Requirement(SourceNoteMixin):
    """What a personnel group is asked on a competency (one cell of the matrix).

    Required: counts towards everyone's gaps in the group. Optional: counts only for a
    person who chose it, or whose organisation chose it (OptionalChoice). A competency
    with no requirement for a group is not applicable to it.
    """

    class Applicability(models.TextChoices):
        REQUIRED = "required", _("Required")
        OPTIONAL = "optional", _("Optional")

    group = models.ForeignKey(
        PersonnelGroup, on_delete=models.CASCADE, related_name="requirements"
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="requirements"
    )
    required_level = models.ForeignKey(
        ProficiencyLevel,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("required level"),
    )
    applicability = models.CharField(
        _("required or optional"),
        max_length=16,
        choices=Applicability.choices,
        default=Applicability.REQUIRED,
    )
    edited_by_admin = models.BooleanField(
        _("edited by an administrator"),
        default=False,
        help_text=_("load_standards leaves edited requirements alone unless --force."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["group", "competency"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "competency"], name="requirement_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} / {self.competency.code}: {self.required_level}"

    @property
    def is_required(self) -> bool:
        return self.applicability == self.Applicability.REQUIRED

    def clean(self) -> None:
        errors = {}
        if self.group.framework_id != self.competency.framework_id:
            errors["competency"] = _("The competency is not in the group's framework.")
        if self.required_level.scale_id != self.group.framework.scale_id:
            errors["required_level"] = _("The level is not on the framework's scale.")
        if errors:
            raise ValidationError(errors)
