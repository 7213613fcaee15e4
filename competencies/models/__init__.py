"""The competencies app's models, re-exported from their modules."""

from .development import DevelopmentRecord
from .evidence import (
    AppendOnlyError,
    Evidence,
    EvidenceAttachment,
    EvidenceQuerySet,
)
from .hr import HRScope, ImportJob, MatrixSnapshot, StaffColumnMap
from .people import (
    CIVIL_SERVICE,
    Designation,
    GroupRule,
    LineOfWork,
    OptionalChoice,
    OrgUnit,
    Person,
    Placement,
    PlacementQuerySet,
    PositionLevel,
    PositionType,
    SchemeCoverage,
    StaffScheme,
)
from .rollups import MatrixEntry, MatrixRollup, MatrixRollupRun
from .standards import (
    Competency,
    Framework,
    PersonnelGroup,
    ProficiencyLevel,
    ProficiencyScale,
    Provenance,
    Requirement,
)

__all__ = [
    "CIVIL_SERVICE",
    "MatrixEntry",
    "MatrixRollup",
    "MatrixRollupRun",
    "AppendOnlyError",
    "Competency",
    "Designation",
    "DevelopmentRecord",
    "Evidence",
    "EvidenceAttachment",
    "EvidenceQuerySet",
    "Framework",
    "GroupRule",
    "HRScope",
    "ImportJob",
    "StaffColumnMap",
    "LineOfWork",
    "MatrixSnapshot",
    "OptionalChoice",
    "OrgUnit",
    "Person",
    "PersonnelGroup",
    "Placement",
    "PlacementQuerySet",
    "PositionLevel",
    "PositionType",
    "ProficiencyLevel",
    "ProficiencyScale",
    "Provenance",
    "Requirement",
    "SchemeCoverage",
    "StaffScheme",
]
