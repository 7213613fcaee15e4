"""The Wagtail admin for competency standards, people and evidence.

Why ModelViewSet and not SnippetViewSet: these records are reference data, not content
that editors place in pages. Snippets would add what we do not want here (a place in
the generic Snippets menu, drafts, revisions, locking, StreamField choosers) and would
fix the URLs under /admin/snippets/. A ModelViewSet gives us the listings, forms and
permission checks, lets us group everything under one "Competency standards" menu, and
lets us drop views a model must not have (evidence has no edit or delete).

Creation goes through `competencies.services` where the model needs more than a
save(): organisation units (the treebeard tree), people, placements (the previous
placement ends) and evidence (append-only, recorded by the signed-in user).
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePath

from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from wagtail.admin import messages
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    Panel,
)
from wagtail.admin.ui.tables import (
    BooleanColumn,
    Column,
    DateColumn,
    StatusTagColumn,
    TitleColumn,
)
from wagtail.admin.views import generic
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.admin.widgets.button import HeaderButton
from wagtail.log_actions import log
from wagtail.permissions import policy_registry

import django_filters

from academy.core.forms import form_add_service_errors
from academy.core.uploads import PendingUploads

from . import selectors, services
from .interchange import FrameworkImportError, ImportResult, parse_framework_file
from .interchange.apply import framework_import
from .models import (
    Competency,
    Evidence,
    Framework,
    GroupRule,
    LineOfWork,
    OptionalChoice,
    OrgUnit,
    Person,
    PersonnelGroup,
    Placement,
    PositionLevel,
    PositionType,
    ProficiencyLevel,
    ProficiencyScale,
    Requirement,
    SchemeCoverage,
    StaffScheme,
)

TO_CONFIRM = "to confirm"
SUBMENU_HOOK = "register_competency_standards_menu_item"


def _says_to_confirm(text: str) -> bool:
    return TO_CONFIRM in (text or "").lower()


# ------------------------------------------------------------------------------
# "To confirm": a column for listings, a filter, and a banner for edit forms
# ------------------------------------------------------------------------------


class ToConfirmColumn(Column):
    """A "To confirm" badge when the record's note says the fact is still unchecked."""

    cell_template_name = "competencies/admin/tables/to_confirm_cell.html"

    def __init__(self, note_field: str = "source_note", **kwargs):
        kwargs.setdefault("label", _("To confirm"))
        super().__init__(note_field, **kwargs)

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["note"] = context["raw_value"] or ""
        context["to_confirm"] = _says_to_confirm(context["note"])
        return context


class LinkColumn(Column):
    """A column whose cell is one link, e.g. to a framework's requirement matrix."""

    cell_template_name = "competencies/admin/tables/link_cell.html"

    def __init__(self, name, *, text, get_url, **kwargs):
        super().__init__(name, **kwargs)
        self.text = text
        self.get_url = get_url

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["url"] = self.get_url(instance)
        context["text"] = self.text
        return context


class ToConfirmPanel(Panel):
    """Shows, above the form, that the record is not yet checked, and its note."""

    def __init__(self, note_field: str = "source_note", **kwargs):
        kwargs.setdefault("heading", _("To confirm"))
        super().__init__(**kwargs)
        self.note_field = note_field

    def clone_kwargs(self):
        kwargs = super().clone_kwargs()
        kwargs["note_field"] = self.note_field
        return kwargs

    class BoundPanel(Panel.BoundPanel):
        template_name = "competencies/admin/panels/to_confirm.html"

        @property
        def note(self) -> str:
            return getattr(self.instance, self.panel.note_field, "") or ""

        def is_shown(self):
            return _says_to_confirm(self.note)

        def show_panel_furniture(self):
            return False

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["note"] = self.note
            return context


SOURCE_NOTE_HELP = _(
    "Where this comes from. Items not yet checked against the official text say "
    "'to confirm' here and are marked “To confirm” in every listing; remove the "
    "words once you have checked them."
)


def source_note_panel(note_field: str = "source_note") -> FieldPanel:
    return FieldPanel(note_field, help_text=SOURCE_NOTE_HELP)


def provenance_panel() -> MultiFieldPanel:
    """Where the record comes from: published (address, revision), derived (how, in
    the note) or to confirm."""
    return MultiFieldPanel(
        [
            FieldPanel("provenance"),
            FieldRowPanel([FieldPanel("source_url"), FieldPanel("source_revision")]),
            source_note_panel(),
        ],
        heading=_("Provenance"),
    )


class ToConfirmFilterSet(WagtailFilterSet):
    to_confirm = django_filters.BooleanFilter(
        label=capfirst(_("To confirm")),
        method="filter_to_confirm",
        widget=BooleanRadioSelect,
    )

    def filter_to_confirm(self, queryset, name, value):
        if value is None:
            return queryset
        says = Q(source_note__icontains=TO_CONFIRM) | Q(provenance="to_confirm")
        return queryset.filter(says) if value else queryset.exclude(says)


# ------------------------------------------------------------------------------
# Views shared by the viewsets
# ------------------------------------------------------------------------------


class StandardsIndexView(generic.IndexView):
    #: Relations every row shows; loaded with the page so a listing costs the
    #: same number of queries for 1 row and for 50.
    list_select_related: tuple[str, ...] = ()

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        if self.list_select_related:
            queryset = queryset.select_related(*self.list_select_related)
        return queryset


class ServiceCreateView(generic.CreateView):
    """A create view whose save is one call to a function of competencies.services."""

    def create_through_service(self, data: dict):
        raise NotImplementedError

    def save_instance(self):
        instance = self.create_through_service(self.form.cleaned_data)
        log(instance=instance, action="wagtail.create", user=self.request.user)
        return instance

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form_add_service_errors(form, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class GuardedDeleteView(generic.DeleteView):
    """Deletes unless that would silently take evidence or protected records with it.

    Cascades would delete evidence without going through its append-only guard, and
    PROTECT relations raise; both become a message instead of a lost record or a 500.
    """

    #: instance -> the evidence its deletion would cascade to, or None.
    evidence_at_risk = None

    def refusal(self) -> str | None:
        if self.evidence_at_risk is None:
            return None
        count = self.evidence_at_risk(self.object).count()
        if not count:
            return None
        return ngettext(
            "'%(object)s' cannot be deleted: %(count)s piece of evidence refers to "
            "it, and evidence is never deleted. Retire it instead.",
            "'%(object)s' cannot be deleted: %(count)s pieces of evidence refer to "
            "it, and evidence is never deleted. Retire it instead.",
            count,
        ) % {"object": self.object, "count": count}

    def refuse(self, reason: str):
        messages.error(self.request, reason)
        if self.edit_url_name:
            return redirect(self.edit_url_name, quote(self.object.pk))
        return redirect(self.index_url_name)

    def form_valid(self, form):
        if reason := self.refusal():
            return self.refuse(reason)
        try:
            return super().form_valid(form)
        except (ProtectedError, RestrictedError) as error:
            blocking = getattr(error, "protected_objects", None) or getattr(
                error, "restricted_objects", ()
            )
            count = len(blocking)
            return self.refuse(
                ngettext(
                    "'%(object)s' cannot be deleted: %(count)s other record depends "
                    "on it.",
                    "'%(object)s' cannot be deleted: %(count)s other records depend "
                    "on it.",
                    count,
                )
                % {"object": self.object, "count": count}
            )


class _NoEditURLFinder(ModelAdminURLFinder):
    def construct_edit_url(self, instance):
        return None


class StandardsViewSet(ModelViewSet):
    """Shared settings for every viewset of the competencies app."""

    # Wagtail's reference index would write rows on every save of these models,
    # including each piece of evidence and every row of an import: too costly here.
    add_to_reference_index = False
    copy_view_enabled = False
    index_view_class = StandardsIndexView
    delete_view_class = GuardedDeleteView
    list_per_page = 50
    list_select_related: tuple[str, ...] = ()
    #: URL names this model must not have, e.g. {"edit", "delete"} for evidence.
    disabled_views: frozenset[str] = frozenset()
    #: Panels (and their form's base class) for the create form when they differ
    #: from the edit form's.
    create_panels = None
    create_form_class = None
    evidence_at_risk = None

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        for view_name in self.disabled_views:
            view_kwargs[f"{view_name}_url_name"] = None
        return view_kwargs

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            list_select_related=self.list_select_related, **kwargs
        )

    def get_add_view_kwargs(self, **kwargs):
        view_kwargs = super().get_add_view_kwargs(**kwargs)
        if self.create_panels is not None:
            panel = ObjectList(
                self.create_panels, base_form_class=self.create_form_class
            ).bind_to_model(self.model)
            view_kwargs["panel"] = panel
            view_kwargs["form_class"] = panel.get_form_class()
        return view_kwargs

    def get_delete_view_kwargs(self, **kwargs):
        return super().get_delete_view_kwargs(
            evidence_at_risk=self.evidence_at_risk, **kwargs
        )

    def get_urlpatterns(self):
        disabled = set(self.disabled_views)
        if "history" in disabled:
            disabled.add("history_results")
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if pattern.name not in disabled
        ]

    @property
    def url_finder_class(self):
        if "edit" in self.disabled_views:
            return _NoEditURLFinder
        return super().url_finder_class


def _url(viewset_name: str, view_name: str, *args) -> str:
    return reverse(f"{viewset_name}:{view_name}", args=args)


def requirement_matrix_url(framework) -> str:
    return reverse("competencies_requirement_matrix", args=[framework.pk])


# ------------------------------------------------------------------------------
# Frameworks, scales, competencies, groups
# ------------------------------------------------------------------------------


class FrameworkIndexView(StandardsIndexView):
    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.user_has_permission("add"):
            buttons.append(
                HeaderButton(
                    _("Import a framework"),
                    url=reverse("competencies_framework_import"),
                    icon_name="upload",
                )
            )
        return buttons


class FrameworkEditView(generic.EditView):
    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(
                _("Requirement matrix"),
                url=requirement_matrix_url(self.object),
                icon_name="table",
            )
        ]


class FrameworkFilterSet(ToConfirmFilterSet):
    class Meta:
        model = Framework
        fields = ["status"]


class FrameworkViewSet(StandardsViewSet):
    model = Framework
    name = "competencies_framework"
    url_prefix = "competencies/frameworks"
    icon = "doc-full"
    menu_order = 100
    index_view_class = FrameworkIndexView
    edit_view_class = FrameworkEditView
    filterset_class = FrameworkFilterSet
    list_select_related = ("scale",)
    search_fields = ["code", "name_th", "name_en"]
    evidence_at_risk = staticmethod(
        lambda framework: Evidence.objects.filter(competency__framework=framework)
    )
    list_display = [
        "__str__",
        Column("code", label=capfirst(_("code")), sort_key="code"),
        Column("version", label=capfirst(_("version")), sort_key="version"),
        StatusTagColumn(
            "get_status_display",
            label=capfirst(_("status")),
            sort_key="status",
            primary=lambda framework: framework.status == Framework.Status.ACTIVE,
        ),
        ToConfirmColumn(),
        LinkColumn(
            "requirements",
            label=capfirst(_("Requirement matrix")),
            text=_("Edit the matrix"),
            get_url=requirement_matrix_url,
        ),
    ]
    panels = [
        ToConfirmPanel(),
        MultiFieldPanel(
            [
                FieldPanel("name_th"),
                FieldPanel("name_en"),
                FieldRowPanel([FieldPanel("code"), FieldPanel("version")]),
                FieldRowPanel(
                    [
                        FieldPanel("status"),
                        FieldPanel("adopted_on"),
                        FieldPanel("display_order"),
                    ]
                ),
                FieldPanel("scale"),
            ],
            heading=_("Framework"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("description_th"),
                FieldPanel("description_en"),
                FieldPanel("publisher"),
                FieldPanel("licence"),
                FieldPanel("identifier", read_only=True),
            ],
            heading=_("Description and provenance"),
        ),
        provenance_panel(),
    ]


class ScaleLevelsPanel(Panel):
    """The scale's levels, each linking to its own edit form (levels are not inline:
    ProficiencyLevel.scale is a plain ForeignKey, not a ParentalKey)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "competencies/admin/panels/scale_levels.html"

        def is_shown(self):
            return self.instance.pk is not None

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["levels"] = [
                (level, _url("competencies_level", "edit", level.pk))
                for level in self.instance.levels.order_by("rank")
            ]
            context["add_url"] = (
                _url("competencies_level", "add") + f"?scale={self.instance.pk}"
            )
            context["list_url"] = (
                _url("competencies_level", "index") + f"?scale={self.instance.pk}"
            )
            return context


class ProficiencyScaleViewSet(StandardsViewSet):
    model = ProficiencyScale
    name = "competencies_scale"
    url_prefix = "competencies/scales"
    icon = "order"
    menu_order = 500
    search_fields = ["code", "name_th", "name_en"]
    list_display = [
        "__str__",
        Column("code", label=capfirst(_("code")), sort_key="code"),
        Column("kind", label=capfirst(_("kind"))),
        BooleanColumn("is_academy_own", label=capfirst(_("the Academy's own"))),
        ToConfirmColumn(),
    ]
    panels = [
        ToConfirmPanel(),
        FieldPanel("name_th"),
        FieldPanel("name_en"),
        FieldPanel("code"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("is_academy_own")]),
        FieldPanel("description"),
        provenance_panel(),
        ScaleLevelsPanel(heading=_("Levels")),
    ]


class LevelCreateView(generic.CreateView):
    def get_initial(self):
        initial = super().get_initial()
        if scale := self.request.GET.get("scale", "").strip():
            initial["scale"] = scale
        return initial


class ProficiencyLevelViewSet(StandardsViewSet):
    model = ProficiencyLevel
    name = "competencies_level"
    url_prefix = "competencies/levels"
    icon = "list-ol"
    menu_order = 510
    add_view_class = LevelCreateView
    list_filter = ["scale"]
    list_select_related = ("scale",)
    ordering = ["scale", "rank"]
    list_display = [
        "__str__",
        Column("scale", label=capfirst(_("proficiency scale")), sort_key="scale"),
        Column("code", label=capfirst(_("code"))),
        BooleanColumn(
            "is_proficient_threshold", label=capfirst(_("proficient threshold"))
        ),
    ]
    panels = [
        FieldPanel("scale"),
        FieldRowPanel([FieldPanel("rank"), FieldPanel("code")]),
        FieldPanel("name_th"),
        FieldPanel("name_en"),
        FieldPanel("descriptor_th"),
        FieldPanel("descriptor_en"),
        FieldPanel("is_proficient_threshold"),
        FieldPanel("identifier"),
    ]


class CompetencyFilterSet(ToConfirmFilterSet):
    class Meta:
        model = Competency
        fields = ["framework", "kind"]


def _competency_subtree_evidence(competency):
    children = defaultdict(list)
    for pk, parent_id in competency.framework.competencies.values_list(
        "pk", "parent_id"
    ):
        children[parent_id].append(pk)
    subtree, stack = set(), [competency.pk]
    while stack:
        pk = stack.pop()
        if pk not in subtree:
            subtree.add(pk)
            stack.extend(children[pk])
    return Evidence.objects.filter(competency_id__in=subtree)


class CompetencyViewSet(StandardsViewSet):
    model = Competency
    name = "competencies_competency"
    url_prefix = "competencies/competencies"
    icon = "list-ul"
    menu_order = 400
    filterset_class = CompetencyFilterSet
    list_select_related = ("framework", "parent")
    search_fields = ["code", "name_th", "name_en"]
    evidence_at_risk = staticmethod(_competency_subtree_evidence)
    list_display = [
        "__str__",
        Column("code", label=capfirst(_("code")), sort_key="code"),
        Column("parent", label=capfirst(_("parent")), sort_key="parent__code"),
        Column("get_kind_display", label=capfirst(_("kind")), sort_key="kind"),
        Column(
            "framework.code",
            label=capfirst(_("framework")),
            sort_key="framework__code",
        ),
        ToConfirmColumn(),
    ]
    panels = [
        ToConfirmPanel(),
        FieldPanel("framework"),
        FieldPanel("parent"),
        FieldRowPanel([FieldPanel("code"), FieldPanel("kind")]),
        FieldPanel("name_th"),
        FieldPanel("name_en"),
        FieldPanel("description_th"),
        FieldPanel("description_en"),
        FieldRowPanel([FieldPanel("sort_order"), FieldPanel("uri")]),
        FieldPanel("identifier"),
        provenance_panel(),
    ]


class PersonnelGroupFilterSet(ToConfirmFilterSet):
    class Meta:
        model = PersonnelGroup
        fields = ["framework"]


class PersonnelGroupViewSet(StandardsViewSet):
    model = PersonnelGroup
    name = "competencies_group"
    url_prefix = "competencies/groups"
    icon = "group"
    menu_order = 600
    filterset_class = PersonnelGroupFilterSet
    list_select_related = ("framework",)
    search_fields = ["code", "name_th", "name_en"]
    list_display = [
        "__str__",
        Column("code", label=capfirst(_("code")), sort_key="code"),
        Column("framework", label=capfirst(_("framework")), sort_key="framework__code"),
        ToConfirmColumn(),
    ]
    panels = [
        ToConfirmPanel(),
        FieldPanel("framework"),
        FieldRowPanel([FieldPanel("code"), FieldPanel("sort_order")]),
        FieldPanel("name_th"),
        FieldPanel("name_en"),
        FieldPanel("description"),
        provenance_panel(),
    ]


class GroupRuleFilterSet(ToConfirmFilterSet):
    class Meta:
        model = GroupRule
        fields = ["framework"]


class GroupRuleViewSet(StandardsViewSet):
    model = GroupRule
    name = "competencies_group_rule"
    url_prefix = "competencies/group-rules"
    icon = "cogs"
    menu_order = 610
    filterset_class = GroupRuleFilterSet
    list_select_related = (
        "framework",
        "group",
        "position_type",
        "position_level__position_type",
        "line_of_work",
    )
    ordering = ["framework", "priority", "pk"]
    list_display = [
        "__str__",
        Column("priority", label=capfirst(_("priority")), sort_key="priority"),
        Column("group", label=capfirst(_("personnel group"))),
        Column("position_type", label=capfirst(_("position type"))),
        Column("position_level", label=capfirst(_("position level"))),
        Column("line_of_work", label=capfirst(_("line of work"))),
        Column(
            "get_line_of_work_category_display",
            label=capfirst(_("line-of-work category")),
        ),
        ToConfirmColumn(),
    ]
    panels = [
        ToConfirmPanel(),
        FieldRowPanel([FieldPanel("framework"), FieldPanel("priority")]),
        FieldPanel("group"),
        MultiFieldPanel(
            [
                FieldPanel("position_type"),
                FieldPanel("position_level"),
                FieldPanel("line_of_work"),
                FieldPanel("line_of_work_category"),
            ],
            heading=_("Conditions (an empty condition matches anything)"),
        ),
        provenance_panel(),
    ]


class RequirementFilterSet(ToConfirmFilterSet):
    framework = django_filters.ModelChoiceFilter(
        label=capfirst(_("framework")),
        field_name="group__framework",
        queryset=Framework.objects.all(),
    )

    class Meta:
        model = Requirement
        fields = ["group", "edited_by_admin"]


class RequirementEditView(generic.EditView):
    """Edits a requirement's source note; levels are edited in the matrix."""

    def save_instance(self):
        self.form.instance.edited_by_admin = True
        return super().save_instance()


class RequirementViewSet(StandardsViewSet):
    """Requirement notes, row by row; levels and core are edited in the matrix grid."""

    model = Requirement
    name = "competencies_requirement"
    url_prefix = "competencies/requirements/notes"
    icon = "clipboard-list"
    menu_order = 120
    menu_label = _("Requirement notes")
    disabled_views = frozenset({"add", "delete"})
    edit_view_class = RequirementEditView
    filterset_class = RequirementFilterSet
    list_select_related = ("group", "competency", "required_level")
    ordering = ["group", "competency"]
    list_display = [
        "__str__",
        Column("group", label=capfirst(_("personnel group")), sort_key="group"),
        Column(
            "competency.code",
            label=capfirst(_("competency")),
            sort_key="competency__code",
        ),
        Column("required_level", label=capfirst(_("required level"))),
        Column("applicability", label=capfirst(_("required or optional"))),
        BooleanColumn(
            "edited_by_admin", label=capfirst(_("edited by an administrator"))
        ),
        ToConfirmColumn(),
    ]
    panels = [
        ToConfirmPanel(),
        FieldPanel("group", read_only=True),
        FieldPanel("competency", read_only=True),
        FieldPanel("required_level", read_only=True),
        FieldPanel("applicability", read_only=True),
        FieldPanel(
            "source_note",
            help_text=_(
                "Saving marks this requirement as edited by an administrator, so "
                "load_standards leaves it alone. Change the level in the "
                "requirement matrix."
            ),
        ),
    ]


# ------------------------------------------------------------------------------
# Positions and organisation
# ------------------------------------------------------------------------------


class StaffSchemeViewSet(StandardsViewSet):
    model = StaffScheme
    name = "competencies_scheme"
    url_prefix = "competencies/schemes"
    icon = "folder-inverse"
    menu_order = 700
    list_display = [
        "__str__",
        Column("code", label=capfirst(_("code")), sort_key="code"),
    ]
    panels = [FieldPanel("code"), FieldPanel("name_th"), FieldPanel("name_en")]


class SchemeCoverageViewSet(StandardsViewSet):
    """Which staff schemes a framework's requirements count for. Coverage "to
    confirm" is shown to learners and HR officers as provisional; an administrator
    who confirms it against the publisher's text says so here."""

    model = SchemeCoverage
    name = "competencies_scheme_coverage"
    url_prefix = "competencies/scheme-coverage"
    icon = "folder-open-inverse"
    menu_order = 705
    list_filter = ["framework", "scheme", "covered"]
    list_select_related = ("framework", "scheme")
    list_display = [
        "__str__",
        Column("covered", label=capfirst(_("covered")), sort_key="covered"),
        ToConfirmColumn(),
    ]
    panels = [
        ToConfirmPanel(),
        FieldRowPanel([FieldPanel("framework"), FieldPanel("scheme")]),
        FieldPanel("covered"),
        provenance_panel(),
    ]


class PositionTypeViewSet(StandardsViewSet):
    model = PositionType
    name = "competencies_position_type"
    url_prefix = "competencies/position-types"
    icon = "tag"
    menu_order = 710
    list_filter = ["scheme"]
    list_select_related = ("scheme",)
    list_display = [
        "__str__",
        Column("code", label=capfirst(_("code")), sort_key="code"),
        Column("scheme", label=capfirst(_("staff scheme"))),
        ToConfirmColumn(),
    ]
    panels = [
        ToConfirmPanel(),
        FieldPanel("scheme"),
        FieldRowPanel([FieldPanel("code"), FieldPanel("sort_order")]),
        FieldPanel("name_th"),
        FieldPanel("name_en"),
        provenance_panel(),
    ]


class PositionLevelViewSet(StandardsViewSet):
    model = PositionLevel
    name = "competencies_position_level"
    url_prefix = "competencies/position-levels"
    icon = "order"
    menu_order = 720
    list_filter = ["position_type"]
    list_select_related = ("position_type",)
    ordering = ["position_type", "rank"]
    list_display = [
        "__str__",
        Column("code", label=capfirst(_("code")), sort_key="code"),
        Column("rank", label=capfirst(_("rank")), sort_key="rank"),
        ToConfirmColumn(),
    ]
    panels = [
        ToConfirmPanel(),
        FieldPanel("position_type"),
        FieldRowPanel([FieldPanel("code"), FieldPanel("rank")]),
        FieldPanel("name_th"),
        FieldPanel("name_en"),
        provenance_panel(),
    ]


class LineOfWorkFilterSet(ToConfirmFilterSet):
    class Meta:
        model = LineOfWork
        fields = ["category"]


class LineOfWorkIndexView(StandardsIndexView):
    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.user_has_permission("add"):
            buttons.append(
                HeaderButton(
                    _("Import the lines of work"),
                    url=reverse("competencies_lines_of_work_import"),
                    icon_name="upload",
                )
            )
        return buttons


class LineOfWorkViewSet(StandardsViewSet):
    model = LineOfWork
    name = "competencies_line_of_work"
    url_prefix = "competencies/lines-of-work"
    icon = "clipboard-list"
    menu_order = 730
    index_view_class = LineOfWorkIndexView
    filterset_class = LineOfWorkFilterSet
    search_fields = ["code", "name_th", "name_en"]
    list_display = [
        "__str__",
        Column(
            "get_category_display", label=capfirst(_("category")), sort_key="category"
        ),
        ToConfirmColumn(),
    ]
    panels = [
        ToConfirmPanel(),
        FieldPanel("scheme"),
        FieldRowPanel([FieldPanel("code"), FieldPanel("category")]),
        FieldPanel("name_th"),
        FieldPanel("name_en"),
        FieldRowPanel(
            [
                FieldPanel("position_type"),
                FieldPanel("level_min"),
                FieldPanel("level_max"),
            ]
        ),
        provenance_panel(),
    ]


class OrgUnitCreateForm(WagtailAdminModelForm):
    """The tree position is chosen here and handed to treebeard by the service."""

    parent = forms.ModelChoiceField(
        queryset=OrgUnit.objects.all(),
        required=False,
        label=capfirst(_("parent unit")),
        help_text=_("Leave empty for a top-level unit such as a ministry."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].widget = org_unit_chooser.widget_class()


class OrgUnitCreateView(ServiceCreateView):
    def create_through_service(self, data):
        return services.org_unit_create(
            code=data["code"],
            name_th=data["name_th"],
            name_en=data.get("name_en", ""),
            kind=data["kind"],
            parent=data.get("parent"),
        )


def _indented_name(unit: OrgUnit) -> str:
    return "— " * (unit.depth - 1) + unit.name


class OrgUnitIndexView(StandardsIndexView):
    """Units in tree order, each name indented by its depth."""

    @cached_property
    def columns(self):
        columns = super().columns
        title_column_class = self._get_title_column_class(TitleColumn)
        columns[0] = title_column_class(
            "name",
            label=capfirst(_("organisation unit")),
            accessor=_indented_name,
            sort_key="path",
            get_url=self.get_edit_url,
        )
        return columns


class OrgUnitViewSet(StandardsViewSet):
    model = OrgUnit
    name = "competencies_org_unit"
    url_prefix = "competencies/org-units"
    icon = "site"
    menu_order = 800
    add_view_class = OrgUnitCreateView
    index_view_class = OrgUnitIndexView
    create_form_class = OrgUnitCreateForm
    list_filter = ["kind"]
    ordering = ["path"]
    search_fields = ["code", "name_th", "name_en"]
    list_display = [
        "__str__",
        Column("code", label=capfirst(_("code")), sort_key="code"),
        Column("get_kind_display", label=capfirst(_("kind")), sort_key="kind"),
    ]
    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("kind")]),
        FieldPanel("name_th"),
        FieldPanel("name_en"),
    ]
    create_panels = [
        FieldPanel("parent"),
        FieldRowPanel([FieldPanel("code"), FieldPanel("kind")]),
        FieldPanel("name_th"),
        FieldPanel("name_en"),
    ]


# ------------------------------------------------------------------------------
# People, placements and evidence
# ------------------------------------------------------------------------------


class PersonCreateView(ServiceCreateView):
    def create_through_service(self, data):
        return services.person_create(
            first_name_th=data["first_name_th"],
            last_name_th=data["last_name_th"],
            title_th=data.get("title_th", ""),
            first_name_en=data.get("first_name_en", ""),
            last_name_en=data.get("last_name_en", ""),
            title_en=data.get("title_en", ""),
            email=data.get("email", ""),
            employee_number=data.get("employee_number") or None,
        )


class PersonViewSet(StandardsViewSet):
    model = Person
    name = "competencies_person"
    url_prefix = "competencies/people"
    icon = "user"
    menu_order = 900
    add_view_class = PersonCreateView
    evidence_at_risk = staticmethod(
        lambda person: Evidence.objects.filter(person=person)
    )
    search_fields = [
        "employee_number",
        "first_name_th",
        "last_name_th",
        "first_name_en",
        "last_name_en",
        "email",
    ]
    list_display = [
        "__str__",
        Column(
            "employee_number",
            label=capfirst(_("employee number")),
            sort_key="employee_number",
        ),
        Column("email", label=capfirst(_("email"))),
        DateColumn(
            "left_on", label=capfirst(_("left the service on")), sort_key="left_on"
        ),
    ]
    panels = [
        FieldPanel("employee_number"),
        FieldRowPanel(
            [
                FieldPanel("title_th"),
                FieldPanel("first_name_th"),
                FieldPanel("last_name_th"),
            ]
        ),
        FieldRowPanel(
            [
                FieldPanel("title_en"),
                FieldPanel("first_name_en"),
                FieldPanel("last_name_en"),
            ]
        ),
        FieldPanel("email"),
        FieldPanel("left_on"),
        FieldPanel("user", read_only=True),
    ]
    create_panels = panels[:-2]


class PlacementCreateView(ServiceCreateView):
    def create_through_service(self, data):
        return services.placement_start(
            person=data["person"],
            unit=data["unit"],
            position_type=data["position_type"],
            position_level=data["position_level"],
            line_of_work=data["line_of_work"],
            starts_on=data["starts_on"],
            supervisor=data.get("supervisor"),
            position_title=data.get("position_title", ""),
            scheme=data.get("scheme"),
        )


class PlacementViewSet(StandardsViewSet):
    model = Placement
    name = "competencies_placement"
    url_prefix = "competencies/placements"
    icon = "calendar-check"
    menu_order = 910
    add_view_class = PlacementCreateView
    list_select_related = (
        "person",
        "unit",
        "position_type",
        "position_level__position_type",
    )
    search_fields = [
        "person__employee_number",
        "person__first_name_th",
        "person__last_name_th",
        "position_title",
    ]
    list_display = [
        "__str__",
        Column("position_level", label=capfirst(_("position level"))),
        Column("position_title", label=capfirst(_("position title"))),
        DateColumn("starts_on", label=capfirst(_("from")), sort_key="starts_on"),
        DateColumn("ends_on", label=capfirst(_("to")), sort_key="ends_on"),
    ]
    panels = [
        FieldPanel("person"),
        FieldPanel("unit"),
        FieldPanel("scheme"),
        FieldRowPanel([FieldPanel("position_type"), FieldPanel("position_level")]),
        FieldPanel("line_of_work"),
        FieldPanel("position_title"),
        FieldPanel("supervisor"),
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
    ]
    create_panels = [
        FieldPanel("person"),
        FieldPanel("unit"),
        FieldPanel("scheme"),
        FieldRowPanel([FieldPanel("position_type"), FieldPanel("position_level")]),
        FieldPanel("line_of_work"),
        FieldPanel("position_title"),
        FieldPanel("supervisor"),
        FieldPanel(
            "starts_on",
            help_text=_("The person's current placement ends the day before."),
        ),
    ]


class EvidenceCreateView(ServiceCreateView):
    """Evidence is recorded, never edited: the signed-in user is its recorder."""

    def create_through_service(self, data):
        return services.evidence_record(
            person=data["person"],
            competency=data["competency"],
            level=data["level"],
            source=data["source"],
            observed_on=data["observed_on"],
            expires_on=data.get("expires_on"),
            reference=data.get("reference", ""),
            note=data.get("note", ""),
            recorded_by=self.request.user,
        )

    def get_success_url(self):
        return reverse(self.index_url_name)

    def get_success_buttons(self):
        return []


class EvidenceViewSet(StandardsViewSet):
    model = Evidence
    name = "competencies_evidence"
    url_prefix = "competencies/evidence"
    icon = "circle-check"
    menu_order = 920
    add_view_class = EvidenceCreateView
    # Append-only: no edit, delete, history or usage views, only list, add, inspect.
    disabled_views = frozenset({"edit", "delete", "history", "usage"})
    inspect_view_enabled = True
    list_filter = ["source"]
    list_select_related = ("person", "competency", "level", "recorded_by")
    search_fields = [
        "person__employee_number",
        "person__first_name_th",
        "person__last_name_th",
        "competency__code",
        "reference",
    ]
    list_display = [
        "__str__",
        Column("get_source_display", label=capfirst(_("source")), sort_key="source"),
        DateColumn(
            "observed_on", label=capfirst(_("observed on")), sort_key="observed_on"
        ),
        Column("recorded_by", label=capfirst(_("recorded by"))),
    ]
    panels = [
        FieldPanel("person"),
        FieldPanel("competency"),
        FieldPanel("level"),
        FieldPanel("source"),
        FieldRowPanel([FieldPanel("observed_on"), FieldPanel("expires_on")]),
        FieldPanel("reference"),
        FieldPanel("note"),
    ]


# ------------------------------------------------------------------------------
# Choosers: people and units are too many for a <select> in placement and evidence
# ------------------------------------------------------------------------------


class SearchFilterForm(BaseFilterForm):
    """A chooser's search box, answered by the database (these models are not in
    Wagtail's search index)."""

    search_fields: tuple[str, ...] = ()

    q = forms.CharField(
        label=_("Search term"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Search")}),
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = self.cleaned_data.get("q", "").strip()
        if query:
            condition = Q()
            for name in self.search_fields:
                condition |= Q(**{f"{name}__icontains": query})
            objects = objects.filter(condition)
            self.is_searching = True
            self.search_query = query
        return objects


class PermissionCheckedChooserMixin(PermissionCheckedMixin):
    """Chooser views list people and units: only users who may see them get in."""

    any_permission_required = ["add", "change", "delete", "view"]

    @cached_property
    def permission_policy(self):
        return policy_registry.get_by_type(self.model_class)


class CheckedChooseView(PermissionCheckedChooserMixin, chooser_views.ChooseView):
    pass


class CheckedChooseResultsView(
    PermissionCheckedChooserMixin, chooser_views.ChooseResultsView
):
    pass


class CheckedChosenView(PermissionCheckedChooserMixin, chooser_views.ChosenView):
    pass


class CheckedChosenMultipleView(
    PermissionCheckedChooserMixin, chooser_views.ChosenMultipleView
):
    pass


class StandardsChooserViewSet(ChooserViewSet):
    choose_view_class = CheckedChooseView
    choose_results_view_class = CheckedChooseResultsView
    chosen_view_class = CheckedChosenView
    chosen_multiple_view_class = CheckedChosenMultipleView
    per_page = 20
    filter_form_class = SearchFilterForm

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            filter_form_class=self.filter_form_class, **kwargs
        )


class PersonSearchForm(SearchFilterForm):
    search_fields = (
        "employee_number",
        "first_name_th",
        "last_name_th",
        "first_name_en",
        "last_name_en",
        "email",
    )


class PersonChooserViewSet(StandardsChooserViewSet):
    model = Person
    name = "competencies_person_chooser"
    url_prefix = "competencies/people/choose"
    icon = "user"
    choose_one_text = _("Choose a person")
    choose_another_text = _("Choose another person")
    filter_form_class = PersonSearchForm


class OrgUnitSearchForm(SearchFilterForm):
    search_fields = ("code", "name_th", "name_en")


class OrgUnitChooserViewSet(StandardsChooserViewSet):
    model = OrgUnit
    name = "competencies_org_unit_chooser"
    url_prefix = "competencies/org-units/choose"
    icon = "site"
    choose_one_text = _("Choose an organisation unit")
    choose_another_text = _("Choose another organisation unit")
    filter_form_class = OrgUnitSearchForm


person_chooser = PersonChooserViewSet()
org_unit_chooser = OrgUnitChooserViewSet()


# ------------------------------------------------------------------------------
# The requirement matrix: groups × competencies, edited as one grid
# ------------------------------------------------------------------------------


@dataclass
class MatrixCell:
    group: PersonnelGroup
    competency: Competency
    requirement: Requirement | None
    level_id: int | None
    is_core: bool
    error: str = ""

    @property
    def level_field(self) -> str:
        return f"level-{self.group.pk}-{self.competency.pk}"

    @property
    def core_field(self) -> str:
        return f"core-{self.group.pk}-{self.competency.pk}"

    @property
    def label(self) -> str:
        return f"{self.group.name} × {self.competency.code}"

    @property
    def edited_by_admin(self) -> bool:
        return bool(self.requirement and self.requirement.edited_by_admin)

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.requirement and self.requirement.needs_confirmation)


@dataclass
class MatrixRow:
    competency: Competency
    depth: int
    cells: list[MatrixCell]


@dataclass
class MatrixSection:
    area: Competency | None
    rows: list[MatrixRow]


@dataclass
class RequirementMatrix:
    framework: Framework
    levels: list[ProficiencyLevel]
    groups: list[PersonnelGroup]
    sections: list[MatrixSection]
    #: each requirement note that says "to confirm" -> how many cells carry it
    notes_to_confirm: dict[str, int] = field(default_factory=dict)

    @cached_property
    def cells(self) -> dict[tuple[int, int], MatrixCell]:
        return {
            (cell.group.pk, cell.competency.pk): cell
            for section in self.sections
            for row in section.rows
            for cell in row.cells
        }

    @property
    def edited_count(self) -> int:
        return sum(1 for cell in self.cells.values() if cell.edited_by_admin)


def requirement_matrix_read(framework: Framework) -> RequirementMatrix:
    """The framework's whole matrix in four queries, whatever its size.

    Rows are the competencies that are not areas, depth first under their area, in
    the framework's order; columns are the personnel groups.
    """
    levels = list(framework.scale.levels.order_by("rank"))
    groups = list(framework.groups.order_by("sort_order", "code"))
    competencies = list(framework.competencies.order_by("sort_order", "code"))
    requirements = {
        (requirement.group_id, requirement.competency_id): requirement
        for requirement in Requirement.objects.filter(group__framework=framework)
    }

    children: dict[int | None, list[Competency]] = defaultdict(list)
    known = {competency.pk for competency in competencies}
    for competency in competencies:
        parent_id = competency.parent_id if competency.parent_id in known else None
        children[parent_id].append(competency)

    def row(competency: Competency, depth: int) -> MatrixRow:
        cells = []
        for group in groups:
            requirement = requirements.get((group.pk, competency.pk))
            cells.append(
                MatrixCell(
                    group=group,
                    competency=competency,
                    requirement=requirement,
                    level_id=requirement.required_level_id if requirement else None,
                    is_core=requirement.is_required if requirement else False,
                )
            )
        return MatrixRow(competency=competency, depth=depth, cells=cells)

    def descendants(parent: Competency, depth: int, seen: set[int]) -> list[MatrixRow]:
        rows = []
        for child in children[parent.pk]:
            if child.pk in seen:
                continue
            seen.add(child.pk)
            if child.kind != Competency.Kind.AREA:
                rows.append(row(child, depth))
            rows.extend(descendants(child, depth + 1, seen))
        return rows

    sections, loose, seen = [], [], set()
    for root in children[None]:
        seen.add(root.pk)
        if root.kind == Competency.Kind.AREA:
            sections.append(MatrixSection(area=root, rows=descendants(root, 0, seen)))
        else:
            loose.append(row(root, 0))
            loose.extend(descendants(root, 1, seen))
    if loose:
        sections.append(MatrixSection(area=None, rows=loose))

    notes: dict[str, int] = defaultdict(int)
    for requirement in requirements.values():
        if requirement.needs_confirmation:
            notes[requirement.source_note] += 1
    return RequirementMatrix(
        framework=framework,
        levels=levels,
        groups=groups,
        sections=sections,
        notes_to_confirm=dict(notes),
    )


_CELL_FIELD = re.compile(r"^(level|core)-(\d+)-(\d+)$")
_CHECKED = {"1", "on", "true"}


def requirement_matrix_parse(
    matrix: RequirementMatrix, data
) -> tuple[dict[int, dict[int, tuple[ProficiencyLevel | None, bool]]], list[str]]:
    """Read a posted grid into one `cells` mapping per group id, checking every cell.

    Returns (cells by group id, problems). Each problem names the cell (group ×
    competency code) or the field it came from; the submitted values are written
    onto the matrix so the grid can be shown again as it was sent.
    """
    levels = {str(level.pk): level for level in matrix.levels}
    groups = {group.pk: group for group in matrix.groups}
    sent: dict[tuple[int, int], dict[str, list[str]]] = defaultdict(dict)
    problems: list[str] = []

    for key in data:
        if not key.startswith(("level-", "core-")):
            continue
        match = _CELL_FIELD.match(key)
        if match is None:
            problems.append(
                gettext("'%(field)s' is not a cell of this grid.") % {"field": key}
            )
            continue
        kind, group_id, competency_id = (
            match.group(1),
            int(match.group(2)),
            int(match.group(3)),
        )
        if (group_id, competency_id) not in matrix.cells:
            if group_id not in groups:
                problems.append(
                    gettext(
                        "Personnel group %(id)s is not a group of this framework "
                        "(field '%(field)s')."
                    )
                    % {"id": group_id, "field": key}
                )
            else:
                problems.append(
                    gettext(
                        "Competency %(id)s is not a row of this framework's grid "
                        "(field '%(field)s', group %(group)s)."
                    )
                    % {"id": competency_id, "field": key, "group": groups[group_id]}
                )
            continue
        sent[(group_id, competency_id)][kind] = data.getlist(key)

    cells_by_group: dict[int, dict[int, tuple[ProficiencyLevel | None, bool]]] = (
        defaultdict(dict)
    )
    for (group_id, competency_id), values in sent.items():
        cell = matrix.cells[(group_id, competency_id)]
        level_values = values.get("level")
        core_values = values.get("core", [])
        error = ""
        if level_values is None:
            error = gettext("'core' was sent without a level.")
        elif len(level_values) != 1 or len(core_values) > 1:
            error = gettext("the cell was sent more than once.")
        elif core_values and core_values[0].lower() not in _CHECKED:
            error = gettext("'%(value)s' is not a value for 'core'.") % {
                "value": core_values[0]
            }
        elif level_values[0] and level_values[0] not in levels:
            error = gettext("'%(value)s' is not a level of the scale '%(scale)s'.") % {
                "value": level_values[0],
                "scale": matrix.framework.scale,
            }
        if error:
            cell.error = error
            problems.append(f"{cell.label}: {error}")
            continue
        level = levels.get(level_values[0]) if level_values[0] else None
        is_core = bool(core_values) and level is not None
        cell.level_id = level.pk if level else None
        cell.is_core = is_core
        cells_by_group[group_id][competency_id] = (level, is_core)
    return dict(cells_by_group), problems


class FrameworkAdminViewMixin(PermissionCheckedMixin, WagtailAdminTemplateMixin):
    """A custom admin page about one framework, with the framework's breadcrumbs."""

    @cached_property
    def framework(self) -> Framework:
        return get_object_or_404(
            Framework.objects.select_related("scale"), pk=self.kwargs["framework_id"]
        )

    def get_page_subtitle(self):
        return str(self.framework)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": _url("competencies_framework", "index"),
                "label": capfirst(Framework._meta.verbose_name_plural),
            },
            {
                "url": _url("competencies_framework", "edit", self.framework.pk),
                "label": str(self.framework),
            },
            {"url": "", "label": self.get_page_title()},
        ]


class RequirementMatrixView(FrameworkAdminViewMixin, TemplateView):
    model = Requirement
    permission_required = "change"
    template_name = "competencies/admin/requirement_matrix.html"
    page_title = _("Requirement matrix")
    header_icon = "table"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        matrix = kwargs.get("matrix") or requirement_matrix_read(self.framework)
        context.update(
            framework=self.framework,
            matrix=matrix,
            column_count=len(matrix.groups) + 1,
            notes_url=_url("competencies_requirement", "index")
            + f"?framework={self.framework.pk}&to_confirm=true",
            edit_framework_url=_url(
                "competencies_framework", "edit", self.framework.pk
            ),
        )
        return context

    def post(self, request, *args, **kwargs):
        matrix = requirement_matrix_read(self.framework)
        cells_by_group, problems = requirement_matrix_parse(matrix, request.POST)
        if not problems:
            groups = {group.pk: group for group in matrix.groups}
            try:
                with transaction.atomic():
                    changed = sum(
                        services.requirement_matrix_update(
                            group=groups[group_id], cells=cells
                        )
                        for group_id, cells in cells_by_group.items()
                    )
            except ValidationError as error:
                problems.extend(error.messages)
        if problems:
            messages.error(
                request,
                ngettext(
                    "Nothing was saved: %(count)s cell is wrong.",
                    "Nothing was saved: %(count)s cells are wrong.",
                    len(problems),
                )
                % {"count": len(problems)},
            )
            return self.render_to_response(
                self.get_context_data(matrix=matrix, problems=problems)
            )
        if changed:
            messages.success(
                request,
                ngettext(
                    "Requirement matrix saved: %(count)s cell changed.",
                    "Requirement matrix saved: %(count)s cells changed.",
                    changed,
                )
                % {"count": changed},
            )
        else:
            messages.info(
                request, gettext("Requirement matrix saved: no cell changed.")
            )
        return redirect(requirement_matrix_url(self.framework))


class RequirementMatrixIndexView(
    PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView
):
    """Which framework's matrix to edit: the menu entry of the grid."""

    model = Requirement
    permission_required = "change"
    template_name = "competencies/admin/requirement_matrix_index.html"
    page_title = _("Requirement matrix")
    header_icon = "table"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["frameworks"] = [
            (framework, requirement_matrix_url(framework))
            for framework in Framework.objects.order_by("code", "version")
        ]
        return context


# ------------------------------------------------------------------------------
# Framework import: upload, dry run, confirm
# ------------------------------------------------------------------------------

IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_EXTENSIONS = (".json", ".csv")
_PENDING_IMPORTS = "competencies_pending_imports"
_PENDING_DIR = "competencies/imports"


class FrameworkImportForm(forms.Form):
    file = forms.FileField(
        label=capfirst(_("Framework file")),
        help_text=_(
            "A CASE JSON (.json) or Moodle competency CSV (.csv) file, at most 5 MB."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = PurePath(upload.name).suffix.lower()
        if extension not in IMPORT_EXTENSIONS:
            raise ValidationError(
                gettext(
                    "'%(name)s' is not a .json or .csv file. Upload a CASE JSON or a "
                    "Moodle competency CSV file."
                )
                % {"name": upload.name}
            )
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                gettext("'%(name)s' is %(size)s MB; the limit is 5 MB.")
                % {"name": upload.name, "size": f"{upload.size / 1024 / 1024:.1f}"}
            )
        return upload


@dataclass
class ImportSummaryRow:
    kind: str
    created: int
    updated: int
    unchanged: int


_IMPORT_KINDS = {
    "framework": Framework._meta.verbose_name,
    "scale": ProficiencyScale._meta.verbose_name,
    "level": ProficiencyLevel._meta.verbose_name_plural,
    "competency": Competency._meta.verbose_name_plural,
}


def import_summary(result: ImportResult) -> list[ImportSummaryRow]:
    """One row per kind of record: how many the import creates, updates, leaves."""
    kinds = [*_IMPORT_KINDS]
    for counter in (result.created, result.updated, result.unchanged):
        kinds += [kind for kind in counter if kind not in kinds]
    return [
        ImportSummaryRow(
            kind=capfirst(_IMPORT_KINDS.get(kind, kind)),
            created=result.created.get(kind, 0),
            updated=result.updated.get(kind, 0),
            unchanged=result.unchanged.get(kind, 0),
        )
        for kind in kinds
        if result.created.get(kind)
        or result.updated.get(kind)
        or result.unchanged.get(kind)
    ]


def import_summary_text(result: ImportResult) -> str:
    """E.g. "Competencies: 7 created, 2 updated"; kinds and counts of 0 left out."""
    parts = []
    for row in import_summary(result):
        counts = [
            text % {"count": count}
            for text, count in (
                (gettext("%(count)s created"), row.created),
                (gettext("%(count)s updated"), row.updated),
                (gettext("%(count)s unchanged"), row.unchanged),
            )
            if count
        ]
        parts.append(f"{row.kind}: {', '.join(counts)}")
    return "; ".join(parts)


class FrameworkImportView(
    PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView
):
    """Upload → parse and dry run (nothing stored) → confirm → import in one go.

    Between the preview and the confirmation the uploaded file waits in the default
    storage under a random token held in the user's session, so a confirmation needs
    no second upload and works whichever server process receives it.
    """

    model = Framework
    permission_required = "add"
    template_name = "competencies/admin/framework_import.html"
    page_title = _("Import a framework")
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": _url("competencies_framework", "index"),
                "label": capfirst(Framework._meta.verbose_name_plural),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            self.get_context_data(form=FrameworkImportForm())
        )

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "preview")
        if action == "confirm":
            return self.confirm(request)
        if action == "cancel":
            self.uploads.discard(request.POST.get("token", ""))
            messages.info(request, gettext("Import cancelled; nothing was stored."))
            return redirect("competencies_framework_import")
        return self.preview(request)

    # -- steps ---------------------------------------------------------------

    def preview(self, request):
        form = FrameworkImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        content = upload.read()
        result, problems = self.run(content, filename=upload.name, dry_run=True)
        if problems:
            return self.render_problems(
                upload.name, problems, form=FrameworkImportForm()
            )
        token = self.uploads.keep(content, filename=upload.name)
        return self.render_to_response(
            self.get_context_data(
                filename=upload.name,
                summary=import_summary(result),
                result=result,
                token=token,
            )
        )

    def confirm(self, request):
        token = request.POST.get("token", "")
        pending = self.uploads.read(token)
        if pending is None:
            messages.error(
                request,
                gettext(
                    "This import is no longer waiting for confirmation; upload the "
                    "file again."
                ),
            )
            return redirect("competencies_framework_import")
        content = pending.content
        result, problems = self.run(content, filename=pending.name, dry_run=False)
        self.uploads.discard(token)
        if problems:
            return self.render_problems(
                pending.name, problems, form=FrameworkImportForm()
            )
        messages.success(
            request,
            gettext("'%(name)s' imported as '%(framework)s'. %(summary)s.")
            % {
                "name": pending.name,
                "framework": result.framework,
                "summary": import_summary_text(result),
            },
        )
        return redirect("competencies_framework:edit", result.framework.pk)

    def render_problems(self, filename, problems, *, form):
        messages.error(
            self.request,
            ngettext(
                "'%(name)s' was not imported: %(count)s problem. Nothing was stored.",
                "'%(name)s' was not imported: %(count)s problems. Nothing was stored.",
                len(problems),
            )
            % {"name": filename, "count": len(problems)},
        )
        return self.render_to_response(
            self.get_context_data(form=form, filename=filename, problems=problems)
        )

    # -- the interchange contract -------------------------------------------

    def run(self, content: bytes, *, filename: str, dry_run: bool):
        """Parse, then apply (or dry-run); returns (result, problems as text pairs)."""
        try:
            package = parse_framework_file(content, filename=filename)
            with transaction.atomic():
                result = framework_import(package=package, dry_run=dry_run)
        except FrameworkImportError as error:
            return None, [
                (problem.location, problem.message) for problem in error.problems
            ] or [("", str(error))]
        except ValidationError as error:
            return None, [("", message) for message in error.messages]
        return result, []

    # -- the file waiting for confirmation -------------------------------------

    @cached_property
    def uploads(self) -> PendingUploads:
        return PendingUploads(
            self.request, session_key=_PENDING_IMPORTS, directory=_PENDING_DIR
        )


# ------------------------------------------------------------------------------
# The OCSC list of lines of work: upload, dry run, confirm
# ------------------------------------------------------------------------------

_PENDING_LINES = "competencies_pending_lines_of_work"
_PENDING_LINES_DIR = "competencies/lines-of-work"


class LinesOfWorkImportForm(forms.Form):
    file = forms.FileField(
        label=capfirst(_("List of lines of work (CSV)")),
        help_text=_(
            "The OCSC list as UTF-8 CSV with the columns code, name_th, name_en, "
            "position_type, level_min, level_max, category; at most 5 MB."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() != ".csv":
            raise ValidationError(
                gettext("'%(name)s' is not a .csv file.") % {"name": upload.name}
            )
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                gettext("'%(name)s' is %(size)s MB; the limit is 5 MB.")
                % {"name": upload.name, "size": f"{upload.size / 1024 / 1024:.1f}"}
            )
        return upload


class LinesOfWorkImportView(
    PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView
):
    """The import_lines_of_work command in the admin: upload → dry run (every bad
    line named, nothing written) → confirm, which runs the same service again on the
    same file (kept under a token in the session). Running a file twice changes
    nothing the second time. Administrators only: it needs the permission to add
    lines of work, which only the academy_admin group holds."""

    model = LineOfWork
    permission_required = "add"
    template_name = "competencies/admin/lines_of_work_import.html"
    page_title = _("Import the lines of work")
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": _url("competencies_line_of_work", "index"),
                "label": capfirst(LineOfWork._meta.verbose_name_plural),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            self.get_context_data(form=LinesOfWorkImportForm())
        )

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "preview")
        if action == "confirm":
            return self.confirm(request)
        if action == "cancel":
            self.uploads.discard(request.POST.get("token", ""))
            messages.info(request, gettext("Import cancelled; nothing was stored."))
            return redirect("competencies_lines_of_work_import")
        return self.preview(request)

    def preview(self, request):
        form = LinesOfWorkImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        content = upload.read()
        result = services.lines_of_work_import(
            content=content, source_name=upload.name, apply=False
        )
        if result.errors:
            return self.render_errors(upload.name, result)
        return self.render_to_response(
            self.get_context_data(
                filename=upload.name,
                result=result,
                token=self.uploads.keep(content, filename=upload.name),
            )
        )

    def confirm(self, request):
        token = request.POST.get("token", "")
        pending = self.uploads.read(token)
        if pending is None:
            messages.error(
                request,
                gettext(
                    "This import is no longer waiting for confirmation; upload the "
                    "file again."
                ),
            )
            return redirect("competencies_lines_of_work_import")
        result = services.lines_of_work_import(
            content=pending.content, source_name=pending.name, apply=True
        )
        self.uploads.discard(token)
        if result.errors:
            return self.render_errors(pending.name, result)
        messages.success(
            request,
            gettext(
                "'%(name)s' imported: %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged."
            )
            % {
                "name": pending.name,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
        )
        return redirect(_url("competencies_line_of_work", "index"))

    def render_errors(self, filename, result):
        messages.error(
            self.request,
            ngettext(
                "'%(name)s' was not imported: %(count)s line refused. Nothing was "
                "stored.",
                "'%(name)s' was not imported: %(count)s lines refused. Nothing was "
                "stored.",
                len(result.errors),
            )
            % {"name": filename, "count": len(result.errors)},
        )
        return self.render_to_response(
            self.get_context_data(
                form=LinesOfWorkImportForm(),
                filename=filename,
                problems=[
                    (gettext("line %(line)s") % {"line": line}, message)
                    for line, message in result.errors
                ],
            )
        )

    @cached_property
    def uploads(self) -> PendingUploads:
        return PendingUploads(
            self.request, session_key=_PENDING_LINES, directory=_PENDING_LINES_DIR
        )


# ------------------------------------------------------------------------------
# Optional areas chosen for a whole organisation
# ------------------------------------------------------------------------------


class AreaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.framework.name}: {obj.code} {obj.name}"


class OrganisationOptionalAreasForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=capfirst(_("organisation unit")),
        queryset=OrgUnit.objects.all(),
        help_text=_("The choice applies to everyone placed in this unit or below it."),
    )
    areas = AreaChoiceField(
        label=capfirst(_("optional areas that count for its staff")),
        queryset=Competency.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only the areas chosen count towards the staff's gaps; the others are "
            "shown to them but never counted. Leave all unticked to withdraw the "
            "organisation's choices."
        ),
    )

    def __init__(self, *args, offered: list[Competency], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget = org_unit_chooser.widget_class()
        self.fields["areas"].queryset = Competency.objects.filter(
            pk__in=[item.pk for item in offered]
        ).select_related("framework")


class OrganisationOptionalAreasView(
    PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView
):
    """Which optional areas count for an organisation's staff (OptionalChoice on a
    unit, chosen for the organisation). Administrators only: adding and withdrawing
    choices needs the optional-choice permissions of the academy_admin group."""

    model = OptionalChoice
    permission_required = "add"
    template_name = "competencies/admin/organisation_optional_areas.html"
    page_title = _("Optional areas chosen by organisations")
    header_icon = "tasks"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.get_page_title()}]

    @cached_property
    def offered(self) -> list[Competency]:
        return selectors.optional_areas_offered()

    def get(self, request, *args, **kwargs):
        unit_id = request.GET.get("unit", "")
        unit = OrgUnit.objects.filter(pk=unit_id).first() if unit_id.isdigit() else None
        initial = {}
        if unit is not None:
            initial = {
                "unit": unit,
                "areas": list(
                    OptionalChoice.objects.filter(
                        unit=unit, competency__in=self.offered
                    ).values_list("competency_id", flat=True)
                ),
            }
        form = OrganisationOptionalAreasForm(initial=initial, offered=self.offered)
        return self.render_to_response(self.get_context_data(form=form))

    def post(self, request, *args, **kwargs):
        form = OrganisationOptionalAreasForm(request.POST, offered=self.offered)
        if not self.permission_policy.user_has_permission(request.user, "delete"):
            raise PermissionDenied
        if form.is_valid():
            unit = form.cleaned_data["unit"]
            try:
                added, withdrawn = services.organisation_optional_areas_set(
                    unit=unit,
                    chosen=list(form.cleaned_data["areas"]),
                    offered=self.offered,
                    chosen_by=request.user,
                )
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    gettext(
                        "%(unit)s: %(added)s areas chosen, %(withdrawn)s withdrawn."
                    )
                    % {
                        "unit": f"{unit.name} ({unit.code})",
                        "added": added,
                        "withdrawn": withdrawn,
                    },
                )
                return redirect(
                    reverse("competencies_organisation_optional_areas")
                    + f"?unit={unit.pk}"
                )
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["choices"] = selectors.organisation_choices()
        context["offered"] = self.offered
        return context


# ------------------------------------------------------------------------------
# The menu group
# ------------------------------------------------------------------------------


class PermissionMenuItem(MenuItem):
    """A menu entry shown to users holding `action` on `model`."""

    def __init__(self, *args, model, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.model = model
        self.action = action

    def is_shown(self, request):
        return policy_registry.get_by_type(self.model).user_has_permission(
            request.user, self.action
        )


class StandardsViewSetGroup(ModelViewSetGroup):
    menu_label = _("Competency standards")
    menu_icon = "tasks"
    menu_order = 250
    submenu_hook = SUBMENU_HOOK
    items = (
        FrameworkViewSet(),
        RequirementViewSet(),
        CompetencyViewSet(),
        ProficiencyScaleViewSet(),
        ProficiencyLevelViewSet(),
        PersonnelGroupViewSet(),
        GroupRuleViewSet(),
        StaffSchemeViewSet(),
        SchemeCoverageViewSet(),
        PositionTypeViewSet(),
        PositionLevelViewSet(),
        LineOfWorkViewSet(),
        OrgUnitViewSet(),
        PersonViewSet(),
        PlacementViewSet(),
        EvidenceViewSet(),
    )


def requirement_matrix_menu_item() -> MenuItem:
    return PermissionMenuItem(
        _("Requirement matrix"),
        reverse("competencies_requirement_matrix_index"),
        name="competencies-requirement-matrix",
        icon_name="table",
        order=110,
        model=Requirement,
        action="change",
    )


def framework_import_menu_item() -> MenuItem:
    return PermissionMenuItem(
        _("Import a framework"),
        reverse("competencies_framework_import"),
        name="competencies-framework-import",
        icon_name="upload",
        order=130,
        model=Framework,
        action="add",
    )


def organisation_optional_areas_menu_item() -> MenuItem:
    return PermissionMenuItem(
        _("Optional areas of organisations"),
        reverse("competencies_organisation_optional_areas"),
        name="competencies-organisation-optional-areas",
        icon_name="tasks",
        order=140,
        model=OptionalChoice,
        action="add",
    )


def lines_of_work_import_menu_item() -> MenuItem:
    return PermissionMenuItem(
        _("Import the lines of work"),
        reverse("competencies_lines_of_work_import"),
        name="competencies-lines-of-work-import",
        icon_name="upload",
        order=735,
        model=LineOfWork,
        action="add",
    )


__all__ = [
    "FrameworkImportView",
    "LinesOfWorkImportView",
    "OrganisationOptionalAreasView",
    "organisation_optional_areas_menu_item",
    "lines_of_work_import_menu_item",
    "RequirementMatrixIndexView",
    "RequirementMatrixView",
    "StandardsViewSetGroup",
    "framework_import_menu_item",
    "requirement_matrix_menu_item",
    "requirement_matrix_parse",
    "requirement_matrix_read",
]
