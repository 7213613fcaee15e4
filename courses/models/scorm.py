"""SCORM packages, the lesson page that plays one, and each learner's runtime data.

A package is uploaded once (validated by courses/scorm/package.py, its files kept in
the private storage) and chosen on a SCORM lesson; the lesson is a LessonPage, so
progress, the course's completion rule and the dashboard count it like any other.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel

from ..scorm.forms import ScormLessonPageForm
from .learning import Enrolment
from .pages import LessonPage


class ScormPackage(models.Model):
    class Version(models.TextChoices):
        SCORM_12 = "1.2", "SCORM 1.2"
        SCORM_2004 = "2004", "SCORM 2004"

    title = models.CharField(_("title"), max_length=255)
    version = models.CharField(
        _("SCORM version"), max_length=8, choices=Version.choices
    )
    edition = models.CharField(_("edition"), max_length=64, blank=True)
    identifier = models.CharField(_("manifest identifier"), max_length=255, blank=True)
    launch = models.CharField(_("launch file"), max_length=1024)
    # The package's files live in the private storage under this random directory.
    storage_prefix = models.CharField(max_length=64, unique=True, editable=False)
    files = models.JSONField(default=dict, editable=False)
    total_bytes = models.PositiveBigIntegerField(_("size unpacked"), default=0)
    mastery_score = models.DecimalField(
        _("mastery score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    scaled_passing_score = models.DecimalField(
        _("scaled passing score"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    launch_data = models.TextField(_("launch data"), blank=True)
    # The default organization's items in order (package.PackageItem.as_json); None
    # for a package stored before items were kept (one SCO, see `toc`).
    items = models.JSONField(null=True, blank=True, editable=False)
    # Navigation between items the manifest allows (SCORM 2004 controlMode).
    choice = models.BooleanField(
        _("learners may choose an item"), default=True, db_default=True
    )
    flow = models.BooleanField(
        _("previous and next between items"), default=True, db_default=True
    )
    # The organization's SCORM 2004 sequencing as honoured, and under "unsupported"
    # what the manifest declares that is not (courses/scorm/sequencing.py).
    sequencing = models.JSONField(
        default=dict, db_default={}, blank=True, editable=False
    )
    original_name = models.CharField(_("uploaded file"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("SCORM package")
        verbose_name_plural = _("SCORM packages")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_version_display()})"

    @property
    def toc(self) -> list[dict]:
        """The items to show and play, in order; a single SCO is one item whose
        identifier is "" (its registration's item)."""
        if self.items:
            return self.items
        return [
            {
                "identifier": "",
                "title": self.title,
                "depth": 0,
                "launch": self.launch,
                "kind": "sco",
                "mastery_score": None
                if self.mastery_score is None
                else str(self.mastery_score),
                "scaled_passing_score": None
                if self.scaled_passing_score is None
                else str(self.scaled_passing_score),
                "launch_data": self.launch_data,
            }
        ]

    @property
    def launchable(self) -> list[dict]:
        return [item for item in self.toc if item["launch"]]

    def item(self, identifier: str) -> dict | None:
        return next(
            (item for item in self.launchable if item["identifier"] == identifier),
            None,
        )


class ScormLessonPage(LessonPage):
    """A lesson whose content is a SCORM package; the package reports completion."""

    package = models.ForeignKey(
        ScormPackage,
        on_delete=models.PROTECT,
        null=True,
        blank=False,
        related_name="lessons",
        verbose_name=_("SCORM package"),
    )
    score_is_evidence = models.BooleanField(
        _("a passing score is assessment evidence"),
        default=True,
        help_text=_(
            "When the learner passes the package, record assessment evidence of the "
            "course's competencies at the course's levels."
        ),
    )

    completion_requires_pass = models.BooleanField(
        _("completion requires a pass"),
        default=False,
        db_default=False,
        help_text=_(
            "Many packages report completed as soon as the last page is reached and "
            "passed only after their test. Tick this to complete the lesson only "
            "when the package reports passed (in every SCO of the package)."
        ),
    )

    content_panels = LessonPage.content_panels + [
        FieldPanel("package"),
        FieldPanel("completion_requires_pass"),
        FieldPanel("score_is_evidence"),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []
    base_form_class = ScormLessonPageForm
    #: The learner does not mark it complete; the package's status does.
    completes_itself = True

    class Meta:
        verbose_name = _("SCORM lesson")
        verbose_name_plural = _("SCORM lessons")

    def serve(self, request, *args, **kwargs):
        from ..scorm.origin import content_origin
        from ..scorm.services import registration_open

        if request.user.is_authenticated:
            registration_open(
                user=request.user, lesson=self, item=request.GET.get("sco")
            )
        response = super().serve(request, *args, **kwargs)
        origin = content_origin()
        if origin:
            response._csp_update = {"frame-src": [origin]}
        return response

    def get_context(self, request, *args, **kwargs):
        from ..scorm.selectors import scorm_player_for_learner

        context = super().get_context(request, *args, **kwargs)
        context["player"] = scorm_player_for_learner(
            lesson=self,
            user=request.user,
            detail=context["detail"],
            requested_item=request.GET.get("sco"),
        )
        return context


class ScormRegistration(models.Model):
    """One learner's runtime data for one item (SCO) of one SCORM lesson of one
    enrolment; the lesson's status is the rollup of its items' (scorm/rollup.py)."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="scorm_registrations"
    )
    lesson = models.ForeignKey(
        ScormLessonPage, on_delete=models.CASCADE, related_name="registrations"
    )
    package = models.ForeignKey(
        ScormPackage, on_delete=models.PROTECT, related_name="registrations"
    )
    # The organization item (SCO or asset) whose data this is; "" for a package
    # with a single SCO.
    item = models.CharField(max_length=255, blank=True, default="", db_default="")
    location = models.CharField(max_length=1000, blank=True)
    suspend_data = models.TextField(blank=True)
    lesson_status = models.CharField(max_length=16, blank=True)  # SCORM 1.2
    completion_status = models.CharField(max_length=16, blank=True)
    success_status = models.CharField(max_length=16, blank=True)
    score_raw = models.DecimalField(
        max_digits=12, decimal_places=4, null=True, blank=True
    )
    score_min = models.DecimalField(
        max_digits=12, decimal_places=4, null=True, blank=True
    )
    score_max = models.DecimalField(
        max_digits=12, decimal_places=4, null=True, blank=True
    )
    score_scaled = models.DecimalField(
        max_digits=8, decimal_places=7, null=True, blank=True
    )
    exit = models.CharField(max_length=16, blank=True)
    # Time: finished sessions add up in total_seconds; the current one is kept apart
    # (a commit repeats the session time so far) until a new session starts.
    total_seconds = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    session_key = models.CharField(max_length=64, blank=True)
    session_seconds = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    # What the SCO recorded of each question and objective (runtime.records_merge),
    # for the instructor's results; None until it records any.
    interactions = models.JSONField(null=True, blank=True)
    objectives = models.JSONField(null=True, blank=True)
    commits = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    passed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("SCORM registration")
        verbose_name_plural = _("SCORM registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson", "item"],
                name="scorm_registration_item_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}/{self.lesson_id}"

    @property
    def time_seconds(self):
        return self.total_seconds + self.session_seconds
