"""Staff schemes and their coverage, position types and levels, lines of work and
the organisation units (a treebeard tree, created through competencies.services)."""

from django import forms
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
)
from wagtail.admin.ui.tables import (
    Column,
    TitleColumn,
)
from wagtail.admin.widgets.button import HeaderButton

from .. import services
from ..models import (
    LineOfWork,
    OrgUnit,
    PositionLevel,
    PositionType,
    SchemeCoverage,
    StaffScheme,
)
from .base import (
    CODE_AND_NAMES,
    ServiceCreateView,
    StandardsIndexView,
    StandardsViewSet,
    ToConfirmFilterSet,
    code_column,
    sourced_columns,
    sourced_panels,
)
from .choosers import org_unit_chooser


class StaffSchemeViewSet(StandardsViewSet):
    model = StaffScheme
    name = "competencies_scheme"
    url_prefix = "competencies/schemes"
    icon = "folder-inverse"
    menu_order = 700
    list_display = [
        "__str__",
        code_column(),
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
    list_display = sourced_columns(
        Column("covered", label=capfirst(_("covered")), sort_key="covered"),
    )
    panels = sourced_panels(
        FieldRowPanel([FieldPanel("framework"), FieldPanel("scheme")]),
        FieldPanel("covered"),
    )


class PositionTypeViewSet(StandardsViewSet):
    model = PositionType
    name = "competencies_position_type"
    url_prefix = "competencies/position-types"
    icon = "tag"
    menu_order = 710
    list_filter = ["scheme"]
    list_select_related = ("scheme",)
    list_display = sourced_columns(
        code_column(),
        Column("scheme", label=capfirst(_("staff scheme"))),
    )
    panels = sourced_panels(
        FieldPanel("scheme"),
        FieldRowPanel([FieldPanel("code"), FieldPanel("sort_order")]),
        FieldPanel("name_th"),
        FieldPanel("name_en"),
    )


class PositionLevelViewSet(StandardsViewSet):
    model = PositionLevel
    name = "competencies_position_level"
    url_prefix = "competencies/position-levels"
    icon = "order"
    menu_order = 720
    list_filter = ["position_type"]
    list_select_related = ("position_type",)
    ordering = ["position_type", "rank"]
    list_display = sourced_columns(
        code_column(),
        Column("rank", label=capfirst(_("rank")), sort_key="rank"),
    )
    panels = sourced_panels(
        FieldPanel("position_type"),
        FieldRowPanel([FieldPanel("code"), FieldPanel("rank")]),
        FieldPanel("name_th"),
        FieldPanel("name_en"),
    )


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
    search_fields = CODE_AND_NAMES
    list_display = sourced_columns(
        Column(
            "get_category_display", label=capfirst(_("category")), sort_key="category"
        ),
    )
    panels = sourced_panels(
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
    )


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
    service = staticmethod(services.org_unit_create)
    service_fields = ("code", "name_th", "name_en", "kind", "parent")


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
    search_fields = CODE_AND_NAMES
    list_display = [
        "__str__",
        code_column(),
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
