"""Stored file names that keep Thai whole.

Django cleans an uploaded file's name with `get_valid_filename`, which keeps only
`\\w`, "-" and ".": Thai vowels and tone marks written above or below a consonant
are combining marks (Unicode category M), not `\\w`, so "คู่มือการประเมิน.pdf" was
stored, and offered back for download, as "คมอการประเมน.pdf". Django has no option for
this, and no maintained library does only this; the rule is Django's with marks kept.
"""

import unicodedata

from django.core.exceptions import SuspiciousFileOperation


def valid_file_name(name) -> str:
    """Django's `get_valid_filename`, keeping combining marks: spaces become "_",
    and only letters, digits, marks, "_", "-" and "." are kept (no "/", "\\", quotes
    or control characters), in Unicode's composed form."""
    name = unicodedata.normalize("NFC", str(name)).strip().replace(" ", "_")
    kept = "".join(
        character
        for character in name
        if character.isalnum()
        or character in "_-."
        or unicodedata.category(character).startswith("M")
    )
    if kept in {"", ".", ".."}:
        raise SuspiciousFileOperation(f"Could not derive file name from '{name}'")
    return kept


class ScriptSafeNames:
    """A storage mixin: file names cleaned by `valid_file_name`."""

    def get_valid_name(self, name):
        return valid_file_name(name)
