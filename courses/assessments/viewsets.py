"""Assessments in the Wagtail admin: question banks, questions, assessments and results.

Django model permissions (granted to instructors and academy administrators in
courses/migrations/0004_assessments.py) decide who reaches these views at all; the
selectors `banks_for_author` and `assessments_for_author` decide which rows: an
instructor lists, edits, deletes, imports into, exports from and reads the results of
only their own banks and assessments (and those of the courses they own or co-teach),
and reads the history and usage of nothing else; anything else is a 404. The site
history report leaves out other authors' banks, questions and assessments.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.reports.audit_logging import (
    LogEntriesView,
    SiteHistoryReportFilterSet,
)
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import ModelLogEntry

import django_filters

from academy.accounts.audit import AuditAction, audit_record
from academy.core.uploads import DryRunImportView

from ..models import Assessment, CoursePage, Question, QuestionBank
from ..page_permissions import authored_course_paths
from ..question_io import QuestionImportError
from ..questions import DraftOption, QuestionDraft, QuestionKind
from .forms import MoodleQuestionImportForm, QuestionImportForm
from .selectors import (
    _authors_everything,
    assessment_pool_warnings,
    assessment_results,
    assessments_for_author,
    banks_for_author,
    log_entries_for_author,
    questions_for_author,
)
from .services import (
    moodle_questions_import,
    question_draft_check,
    questions_export,
    questions_import,
)

# ------------------------------------------------------------------------------
# Views narrowed to what the user authors
# ------------------------------------------------------------------------------


def _narrowed(request, model):
    if model is QuestionBank:
        return banks_for_author(request.user)
    if model is Question:
        return questions_for_author(request.user)
    return assessments_for_author(request.user)


class ObjectActionsMixin:
    """The viewset's extra views of one object (import, export, results) as buttons:
    in each listing row's "More" menu and in the edit view's header menu, so that
    nobody has to know their URLs. `object_actions`: (label, URL name, icon)."""

    object_actions: tuple[tuple, ...] = ()

    @property
    def _namespace(self) -> str:
        return self.index_url_name.split(":")[0]

    def object_action_urls(self, instance):
        return [
            (label, reverse(f"{self._namespace}:{name}", args=[instance.pk]), icon)
            for label, name, icon in self.object_actions
        ]


class NarrowedIndexView(ObjectActionsMixin, generic.IndexView):
    def get_base_queryset(self):
        return _narrowed(self.request, self.model)

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        for priority, (label, url, icon) in enumerate(
            self.object_action_urls(instance), start=12
        ):
            buttons.append(MenuItem(label, url=url, icon_name=icon, priority=priority))
        return buttons


class NarrowedObjectMixin:
    def get_object(self, queryset=None):
        found = _narrowed(self.request, self.model).filter(pk=self.kwargs["pk"]).first()
        if found is None:
            raise Http404
        return found


class NarrowedEditView(ObjectActionsMixin, NarrowedObjectMixin, generic.EditView):
    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        for priority, (label, url, icon) in enumerate(
            self.object_action_urls(self.object), start=5
        ):
            buttons.append(Button(label, url=url, icon_name=icon, priority=priority))
        return buttons


class AssessmentEditView(NarrowedEditView):
    """The assessment's form, with a warning for each question pool too small."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # The response is rendered later, so the messages still show on this page.
        for warning in assessment_pool_warnings(self.object):
            messages.warning(request, warning)
        return response


class NarrowedDeleteView(NarrowedObjectMixin, generic.DeleteView):
    pass


class NarrowedHistoryView(generic.HistoryView):
    """An object's history: only of an object the user authors (else 404)."""

    def get_base_object_queryset(self):
        return _narrowed(self.request, self.model)


class NarrowedUsageView(generic.UsageView):
    """Where an object is used: only of an object the user authors (else 404)."""

    def get_base_object_queryset(self):
        return _narrowed(self.request, self.model)


def _site_history_entries(user) -> list:
    """Each log model's entries `user` may read in the site history report."""
    entries = []
    for log_model in log_action_registry.get_log_entry_models():
        visible = log_model.objects.viewable_by_user(user)
        if issubclass(log_model, ModelLogEntry):
            visible = log_entries_for_author(user, visible)
        entries.append(visible)
    return entries


class NarrowedSiteHistoryFilterSet(SiteHistoryReportFilterSet):
    """The report's filter choices drawn from the rows the user may read only.

    Wagtail offers every user and content type of every log entry the user's model
    permissions reach (and, for users, of every page log entry), which would name
    other instructors in the dropdowns even though their rows are left out.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "object_type" in self.filters:
            self.filters["object_type"].queryset = self._content_types

    def _content_types(self, request):
        ids = set()
        for entries in _site_history_entries(request.user):
            ids.update(entries.get_content_type_ids())
        return ContentType.objects.filter(pk__in=ids).order_by("model")

    def get_action_choices(self):
        actions = set()
        for entries in _site_history_entries(self.request.user):
            actions.update(entries.get_actions())
        return [
            choice
            for choice in log_action_registry.get_choices()
            if choice[0] in actions
        ]

    def get_users_queryset(self):
        ids = set()
        for entries in _site_history_entries(self.request.user):
            ids.update(entries.get_user_ids())
        User = get_user_model()
        return User.objects.filter(pk__in=ids).order_by(User.USERNAME_FIELD)


class NarrowedSiteHistoryView(LogEntriesView):
    """Wagtail's site history report, without other authors' banks, questions and
    assessments (pages are narrowed by AcademyPagePermissionPolicy already), and
    with filter choices naming only what those rows show.
    Served at Wagtail's own URLs, ahead of them (academy/urls.py)."""

    filterset_class = NarrowedSiteHistoryFilterSet

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if issubclass(queryset.model, ModelLogEntry):
            queryset = log_entries_for_author(self.request.user, queryset)
        return queryset


class OwnedCreateView(generic.CreateView):
    def save_instance(self):
        instance = self.form.instance
        if getattr(instance, "owner_id", False) is None:
            instance.owner = self.request.user
        return super().save_instance()


# ------------------------------------------------------------------------------
# Forms: choices narrowed, questions checked as they will be drawn
# ------------------------------------------------------------------------------


class QuestionAdminForm(WagtailAdminModelForm):
    """Refuses a question that could not be drawn into an attempt, saying why."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "bank" in self.fields:
            self.fields["bank"].queryset = banks_for_author(self.for_user)

    def clean(self):
        cleaned = super().clean()
        if self.errors or not all(cleaned.get(name) for name in ("bank", "prompt")):
            return cleaned
        competency, level = cleaned.get("competency"), cleaned.get("level")
        if bool(competency) != bool(level):
            self.add_error(
                "level" if competency else "competency",
                gettext(
                    "Set both the competency and the level, or neither (the question "
                    "then waits, unmapped, and is never drawn)."
                ),
            )
            return cleaned
        formset = self.formsets.get("options")
        rows = []
        # The parent form is cleaned before its formsets; clean them now to read them.
        if formset is not None and formset.is_valid():
            for form in formset.forms:
                data = getattr(form, "cleaned_data", None) or {}
                if not data or data.get("DELETE"):
                    continue
                rows.append((data.get("ORDER") or 0, data))
        rows.sort(key=lambda row: row[0])
        accepted = cleaned.get("accepted_answers") or ""
        draft = QuestionDraft(
            bank=cleaned["bank"].code,
            external_id=cleaned.get("external_id") or "-",
            kind=QuestionKind(cleaned.get("kind") or "single"),
            # An unmapped question is checked as it will be once mapped.
            competency_code=competency.code if competency else "unmapped",
            level=level.rank if level else 1,
            prompt=cleaned["prompt"],
            options=tuple(
                DraftOption(
                    text=data.get("text") or "",
                    feedback=data.get("feedback") or "",
                    is_correct=bool(data.get("is_correct")),
                    match=data.get("match") or "",
                )
                for _order, data in rows
            ),
            numeric_answer=cleaned.get("numeric_answer"),
            numeric_tolerance=cleaned.get("numeric_tolerance") or 0,
            accepted_answers=tuple(
                line.strip() for line in accepted.splitlines() if line.strip()
            ),
            case_sensitive=bool(cleaned.get("case_sensitive")),
            all_or_nothing=bool(cleaned.get("all_or_nothing")),
            explanation=cleaned.get("explanation") or "",
            points=cleaned.get("points") or 1,
        )
        try:
            question_draft_check(draft)
        except forms.ValidationError as error:
            self.add_error(
                None,
                gettext("This question cannot be drawn as written: %(reason)s")
                % {"reason": "; ".join(error.messages)},
            )
        return cleaned


class AssessmentAdminForm(WagtailAdminModelForm):
    """Courses and banks limited to those the author may use."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is None or _authors_everything(user):
            return
        if "course" in self.fields:
            self.fields["course"].queryset = CoursePage.objects.filter(
                path__in=list(authored_course_paths(user))
            )
        banks = banks_for_author(user)
        rules = self.formsets.get("rules")
        if rules is not None:
            for form in [*rules.forms, rules.empty_form]:
                if "bank" in form.fields:
                    form.fields["bank"].queryset = banks

    def clean(self):
        """An assessment opened to learners must be drawable: every rule's bank has
        enough questions ready on its competency. Questions without a competency
        and level (e.g. fresh from a Moodle XML import) do not count; the error
        says how many of them wait in the bank."""
        cleaned = super().clean()
        rules = self.formsets.get("rules")
        if (
            self.errors
            or not cleaned.get("is_published")
            or rules is None
            or not rules.is_valid()
        ):
            return cleaned
        for form in rules.forms:
            data = getattr(form, "cleaned_data", None) or {}
            bank, competency = data.get("bank"), data.get("competency")
            if data.get("DELETE") or not bank or not competency:
                continue
            ready = Question.objects.filter(
                bank=bank, competency=competency, level__isnull=False, is_active=True
            ).count()
            if ready >= (data.get("count") or 0):
                continue
            waiting = Question.objects.filter(bank=bank, is_active=True).filter(
                Question.UNMAPPED
            )
            self.add_error(
                "is_published",
                gettext(
                    "The bank %(bank)s has %(ready)d question(s) ready on %(competency)s; "
                    "the assessment draws %(count)d. %(waiting)d question(s) of the bank "
                    "still need a competency and level."
                )
                % {
                    "bank": bank.code,
                    "ready": ready,
                    "competency": competency.code,
                    "count": data["count"],
                    "waiting": waiting.count(),
                },
            )
        return cleaned


# ------------------------------------------------------------------------------
# Import, export, results
# ------------------------------------------------------------------------------


def _authored_bank(user, pk) -> QuestionBank:
    """The bank `pk` if `user` authors it; 404 otherwise."""
    bank = banks_for_author(user).filter(pk=pk).first()
    if bank is None:
        raise Http404
    return bank


class BankObjectView(View):
    """A view about one bank the user authors (404 otherwise)."""

    def bank(self, request, pk) -> QuestionBank:
        return _authored_bank(request.user, pk)


class QuestionExportView(BankObjectView):
    def get(self, request, pk):
        bank = self.bank(request, pk)
        response = HttpResponse(
            questions_export(bank=bank), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"questions-{slugify(bank.code)}.csv"
        )
        return response


class BankImportView(DryRunImportView, TemplateView):
    """An import into one bank the user authors (404 otherwise, before anything is
    read, for the upload, the dry run and the confirmation alike): upload → dry run
    (nothing stored) → confirm, as every admin import (DryRunImportView).

    A subclass names `import_into_bank(bank=, content=, dry_run=)` (a service that
    raises QuestionImportError with every problem), `outcome_name` (what the dry
    run page calls its outcome) and writes `applied(outcome, filename)`.
    """

    pending_directory = "courses/imports"
    outcome_name = ""

    def import_into_bank(self, *, bank: QuestionBank, content: bytes, dry_run: bool):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        self.bank = _authored_bank(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(bank=self.bank, **kwargs)

    def run(self, content: bytes, *, dry_run: bool):
        try:
            outcome = self.import_into_bank(
                bank=self.bank, content=content, dry_run=dry_run
            )
        except QuestionImportError as error:
            return None, error.problems
        return outcome, []

    def dry_run(self, content: bytes, *, filename: str):
        outcome, problems = self.run(content, dry_run=True)
        return {self.outcome_name: outcome}, problems

    def apply(self, content: bytes, *, filename: str):
        return self.run(content, dry_run=False)

    def problems_message(self, filename: str, count: int) -> str:
        return gettext(
            "“%(name)s” was not imported: %(count)d problem(s). Nothing was stored."
        ) % {"name": filename, "count": count}


class QuestionImportView(BankImportView):
    """Questions as CSV (the export's format): the dry run lists every problem of
    every line, or each question to be created or updated."""

    template_name = "courses/assessments/admin/question_import.html"
    form_class = QuestionImportForm
    url_name = "question_banks:import"
    pending_session_key = "courses_pending_question_imports"
    outcome_name = "summary"

    def import_into_bank(self, *, bank: QuestionBank, content: bytes, dry_run: bool):
        return questions_import(bank=bank, content=content, dry_run=dry_run)

    def applied(self, summary, *, filename: str):
        messages.success(
            self.request,
            gettext(
                "“%(name)s” imported: %(created)d new question(s), %(updated)d "
                "updated, %(unchanged)d unchanged."
            )
            % {
                "name": filename,
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
            },
        )
        return redirect("question_banks:edit", self.bank.pk)


class MoodleQuestionImportView(BankImportView):
    """Questions as Moodle XML: the dry run lists what would be created, updated
    or skipped, and how many questions will need a competency and level."""

    template_name = "courses/assessments/admin/moodle_import.html"
    form_class = MoodleQuestionImportForm
    url_name = "question_banks:import_moodle"
    pending_session_key = "courses_pending_moodle_imports"
    outcome_name = "result"

    def import_into_bank(self, *, bank: QuestionBank, content: bytes, dry_run: bool):
        return moodle_questions_import(bank=bank, content=content, dry_run=dry_run)

    def applied(self, result, *, filename: str):
        messages.success(
            self.request,
            gettext(
                "“%(name)s” imported: %(created)d new question(s), %(updated)d "
                "updated, %(unchanged)d unchanged, %(skipped)d skipped; "
                "%(unmapped)d need a competency and level before use."
            )
            % {
                "name": filename,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "skipped": len(result.skipped),
                "unmapped": result.unmapped,
            },
        )
        return redirect(
            reverse("questions:index") + f"?bank={self.bank.pk}&unmapped=true"
            if result.unmapped
            else reverse("question_banks:edit", args=[self.bank.pk])
        )


class AssessmentResultsView(View):
    template_name = "courses/assessments/admin/results.html"

    def get(self, request, pk):
        assessment = assessments_for_author(request.user).filter(pk=pk).first()
        if assessment is None:
            raise Http404
        results = assessment_results(assessment=assessment)
        others = {a.user_id for a in results.attempts if a.user_id != request.user.pk}
        if others:
            audit_record(
                actor=request.user,
                action=AuditAction.RESULTS_VIEW,
                obj=assessment,
                request=request,
                detail={"learners": len(others), "attempts": len(results.attempts)},
            )
        bins = [
            {"low": index * 10, "high": index * 10 + 10, "count": count}
            for index, count in enumerate(results.distribution.bins)
        ]
        widest = max(results.distribution.bins) or 1
        for item in bins:
            item["width"] = round(100 * item["count"] / widest)
        return TemplateResponse(
            request,
            self.template_name,
            {"results": results, "assessment": assessment, "bins": bins},
        )


# ------------------------------------------------------------------------------
# Viewsets
# ------------------------------------------------------------------------------


class NarrowedViewSet(ModelViewSet):
    object_actions: tuple[tuple, ...] = ()
    index_view_class = NarrowedIndexView
    add_view_class = OwnedCreateView
    edit_view_class = NarrowedEditView
    delete_view_class = NarrowedDeleteView
    history_view_class = NarrowedHistoryView
    usage_view_class = NarrowedUsageView
    copy_view_enabled = False
    inspect_view_enabled = False

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            object_actions=self.object_actions, **kwargs
        )

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(
            object_actions=self.object_actions, **kwargs
        )


class QuestionBankViewSet(NarrowedViewSet):
    object_actions = (
        (_("Import questions (CSV)"), "import", "upload"),
        (_("Import questions (Moodle XML)"), "import_moodle", "upload"),
        (_("Export questions (CSV)"), "export", "download"),
    )
    model = QuestionBank
    icon = "folder-open-inverse"
    menu_label = _("Question banks")
    name = "question_banks"
    url_prefix = "assessments/banks"
    list_display = ["title", "code", "framework"]
    search_fields = ["title", "code"]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/import/", QuestionImportView.as_view(), name="import"),
            path(
                "<int:pk>/import-moodle/",
                MoodleQuestionImportView.as_view(),
                name="import_moodle",
            ),
            path("<int:pk>/export/", QuestionExportView.as_view(), name="export"),
        ]


def _authored_banks(request):
    return banks_for_author(request.user)


class QuestionFilterSet(WagtailFilterSet):
    """Kind, in use, bank (the user's own only) and "unmapped": the questions still
    needing a competency and level, e.g. after a Moodle XML import."""

    bank = django_filters.ModelChoiceFilter(
        label=_("question bank"), queryset=_authored_banks
    )
    unmapped = django_filters.BooleanFilter(
        label=_("Needs a competency and level"),
        method="filter_unmapped",
        widget=BooleanRadioSelect,
    )

    class Meta:
        model = Question
        fields = ["kind", "is_active"]

    def filter_unmapped(self, queryset, name, value):
        if value is None:
            return queryset
        if value:
            return queryset.filter(Question.UNMAPPED)
        return queryset.exclude(Question.UNMAPPED)


class QuestionViewSet(NarrowedViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions")
    name = "questions"
    url_prefix = "assessments/questions"
    list_display = [
        "external_id",
        "prompt",
        "bank",
        "kind",
        "competency",
        "level",
        Column("mapping_status", label=_("Ready to draw")),
        "category",
    ]
    filterset_class = QuestionFilterSet
    search_fields = ["external_id", "prompt"]
    edit_handler = ObjectList(Question.panels, base_form_class=QuestionAdminForm)


class AssessmentViewSet(NarrowedViewSet):
    object_actions = ((_("Results and item analysis"), "results", "table"),)
    model = Assessment
    icon = "tasks"
    menu_label = _("Assessments")
    name = "assessments"
    url_prefix = "assessments/assessments"
    list_display = ["title", "kind", "course", "area", "is_published"]
    list_filter = ["kind", "is_published"]
    search_fields = ["title"]
    edit_handler = ObjectList(Assessment.panels, base_form_class=AssessmentAdminForm)
    edit_view_class = AssessmentEditView

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("<int:pk>/results/", AssessmentResultsView.as_view(), name="results"),
        ]


class AssessmentViewSetGroup(ViewSetGroup):
    menu_label = _("Assessments")
    menu_icon = "tasks"
    menu_order = 220
    items = (QuestionBankViewSet, QuestionViewSet, AssessmentViewSet)


def results_url(assessment: Assessment) -> str:
    return reverse("assessments:results", args=[assessment.pk])
