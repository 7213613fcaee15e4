"""Which files may stand behind evidence: PDF, PNG or JPEG of at most 5 MB.

The type is read from the file's first bytes, not from its name or the browser's
claim; the name's extension must agree with it. Pure code, no database.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class AttachmentType:
    content_type: str
    extensions: tuple[str, ...]
    signature: bytes


ATTACHMENT_TYPES = (
    AttachmentType("application/pdf", ("pdf",), b"%PDF-"),
    AttachmentType("image/png", ("png",), b"\x89PNG\r\n\x1a\n"),
    AttachmentType("image/jpeg", ("jpg", "jpeg"), b"\xff\xd8\xff"),
)


class AttachmentRefused(ValueError):
    """The file is not one the Academy keeps; the message says why."""


def attachment_type(*, name: str, size: int, head: bytes) -> AttachmentType:
    """The accepted type of a file, or AttachmentRefused."""
    if size > MAX_ATTACHMENT_BYTES:
        raise AttachmentRefused("too_large")
    if size == 0:
        raise AttachmentRefused("empty")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    for candidate in ATTACHMENT_TYPES:
        if head.startswith(candidate.signature):
            if extension not in candidate.extensions:
                raise AttachmentRefused("extension_mismatch")
            return candidate
    raise AttachmentRefused("type")


def refusal_message(refused: AttachmentRefused) -> str:
    """The reader's sentence for a refusal, in the active language."""
    messages = {
        "too_large": _("The file is larger than 5 MB."),
        "empty": _("The file is empty."),
        "extension_mismatch": _("The file's name does not match its content."),
        "type": _("Only PDF, PNG or JPEG files can be attached."),
    }
    return messages[str(refused)]
