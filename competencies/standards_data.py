"""The shipped standards (frameworks, scales, position structure) read from competencies/data."""

import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
POSITION_STRUCTURE_FILE = DATA_DIR / "position_structure.json"
STAFF_SCHEMES_FILE = DATA_DIR / "staff_schemes.json"
SCALE_FILES = (DATA_DIR / "scale-th-dg.json", DATA_DIR / "scale-tpqi-pass.json")
FRAMEWORK_FILES = (
    DATA_DIR / "th-dg-2018.json",
    DATA_DIR / "th-gcio-2561.json",
    DATA_DIR / "th-dg-2024.json",
    DATA_DIR / "acd-digital.json",
)
ALIASES_FILE = DATA_DIR / "aliases.json"


def read(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)
