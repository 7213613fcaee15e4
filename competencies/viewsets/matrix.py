"""The requirement matrix: a framework's groups × competencies, edited as one grid."""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from .. import services
from ..models import (
    Competency,
    Framework,
    PersonnelGroup,
    ProficiencyLevel,
    Requirement,
)
from .base import requirement_matrix_url, viewset_url


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
                "url": viewset_url("competencies_framework", "index"),
                "label": capfirst(Framework._meta.verbose_name_plural),
            },
            {
                "url": viewset_url("competencies_framework", "edit", self.framework.pk),
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
            notes_url=viewset_url("competencies_requirement", "index")
            + f"?framework={self.framework.pk}&to_confirm=true",
            edit_framework_url=viewset_url(
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
