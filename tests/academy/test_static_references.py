"""Every static file a template or a hook names is found by the static-file finders:
a file moved between apps without its references fails here, not as a 500 under the
production manifest storage."""

import re
from pathlib import Path

from django.contrib.staticfiles import finders

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ["academy", "competencies", "courses", "certificates", "hr", "demo"]
IN_TEMPLATE = re.compile(r"""\{%\s*static\s+['"]([^'"]+)['"]""")
IN_PYTHON = re.compile(r"""\bstatic\(\s*['"]([^'"]+)['"]""")


def _references() -> list[tuple[str, str]]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*")):
            pattern = {".html": IN_TEMPLATE, ".py": IN_PYTHON}.get(path.suffix)
            if pattern is None:
                continue
            for name in pattern.findall(path.read_text(encoding="utf-8")):
                found.append((str(path.relative_to(ROOT)), name))
    return found


REFERENCES = _references()


def test_the_references_are_read():
    names = {name for _, name in REFERENCES}
    assert {"hr/hr.css", "hr/unit-tree.js", "competencies/admin.css"} <= names


@pytest.mark.parametrize(("where", "name"), REFERENCES, ids=lambda v: v)
def test_a_named_static_file_exists(where, name):
    assert finders.find(name), f"{where} names {name}, which no finder has"
