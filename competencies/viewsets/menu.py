"""The "Competency standards" menu group and the entries of its views that are not
viewsets (the matrix, the imports, the organisations' optional areas)."""

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
