"""The "Competency standards" menu group and the entries of its views that are not
viewsets (the matrix, the imports, the organisations' optional areas)."""

from typing import NamedTuple

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.permissions import policy_registry

from ..models import (
    Framework,
    LineOfWork,
    OptionalChoice,
    Requirement,
)
from .base import SUBMENU_HOOK
from .organisation import (
    LineOfWorkViewSet,
    OrgUnitViewSet,
    PositionLevelViewSet,
    PositionTypeViewSet,
    SchemeCoverageViewSet,
    StaffSchemeViewSet,
)
from .people import EvidenceViewSet, PersonViewSet, PlacementViewSet
from .standards import (
    CompetencyViewSet,
    FrameworkViewSet,
    GroupRuleViewSet,
    PersonnelGroupViewSet,
    ProficiencyLevelViewSet,
    ProficiencyScaleViewSet,
    RequirementViewSet,
)


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


class StandardsPage(NamedTuple):
    """A page of the group that is not a viewset, and its menu entry for users
    holding `action` on `model`."""

    label: str
    url_name: str
    name: str
    icon_name: str
    order: int
    model: type
    action: str

    def menu_item(self) -> MenuItem:
        return PermissionMenuItem(
            self.label,
            reverse(self.url_name),
            name=self.name,
            icon_name=self.icon_name,
            order=self.order,
            model=self.model,
            action=self.action,
        )


STANDARDS_PAGES = (
    StandardsPage(
        _("Requirement matrix"),
        "competencies_requirement_matrix_index",
        "competencies-requirement-matrix",
        "table",
        110,
        Requirement,
        "change",
    ),
    StandardsPage(
        _("Import a framework"),
        "competencies_framework_import",
        "competencies-framework-import",
        "upload",
        130,
        Framework,
        "add",
    ),
    StandardsPage(
        _("Optional areas of organisations"),
        "competencies_organisation_optional_areas",
        "competencies-organisation-optional-areas",
        "tasks",
        140,
        OptionalChoice,
        "add",
    ),
    StandardsPage(
        _("Import the lines of work"),
        "competencies_lines_of_work_import",
        "competencies-lines-of-work-import",
        "upload",
        735,
        LineOfWork,
        "add",
    ),
)
