from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetenciesConfig(AppConfig):
    name = "competencies"
    verbose_name = _("Competencies")

    def ready(self):
        from . import rollups
        from .hr import audit

        rollups.connect()
        audit.connect()
        _standards_snapshot_versioned()
        _hr_scopes_versioned()


def _standards_snapshot_versioned() -> None:
    """Saving or deleting any part of the standards orphans every process's
    snapshot (competencies.selectors.standards_snapshot) and the position choices
    kept under the same version (competencies.selectors.position_choices)."""
    from academy.core.refcache import models_bumping

    from .models import (
        Competency,
        Framework,
        GroupRule,
        LineOfWork,
        PersonnelGroup,
        PositionLevel,
        PositionType,
        ProficiencyLevel,
        ProficiencyScale,
        Requirement,
        SchemeCoverage,
        StaffScheme,
    )
    from .selectors import standards_cache

    models_bumping(
        standards_cache,
        Framework,
        GroupRule,
        Competency,
        PersonnelGroup,
        ProficiencyLevel,
        ProficiencyScale,
        Requirement,
        SchemeCoverage,
        StaffScheme,
        PositionType,
        PositionLevel,
        LineOfWork,
        uid="standards",
    )


def _hr_scopes_versioned() -> None:
    """Granting or revoking an HR scope, and any change to the organisation tree (a
    unit saved, deleted or moved: treebeard moves with QuerySet updates, hence
    org_unit_moved), orphan every process's officers' scopes
    (competencies.hr.selectors.scope_units_cache)."""
    from academy.core.refcache import models_bumping

    from .hr.selectors import scope_units_cache
    from .models import HRScope, OrgUnit
    from .signals import org_unit_moved

    models_bumping(scope_units_cache, HRScope, OrgUnit, uid="hr-scope")
    org_unit_moved.connect(
        scope_units_cache.bump, dispatch_uid="academy-ref-hr-scope-moved", weak=False
    )
