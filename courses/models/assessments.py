"""Question banks, questions, assessments and attempts: plain Django models beside the pages.

A question is authored once in a bank and tagged with the competency and level it
tests; an assessment draws from banks by competency. An attempt stores what it drew
(`QuestionSnapshot.to_dict()` of each question, with fresh random option ids) and the
order it shows the options in, so that later edits to a question never change an
attempt already started, and a reload shows the same questions in the same order.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from competencies.models import Competency, Framework, ProficiencyLevel

from ..questions import DraftOption, QuestionDraft, QuestionKind
from .pages import CoursePage, LessonPage, _in_language


class QuestionBank(models.Model):
    """Questions an instructor owns, on the competencies of one framework."""

    code = models.SlugField(
        _("code"),
        max_length=64,
        unique=True,
        help_text=_("The bank's code in question CSV files."),
    )
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    framework = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        related_name="question_banks",
        verbose_name=_("competency framework"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="question_banks",
        verbose_name=_("owner"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("code"),
        FieldPanel("framework"),
        FieldPanel("description"),
    ]

    class Meta:
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        ordering = ["title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"


class Question(ClusterableModel):
    """An authored question; `draft()` is its pure form, graded through a snapshot."""

    class Kind(models.TextChoices):
        SINGLE = QuestionKind.SINGLE.value, _("Single choice")
        MULTIPLE = QuestionKind.MULTIPLE.value, _("Multiple choice")
        TRUE_FALSE = QuestionKind.TRUE_FALSE.value, _("True or false")
        MATCHING = QuestionKind.MATCHING.value, _("Matching")
        ORDERING = QuestionKind.ORDERING.value, _("Ordering")
        NUMERIC = QuestionKind.NUMERIC.value, _("Numeric")
        SHORT_TEXT = QuestionKind.SHORT_TEXT.value, _("Short text")

    bank = models.ForeignKey(
        QuestionBank,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("question bank"),
    )
    external_id = models.CharField(
        _("identifier"),
        max_length=64,
        help_text=_("Unique in the bank; CSV re-imports update the question by it."),
    )
    kind = models.CharField(
        _("type"), max_length=16, choices=Kind.choices, default=Kind.SINGLE
    )
    # Empty only for a question imported from a file that has no place for them
    # (Moodle XML): such a question is "unmapped" and is never drawn until an
    # instructor sets both (see `is_unmapped`).
    competency = models.ForeignKey(
        Competency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("competency tested"),
    )
    level = models.ForeignKey(
        ProficiencyLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("level tested"),
    )
    category = models.CharField(
        _("category"),
        max_length=255,
        blank=True,
        db_default="",
        help_text=_("A label for grouping, e.g. the Moodle category it came from."),
    )
    tags = models.TextField(
        _("tags"),
        blank=True,
        db_default="",
        help_text=_("One tag per line, e.g. the Moodle tags it came with."),
    )
    prompt = models.TextField(_("question"))
    explanation = models.TextField(
        _("explanation"),
        blank=True,
        help_text=_("Shown with the correct answers, when the feedback policy allows."),
    )
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2, default=1)
    numeric_answer = models.DecimalField(
        _("numeric answer"), max_digits=32, decimal_places=8, null=True, blank=True
    )
    numeric_tolerance = models.DecimalField(
        _("tolerance (±)"), max_digits=32, decimal_places=8, default=0
    )
    accepted_answers = models.TextField(
        _("accepted answers"),
        blank=True,
        help_text=_("Short text: one accepted answer per line."),
    )
    case_sensitive = models.BooleanField(_("case-sensitive"), default=False)
    all_or_nothing = models.BooleanField(
        _("all or nothing"),
        default=False,
        help_text=_("Multiple choice, matching, ordering: no partial credit."),
    )
    is_active = models.BooleanField(
        _("in use"),
        default=True,
        help_text=_("Questions not in use are never drawn into new attempts."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("bank"),
        FieldRowPanel([FieldPanel("external_id"), FieldPanel("kind")]),
        FieldRowPanel(
            [FieldPanel("competency"), FieldPanel("level")],
            help_text=_(
                "Both are needed before the question can be drawn into an assessment."
            ),
        ),
        FieldRowPanel([FieldPanel("category"), FieldPanel("tags")]),
        FieldPanel("prompt"),
        InlinePanel(
            "options",
            label=_("Option"),
            heading=_("Options"),
            help_text=_(
                "Single and multiple choice: tick the correct options. True or false: "
                "two options, the first for true and the second for false, text left "
                "empty, the right one ticked. Matching: the left item as text and its "
                "right choice as match (empty text adds a distractor). Ordering: the "
                "items in the right order."
            ),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("numeric_answer"), FieldPanel("numeric_tolerance")]
                ),
                FieldPanel("accepted_answers"),
                FieldRowPanel(
                    [FieldPanel("case_sensitive"), FieldPanel("all_or_nothing")]
                ),
            ],
            heading=_("Answer"),
        ),
        FieldPanel("explanation"),
        FieldRowPanel([FieldPanel("points"), FieldPanel("is_active")]),
    ]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["bank", "external_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "external_id"], name="question_external_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(points__gt=0), name="question_points_positive"
            ),
            models.CheckConstraint(
                condition=Q(numeric_tolerance__gte=0),
                name="question_tolerance_not_negative",
            ),
        ]
        indexes = [
            models.Index(
                fields=["bank", "competency", "is_active"],
                name="question_bank_competency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.external_id}: {self.prompt[:60]}"

    #: The questions an instructor still has to give a competency and a level.
    UNMAPPED = Q(competency__isnull=True) | Q(level__isnull=True)

    @property
    def is_unmapped(self) -> bool:
        """True until both the competency and the level tested are set; an unmapped
        question is never drawn into an attempt."""
        return self.competency_id is None or self.level_id is None

    @property
    def mapping_status(self) -> str:
        """For listings: whether the question can be drawn, or what it lacks."""
        if self.is_unmapped:
            return _("No: needs a competency and level")
        return pgettext_lazy("question can be drawn", "Yes")

    @property
    def tag_list(self) -> list[str]:
        return [line.strip() for line in self.tags.splitlines() if line.strip()]

    def clean(self) -> None:
        errors = {}
        if (
            self.level_id
            and self.competency_id
            and self.level.scale_id != self.competency.framework.scale_id
        ):
            errors["level"] = _("The level is not on the competency's framework scale.")
        if (
            self.bank_id
            and self.competency_id
            and self.competency.framework_id != self.bank.framework_id
        ):
            errors["competency"] = _("The competency is not in the bank's framework.")
        if errors:
            raise ValidationError(errors)

    def draft(self, options=None) -> QuestionDraft:
        """The question as plain data; `options` default to the saved ones, in order."""
        if options is None:
            options = sorted(self.options.all(), key=lambda option: option.sort_order)
        return QuestionDraft(
            bank=self.bank.code,
            external_id=self.external_id,
            kind=QuestionKind(self.kind),
            competency_code=self.competency.code if self.competency_id else "",
            level=self.level.rank if self.level_id else None,
            prompt=self.prompt,
            options=tuple(
                DraftOption(
                    text=option.text,
                    feedback=option.feedback,
                    is_correct=option.is_correct,
                    match=option.match,
                )
                for option in options
            ),
            numeric_answer=self.numeric_answer,
            numeric_tolerance=(
                Decimal(0) if self.numeric_tolerance is None else self.numeric_tolerance
            ),
            accepted_answers=tuple(
                line.strip()
                for line in self.accepted_answers.splitlines()
                if line.strip()
            ),
            case_sensitive=self.case_sensitive,
            all_or_nothing=self.all_or_nothing,
            explanation=self.explanation,
            points=self.points,
        )


class QuestionOption(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="options")
    text = models.TextField(_("text"), blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    is_correct = models.BooleanField(_("correct"), default=False)
    match = models.CharField(_("match (matching)"), max_length=255, blank=True)

    panels = [
        FieldPanel("text"),
        FieldRowPanel([FieldPanel("is_correct"), FieldPanel("match")]),
        FieldPanel("feedback"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self) -> str:
        return self.text[:60]


class Assessment(ClusterableModel):
    """A quiz in a course, or a placement assessment of a competency area."""

    class Kind(models.TextChoices):
        COURSE = "course", _("Course assessment")
        PLACEMENT = "placement", _("Placement assessment")

    class FeedbackPolicy(models.TextChoices):
        AFTER_LAST_ATTEMPT = (
            "after_last_attempt",
            _("After the last attempt (or from the date below, if given)"),
        )
        AFTER_PASSING = "after_passing", _("Once the learner has passed")
        AFTER_SUBMISSION = "after_submission", _("Immediately after each submission")
        AFTER_DATE = "after_date", _("After a date")
        NEVER = "never", _("Never (scores only)")

    title = models.CharField(_("title (Thai)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    instructions = models.TextField(_("instructions"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=16, choices=Kind.choices, default=Kind.COURSE
    )
    course = models.ForeignKey(
        CoursePage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("course"),
    )
    after_lesson = models.ForeignKey(
        LessonPage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("after lesson"),
        help_text=_("Where it appears in the course; empty for the end of the course."),
    )
    required_for_completion = models.BooleanField(
        _("required to complete the course"),
        default=True,
        help_text=_(
            "Counts when the course's completion rule includes named assessments."
        ),
    )
    area = models.ForeignKey(
        Competency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="placement_assessments",
        verbose_name=_("competency area"),
        help_text=_("Placement assessments: the area whose level they measure."),
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        help_text=_("Empty for no time limit."),
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), null=True, blank=True, help_text=_("Empty for no limit.")
    )
    pass_mark_percent = models.DecimalField(
        _("pass mark (%)"), max_digits=5, decimal_places=2, default=60
    )
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)
    feedback_policy = models.CharField(
        _("feedback and correct answers shown"),
        max_length=24,
        choices=FeedbackPolicy.choices,
        default=FeedbackPolicy.AFTER_LAST_ATTEMPT,
        help_text=_(
            "When learners see the correct answers, feedback and explanations of a "
            "submitted attempt. Never before submission. The default keeps them "
            "hidden while a learner who failed may still try again."
        ),
    )
    feedback_from = models.DateTimeField(
        _("feedback shown from"),
        null=True,
        blank=True,
        help_text=_(
            "For the policy “after a date”, and the closing date of the policy "
            "“after the last attempt”."
        ),
    )
    is_published = models.BooleanField(
        _("open to learners"),
        default=False,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("owner"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("title_en"),
        FieldPanel("instructions"),
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("course"),
                FieldPanel("after_lesson"),
                FieldPanel("required_for_completion"),
                FieldPanel("area"),
            ],
            heading=_("Placement"),
        ),
        InlinePanel(
            "rules",
            min_num=1,
            label=_("Questions to draw"),
            heading=_("Questions to draw"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("time_limit_minutes"),
                FieldPanel("attempts_allowed"),
                FieldPanel("pass_mark_percent"),
                FieldPanel("shuffle_options"),
                FieldPanel("feedback_policy"),
                FieldPanel("feedback_from"),
            ],
            heading=_("Rules"),
        ),
        FieldPanel("is_published"),
    ]

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="course", course__isnull=False, area__isnull=True)
                    | Q(kind="placement", course__isnull=True, area__isnull=False)
                ),
                name="assessment_course_xor_area",
            ),
            models.CheckConstraint(
                condition=Q(pass_mark_percent__gte=0, pass_mark_percent__lte=100),
                name="assessment_pass_mark_percent",
            ),
            models.CheckConstraint(
                condition=~Q(feedback_policy="after_date")
                | Q(feedback_from__isnull=False),
                name="assessment_feedback_date_set",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.kind == self.Kind.COURSE:
            if not self.course_id:
                errors["course"] = _("A course assessment belongs to a course.")
            if self.area_id:
                errors["area"] = _("Only a placement assessment has an area.")
            if (
                self.after_lesson_id
                and self.course_id
                and not self.after_lesson.path.startswith(self.course.path)
            ):
                errors["after_lesson"] = _("The lesson is not in this course.")
        else:
            if not self.area_id:
                errors["area"] = _("A placement assessment measures an area.")
            if self.course_id:
                errors["course"] = _("A placement assessment is not in a course.")
        if (
            self.feedback_policy == self.FeedbackPolicy.AFTER_DATE
            and not self.feedback_from
        ):
            errors["feedback_from"] = _("Give the date from which feedback is shown.")
        if self.pass_mark_percent is not None and not (
            0 <= self.pass_mark_percent <= 100
        ):
            errors["pass_mark_percent"] = _("The pass mark is a percentage, 0 to 100.")
        if errors:
            raise ValidationError(errors)

    @property
    def display_title(self) -> str:
        return _in_language(self.title, self.title_en)

    @property
    def time_limit(self) -> timedelta | None:
        return (
            timedelta(minutes=self.time_limit_minutes)
            if self.time_limit_minutes
            else None
        )


class AssessmentRule(Orderable):
    """Draw `count` questions on `competency` from `bank`."""

    assessment = ParentalKey(Assessment, on_delete=models.CASCADE, related_name="rules")
    bank = models.ForeignKey(
        QuestionBank,
        on_delete=models.PROTECT,
        related_name="rules",
        verbose_name=_("question bank"),
    )
    competency = models.ForeignKey(
        Competency,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("competency"),
    )
    count = models.PositiveSmallIntegerField(_("questions"), default=5)

    panels = [
        FieldRowPanel(
            [FieldPanel("bank"), FieldPanel("competency"), FieldPanel("count")]
        )
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("questions to draw")
        verbose_name_plural = _("questions to draw")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "bank", "competency"],
                name="assessment_rule_unique",
            ),
            models.CheckConstraint(
                condition=Q(count__gte=1), name="assessment_rule_count_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.count} × {self.competency_id} from {self.bank_id}"

    def clean(self) -> None:
        if (
            self.bank_id
            and self.competency_id
            and self.competency.framework_id != self.bank.framework_id
        ):
            raise ValidationError(
                {"competency": _("The competency is not in the bank's framework.")}
            )


class Attempt(models.Model):
    """One learner's attempt: what was drawn, what they answered, how it was graded."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", pgettext_lazy("attempt", "In progress")
        SUBMITTED = "submitted", _("Submitted")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="attempts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assessment_attempts",
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.IN_PROGRESS,
    )
    seed = models.CharField(max_length=32)
    #: QuestionSnapshot.to_dict() of each drawn question, in the order shown.
    questions = models.JSONField(default=list)
    #: {question id: [option ids in the order shown]}.
    option_orders = models.JSONField(default=dict)
    #: {competency code: Competency pk}, to record evidence against the right rows.
    competency_ids = models.JSONField(default=dict)
    #: {question id: response}, as courses.grading.grade reads them.
    responses = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    saved_at = models.DateTimeField(_("last saved at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    auto_submitted = models.BooleanField(
        _("submitted at the time limit"), default=False
    )
    score = models.DecimalField(
        _("score"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    max_score = models.DecimalField(
        _("maximum score"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    percent = models.DecimalField(
        _("percent"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    #: {"answers": {id: {score, max_score, correct, feedback}},
    #:  "competencies": {code: {score, max_score, percent, level_reached}}}
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "user", "number"], name="attempt_number_unique"
            ),
            models.UniqueConstraint(
                fields=["assessment", "user"],
                condition=Q(status="in_progress"),
                name="attempt_one_in_progress",
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress", submitted_at__isnull=True)
                | Q(
                    status="submitted",
                    submitted_at__isnull=False,
                    score__isnull=False,
                    passed__isnull=False,
                ),
                name="attempt_submitted_graded",
            ),
        ]
        indexes = [
            models.Index(
                fields=["assessment", "status"], name="attempt_assessment_status"
            ),
            models.Index(fields=["user", "status"], name="attempt_user_status"),
            # The sweep of abandoned attempts whose time ran out.
            models.Index(
                fields=["deadline"],
                condition=Q(status="in_progress"),
                name="attempt_open_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.assessment} #{self.number}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    def is_past_deadline(self, now=None) -> bool:
        return self.deadline is not None and (now or timezone.now()) >= self.deadline
