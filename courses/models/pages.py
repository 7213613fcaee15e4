"""Course content in Wagtail: the catalogue, course pages and lesson pages.

Languages: Thai is the page's own title and body; an English version lives in `*_en`
fields on the same page. We chose translated fields over Wagtail's locale trees because
a course is one thing to the Academy: enrolments, progress, completions, competencies
and certificates all hang off one page id, and locale trees would split them across a
page per language and need syncing of every mapping.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from competencies.models import Competency, PersonnelGroup, ProficiencyLevel

from ..blocks import RICH_TEXT_FEATURES, LessonBodyBlock


def _in_language(thai: str, english: str) -> str:
    language = translation.get_language() or "th"
    if language.startswith("en") and english:
        return english
    return thai


class CatalogPage(Page):
    """The course catalogue at /courses/."""

    intro = models.CharField(_("introduction (Thai)"), max_length=400, blank=True)
    intro_en = models.CharField(_("introduction (English)"), max_length=400, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("intro_en")]
    parent_page_types = ["core.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("course catalogue")

    def serve(self, request, *args, **kwargs):
        """A query typed in the catalogue's filters is a search: there is one search
        page, /search/, which takes the same filters."""
        if request.GET.get("q", "").strip():
            from django.shortcuts import redirect
            from django.urls import reverse

            return redirect(f"{reverse('courses:search')}?{request.GET.urlencode()}")
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from ..selectors import (
            catalogue_filter_choices,
            catalogue_filters_parse,
            course_list_for_catalogue,
        )

        context = super().get_context(request, *args, **kwargs)
        filters = catalogue_filters_parse(request.GET)
        context["filters"] = filters
        context["courses"] = course_list_for_catalogue(filters=filters)
        context["choices"] = catalogue_filter_choices()
        return context

    @property
    def display_intro(self) -> str:
        return _in_language(self.intro, self.intro_en)


class CoursePage(Page):
    class DeliveryMode(models.TextChoices):
        SELF_PACED = "self_paced", _("Online, self-paced")
        LIVE_ONLINE = "live_online", _("Live online")
        CLASSROOM = "classroom", _("Classroom")
        BLENDED = "blended", _("Blended")

    class EnrolmentPolicy(models.TextChoices):
        OPEN = "open", _("Open: anyone may enrol")
        APPROVAL = "approval", _("Approval: an administrator approves requests")
        ASSIGNED = "assigned", _("Assigned only: HR assigns learners")

    class CompletionRule(models.TextChoices):
        ALL_LESSONS = "lessons", _("All lessons completed")
        LESSONS_AND_ASSESSMENTS = (
            "lessons_assessments",
            _("All lessons completed and named assessments passed"),
        )

    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    summary = models.TextField(_("summary (Thai)"), max_length=600)
    summary_en = models.TextField(_("summary (English)"), max_length=600, blank=True)
    description = RichTextField(
        _("description (Thai)"), features=RICH_TEXT_FEATURES, blank=True
    )
    description_en = RichTextField(
        _("description (English)"), features=RICH_TEXT_FEATURES, blank=True
    )
    code = models.CharField(
        _("course code"), max_length=32, unique=True, null=True, blank=True
    )
    learning_hours = models.DecimalField(
        _("learning hours"), max_digits=5, decimal_places=1, default=1
    )
    delivery_mode = models.CharField(
        _("delivery mode"),
        max_length=16,
        choices=DeliveryMode.choices,
        default=DeliveryMode.SELF_PACED,
    )
    enrolment_policy = models.CharField(
        _("enrolment policy"),
        max_length=16,
        choices=EnrolmentPolicy.choices,
        default=EnrolmentPolicy.OPEN,
    )
    completion_rule = models.CharField(
        _("completion rule"),
        max_length=24,
        choices=CompletionRule.choices,
        default=CompletionRule.ALL_LESSONS,
    )
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("certificate valid for (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for certificates that do not expire."),
    )
    target_groups = ParentalManyToManyField(
        PersonnelGroup,
        blank=True,
        related_name="courses",
        verbose_name=_("target personnel groups"),
    )

    search_fields = Page.search_fields + [
        index.SearchField("title_en"),
        index.SearchField("summary"),
        index.SearchField("summary_en"),
    ]
    content_panels = Page.content_panels + [
        FieldPanel("title_en"),
        FieldPanel("code"),
        FieldPanel("summary"),
        FieldPanel("summary_en"),
        FieldPanel("description"),
        FieldPanel("description_en"),
        MultiFieldPanel(
            [
                FieldPanel("learning_hours"),
                FieldPanel("delivery_mode"),
                FieldPanel("enrolment_policy"),
                FieldPanel("completion_rule"),
                FieldPanel("certificate_validity_months"),
            ],
            heading=_("Delivery"),
        ),
        InlinePanel(
            "competency_links",
            label=_("Competencies developed"),
            heading=_("Competencies developed"),
        ),
        FieldPanel("target_groups"),
        InlinePanel(
            "prerequisites", label=_("Prerequisites"), heading=_("Prerequisites")
        ),
        InlinePanel(
            "instructors", label=_("Co-instructors"), heading=_("Co-instructors")
        ),
    ]
    parent_page_types = ["courses.CatalogPage"]
    subpage_types = ["courses.LessonPage", "courses.ScormLessonPage"]
    # A copy is a new course: it must get its own code.
    exclude_fields_in_copy = ["code"]

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    @property
    def display_title(self) -> str:
        return _in_language(self.title, self.title_en)

    @property
    def display_summary(self) -> str:
        return _in_language(self.summary, self.summary_en)

    @property
    def display_description(self) -> str:
        return _in_language(self.description, self.description_en)

    def permissions_for_user(self, user):
        """Instructors author only the courses they own or co-teach (courses.permissions)."""
        from ..permissions import CourseAuthoringPermissionTester

        return CourseAuthoringPermissionTester(user, self)

    def get_context(self, request, *args, **kwargs):
        from ..assessments.selectors import course_assessments_for_learner
        from ..selectors import course_detail_for_learner

        context = super().get_context(request, *args, **kwargs)
        context["detail"] = course_detail_for_learner(course=self, user=request.user)
        context["assessments"] = course_assessments_for_learner(
            user=request.user, course=self
        )
        context["next_assessment"] = next(
            (
                state.assessment
                for state in context["assessments"]
                if state.assessment.required_for_completion and not state.passed
            ),
            None,
        )
        return context


class CourseCompetency(Orderable):
    """A competency the course develops, and the level a learner reaches by completing it."""

    page = ParentalKey(
        CoursePage, on_delete=models.CASCADE, related_name="competency_links"
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="course_links"
    )
    level = models.ForeignKey(
        ProficiencyLevel, on_delete=models.PROTECT, related_name="+"
    )

    panels = [FieldPanel("competency"), FieldPanel("level")]

    class Meta(Orderable.Meta):
        verbose_name = _("competency developed")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "competency"], name="course_competency_unique"
            )
        ]

    def clean(self) -> None:
        if (
            self.competency_id
            and self.level_id
            and self.level.scale_id != self.competency.framework.scale_id
        ):
            raise ValidationError(
                {"level": _("The level is not on the competency's framework scale.")}
            )


class CoursePrerequisite(Orderable):
    """Either another course to complete first, or a competency at a level."""

    page = ParentalKey(
        CoursePage, on_delete=models.CASCADE, related_name="prerequisites"
    )
    required_course = models.ForeignKey(
        CoursePage,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="required_by",
        verbose_name=_("course"),
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    level = models.ForeignKey(
        ProficiencyLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("at least level"),
    )

    panels = [
        FieldPanel("required_course"),
        FieldPanel("competency"),
        FieldPanel("level"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("prerequisite")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        required_course__isnull=False,
                        competency__isnull=True,
                        level__isnull=True,
                    )
                    | models.Q(
                        required_course__isnull=True,
                        competency__isnull=False,
                        level__isnull=False,
                    )
                ),
                name="prerequisite_course_xor_competency",
            )
        ]

    def clean(self) -> None:
        has_course = self.required_course_id is not None
        has_competency = self.competency_id is not None or self.level_id is not None
        if has_course == has_competency:
            raise ValidationError(
                _("Choose either a course, or a competency and a level.")
            )
        if has_competency and not (self.competency_id and self.level_id):
            raise ValidationError(_("A competency prerequisite needs a level."))
        if self.required_course_id and self.required_course_id == self.page_id:
            raise ValidationError(
                {"required_course": _("A course cannot require itself.")}
            )


class CourseInstructor(Orderable):
    """Instructors besides the page owner who may edit the course."""

    page = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="instructors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("user")]

    class Meta(Orderable.Meta):
        verbose_name = _("co-instructor")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "user"], name="course_instructor_unique"
            )
        ]


class LessonPage(Page):
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"), default=15
    )
    body = StreamField(LessonBodyBlock(), verbose_name=_("body (Thai)"), blank=True)
    body_en = StreamField(
        LessonBodyBlock(),
        verbose_name=_("body (English)"),
        blank=True,
        help_text=_("Optional English version; learners reading in English see it."),
    )

    search_fields = Page.search_fields + [index.SearchField("title_en")]
    content_panels = Page.content_panels + [
        FieldPanel("title_en"),
        FieldPanel("estimated_minutes"),
        FieldPanel("body"),
        FieldPanel("body_en"),
    ]
    parent_page_types = ["courses.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    @property
    def display_title(self) -> str:
        return _in_language(self.title, self.title_en)

    @property
    def display_body(self):
        language = translation.get_language() or "th"
        if language.startswith("en") and self.body_en:
            return self.body_en
        return self.body

    def permissions_for_user(self, user):
        """Instructors author only the courses they own or co-teach (courses.permissions)."""
        from ..permissions import CourseAuthoringPermissionTester

        return CourseAuthoringPermissionTester(user, self)

    def serve(self, request, *args, **kwargs):
        from ..services import lesson_view_record

        if request.user.is_authenticated:
            lesson_view_record(user=request.user, lesson=self)
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from ..selectors import lesson_detail_for_learner

        context = super().get_context(request, *args, **kwargs)
        context["detail"] = lesson_detail_for_learner(lesson=self, user=request.user)
        return context
