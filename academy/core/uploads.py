"""An uploaded file kept between an import's dry run and its confirmation.

Every admin import here goes upload → dry run (nothing stored) → confirm. Between
the two steps the file waits in the private storage (no URL points into it: an
import may hold a question bank's answer key or staff records) under a random
token held in the user's session, so a confirmation needs no second upload, works
whichever web host receives it, and cannot name another user's file. The file's
SHA-256 is checked when it is read back.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import PurePath

from django.core.files.base import ContentFile

from .storage import private_storage


@dataclass(frozen=True)
class PendingFile:
    name: str
    content: bytes


class PendingUploads:
    """The files one user's session keeps for one kind of import (`session_key`)."""

    def __init__(self, request, *, session_key: str, directory: str) -> None:
        self.request = request
        self.session_key = session_key
        self.directory = directory

    def _entries(self) -> dict:
        return dict(self.request.session.get(self.session_key, {}))

    def keep(self, content: bytes, *, filename: str) -> str:
        """Store the file; returns the token the confirmation form sends back."""
        token = secrets.token_urlsafe(16)
        extension = PurePath(filename).suffix.lower()
        path = private_storage().save(
            f"{self.directory}/{token}{extension}", ContentFile(content)
        )
        entries = self._entries()
        entries[token] = {
            "name": filename,
            "path": path,
            "sha256": hashlib.sha256(content).hexdigest(),
        }
        self.request.session[self.session_key] = entries
        return token

    def read(self, token: str) -> PendingFile | None:
        """The file kept under `token` in this session, unchanged; else None
        (unknown token, file gone or altered: then it is discarded)."""
        entry = self._entries().get(token)
        if not entry:
            return None
        try:
            with private_storage().open(entry["path"], "rb") as stored:
                content = stored.read()
        except OSError:
            content = None
        if content is None or hashlib.sha256(content).hexdigest() != entry["sha256"]:
            self.discard(token)
            return None
        return PendingFile(name=entry["name"], content=content)

    def discard(self, token: str) -> None:
        entries = self._entries()
        entry = entries.pop(token, None)
        if entry is None:
            return
        private_storage().delete(entry["path"])
        self.request.session[self.session_key] = entries


__all__ = ["PendingFile", "PendingUploads"]
