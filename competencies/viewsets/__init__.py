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

One module a concern: `base` (what every viewset shares), `standards` (frameworks,
scales, competencies, groups, requirements), `organisation` (schemes, positions, lines
of work, units), `people` (people, placements, evidence), `choosers`, `matrix` (the
requirement grid), `imports` (framework and lines-of-work files), `optional_areas`
(organisations' choices) and `menu` (the menu group and its other entries).
"""

from .base import SUBMENU_HOOK
from .choosers import org_unit_chooser, person_chooser
from .imports import FrameworkImportView, LinesOfWorkImportView
from .matrix import (
    RequirementMatrixIndexView,
    RequirementMatrixView,
    requirement_matrix_parse,
    requirement_matrix_read,
)
from .menu import STANDARDS_PAGES, StandardsViewSetGroup
from .optional_areas import OrganisationOptionalAreasView

__all__ = [
    "STANDARDS_PAGES",
    "SUBMENU_HOOK",
    "FrameworkImportView",
    "LinesOfWorkImportView",
    "OrganisationOptionalAreasView",
    "RequirementMatrixIndexView",
    "RequirementMatrixView",
    "StandardsViewSetGroup",
    "org_unit_chooser",
    "person_chooser",
    "requirement_matrix_parse",
    "requirement_matrix_read",
]
