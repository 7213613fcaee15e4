"""Frameworks, proficiency scales and levels, competencies, personnel groups, group
rules and requirements."""

from collections import defaultdict

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    Panel,
)
from wagtail.admin.ui.tables import (
    BooleanColumn,
    Column,
    StatusTagColumn,
)
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import HeaderButton

import django_filters

from ..models import (
    Competency,
    Evidence,
    Framework,
    GroupRule,
    PersonnelGroup,
    ProficiencyLevel,
    ProficiencyScale,
    Requirement,
)
from .base import (
    CODE_AND_NAMES,
    LinkColumn,
    StandardsIndexView,
    StandardsViewSet,
    ToConfirmColumn,
    ToConfirmFilterSet,
    ToConfirmPanel,
    code_column,
    provenance_panel,
    requirement_matrix_url,
    sourced_columns,
    sourced_panels,
    viewset_url,
)


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
    search_fields = CODE_AND_NAMES
    evidence_at_risk = staticmethod(
        lambda framework: Evidence.objects.filter(competency__framework=framework)
    )
    list_display = [
        "__str__",
        code_column(),
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
    panels = sourced_panels(
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
    )


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
                (level, viewset_url("competencies_level", "edit", level.pk))
                for level in self.instance.levels.order_by("rank")
            ]
            context["add_url"] = (
                viewset_url("competencies_level", "add") + f"?scale={self.instance.pk}"
            )
            context["list_url"] = (
                viewset_url("competencies_level", "index")
                + f"?scale={self.instance.pk}"
            )
            return context


class ProficiencyScaleViewSet(StandardsViewSet):
    model = ProficiencyScale
    name = "competencies_scale"
    url_prefix = "competencies/scales"
    icon = "order"
    menu_order = 500
    search_fields = CODE_AND_NAMES
    list_display = sourced_columns(
        code_column(),
        Column("kind", label=capfirst(_("kind"))),
        BooleanColumn("is_academy_own", label=capfirst(_("the Academy's own"))),
    )
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
    search_fields = CODE_AND_NAMES
    evidence_at_risk = staticmethod(_competency_subtree_evidence)
    list_display = sourced_columns(
        code_column(),
        Column("parent", label=capfirst(_("parent")), sort_key="parent__code"),
        Column("get_kind_display", label=capfirst(_("kind")), sort_key="kind"),
        Column(
            "framework.code",
            label=capfirst(_("framework")),
            sort_key="framework__code",
        ),
    )
    panels = sourced_panels(
        FieldPanel("framework"),
        FieldPanel("parent"),
        FieldRowPanel([FieldPanel("code"), FieldPanel("kind")]),
        FieldPanel("name_th"),
        FieldPanel("name_en"),
        FieldPanel("description_th"),
        FieldPanel("description_en"),
        FieldRowPanel([FieldPanel("sort_order"), FieldPanel("uri")]),
        FieldPanel("identifier"),
    )


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
    search_fields = CODE_AND_NAMES
    list_display = sourced_columns(
        code_column(),
        Column("framework", label=capfirst(_("framework")), sort_key="framework__code"),
    )
    panels = sourced_panels(
        FieldPanel("framework"),
        FieldRowPanel([FieldPanel("code"), FieldPanel("sort_order")]),
        FieldPanel("name_th"),
        FieldPanel("name_en"),
        FieldPanel("description"),
    )


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
    list_display = sourced_columns(
        Column("priority", label=capfirst(_("priority")), sort_key="priority"),
        Column("group", label=capfirst(_("personnel group"))),
        Column("position_type", label=capfirst(_("position type"))),
        Column("position_level", label=capfirst(_("position level"))),
        Column("line_of_work", label=capfirst(_("line of work"))),
        Column(
            "get_line_of_work_category_display",
            label=capfirst(_("line-of-work category")),
        ),
    )
    panels = sourced_panels(
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
    )


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
    list_display = sourced_columns(
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
    )
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
