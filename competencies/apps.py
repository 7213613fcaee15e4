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


def _standards_snapshot_versioned() -> None:
    """Saving or deleting any part of the standards orphans every process's
    snapshot (competencies.selectors.standards_snapshot)."""
    from academy.core.refcache import models_bumping

    from .models import (
        Competency,
        Framework,
        GroupRule,
        PersonnelGroup,
        ProficiencyLevel,
        ProficiencyScale,
        Requirement,
        SchemeCoverage,
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
        uid="standards",
    )
