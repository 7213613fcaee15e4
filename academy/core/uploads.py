"""An uploaded file kept between an import's dry run and its confirmation.

Every admin import here goes upload → dry run (nothing stored) → confirm. Between
the two steps the file waits in the private storage (no URL points into it: an
import may hold a question bank's answer key or staff records) under a random
token held in the user's session, so a confirmation needs no second upload, works
whichever web host receives it, and cannot name another user's file. The file's
SHA-256 is checked when it is read back. `DryRunImportView` is that flow for a
template view: each import says only how it reads a file, what it writes and what it
tells the user.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext

from wagtail.admin import messages

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


class DryRunImportView:
    """Upload → dry run (nothing stored) → confirm, for a TemplateView.

    GET shows `form_class` (its file field is `file`). POSTing the form runs the
    import as a dry run: problems show with the form again; otherwise the file waits
    in PendingUploads under a token and the page shows what the import would do. The
    confirmation runs the import again, for real, on the kept file, so what is
    written is what the dry run checked, or nothing. Cancelling discards the file.

    A subclass names `form_class`, `url_name` (this page, reversed with this
    request's URL arguments: where cancelling and an expired token lead),
    `pending_session_key` and `pending_directory`, and writes:
    - `dry_run(content, filename)` -> (context for the preview, problems);
    - `apply(content, filename)` -> (outcome, problems);
    - `problems_message(filename, count)`: the error shown above the problems;
    - `applied(outcome, filename)`: the response once the import is stored.
    Problems are a list the template shows (e.g. (location, message) pairs); an
    empty list means the file is good.
    """

    form_class = None
    url_name = ""
    pending_session_key = ""
    pending_directory = ""

    def dry_run(self, content: bytes, *, filename: str) -> tuple[dict, list]:
        raise NotImplementedError

    def apply(self, content: bytes, *, filename: str) -> tuple[object, list]:
        raise NotImplementedError

    def problems_message(self, filename: str, count: int) -> str:
        raise NotImplementedError

    def applied(self, outcome, *, filename: str):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.form_class()))

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "preview")
        if action == "confirm":
            return self.confirm(request)
        if action == "cancel":
            self.uploads.discard(request.POST.get("token", ""))
            messages.info(request, gettext("Import cancelled; nothing was stored."))
            return self.back_to_upload()
        return self.preview(request)

    def preview(self, request):
        form = self.form_class(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        content = upload.read()
        context, problems = self.dry_run(content, filename=upload.name)
        if problems:
            return self.render_problems(upload.name, problems)
        token = self.uploads.keep(content, filename=upload.name)
        return self.render_to_response(
            self.get_context_data(filename=upload.name, token=token, **context)
        )

    def confirm(self, request):
        token = request.POST.get("token", "")
        pending = self.uploads.read(token)
        if pending is None:
            messages.error(
                request,
                gettext(
                    "This import is no longer waiting for confirmation; upload the "
                    "file again."
                ),
            )
            return self.back_to_upload()
        outcome, problems = self.apply(pending.content, filename=pending.name)
        self.uploads.discard(token)
        if problems:
            return self.render_problems(pending.name, problems)
        return self.applied(outcome, filename=pending.name)

    def render_problems(self, filename: str, problems: list):
        messages.error(self.request, self.problems_message(filename, len(problems)))
        return self.render_to_response(
            self.get_context_data(
                form=self.form_class(), filename=filename, problems=problems
            )
        )

    def back_to_upload(self):
        """This page again, with the form: `url_name` reversed with the URL arguments
        of this request (e.g. the question bank an import writes into)."""
        return redirect(self.url_name, *self.args, **self.kwargs)

    @cached_property
    def uploads(self) -> PendingUploads:
        return PendingUploads(
            self.request,
            session_key=self.pending_session_key,
            directory=self.pending_directory,
        )


__all__ = ["DryRunImportView", "PendingFile", "PendingUploads"]
