"""Frameworks in and out as CASE JSON or Moodle CSV: read whole, written at once."""

from .apply import (
    ImportResult,
    export_case_json,
    export_moodle_csv,
    framework_export,
    framework_import,
    parse_framework_file,
)
from .case import build_case, parse_case
from .moodle import build_moodle_csv, parse_moodle_csv
from .package import (
    FrameworkImportError,
    FrameworkItem,
    FrameworkMeta,
    FrameworkPackage,
    ImportProblem,
    ItemKind,
    ScaleLevel,
)

__all__ = [
    "FrameworkImportError",
    "FrameworkItem",
    "FrameworkMeta",
    "FrameworkPackage",
    "ImportProblem",
    "ImportResult",
    "ItemKind",
    "ScaleLevel",
    "build_case",
    "build_moodle_csv",
    "export_case_json",
    "export_moodle_csv",
    "framework_export",
    "framework_import",
    "parse_case",
    "parse_framework_file",
    "parse_moodle_csv",
]
