"""Imports in the admin: a competency framework (CASE JSON or Moodle CSV) and the
OCSC list of lines of work, each upload → dry run → confirm."""

from dataclasses import dataclass
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from academy.core.uploads import PendingUploads

from .. import services
from ..interchange import FrameworkImportError, ImportResult, parse_framework_file
from ..interchange.apply import framework_import
from ..models import (
    Competency,
    Framework,
    LineOfWork,
    ProficiencyLevel,
    ProficiencyScale,
)
from .base import viewset_url

# ------------------------------------------------------------------------------
# Framework import: upload, dry run, confirm
# ------------------------------------------------------------------------------

IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_EXTENSIONS = (".json", ".csv")
_PENDING_IMPORTS = "competencies_pending_imports"
_PENDING_DIR = "competencies/imports"


class FrameworkImportForm(forms.Form):
    file = forms.FileField(
        label=capfirst(_("Framework file")),
        help_text=_(
            "A CASE JSON (.json) or Moodle competency CSV (.csv) file, at most 5 MB."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = PurePath(upload.name).suffix.lower()
        if extension not in IMPORT_EXTENSIONS:
            raise ValidationError(
                gettext(
                    "'%(name)s' is not a .json or .csv file. Upload a CASE JSON or a "
                    "Moodle competency CSV file."
                )
                % {"name": upload.name}
            )
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                gettext("'%(name)s' is %(size)s MB; the limit is 5 MB.")
                % {"name": upload.name, "size": f"{upload.size / 1024 / 1024:.1f}"}
            )
        return upload


@dataclass
class ImportSummaryRow:
    kind: str
    created: int
    updated: int
    unchanged: int


_IMPORT_KINDS = {
    "framework": Framework._meta.verbose_name,
    "scale": ProficiencyScale._meta.verbose_name,
    "level": ProficiencyLevel._meta.verbose_name_plural,
    "competency": Competency._meta.verbose_name_plural,
}


def import_summary(result: ImportResult) -> list[ImportSummaryRow]:
    """One row per kind of record: how many the import creates, updates, leaves."""
    kinds = [*_IMPORT_KINDS]
    for counter in (result.created, result.updated, result.unchanged):
        kinds += [kind for kind in counter if kind not in kinds]
    return [
        ImportSummaryRow(
            kind=capfirst(_IMPORT_KINDS.get(kind, kind)),
            created=result.created.get(kind, 0),
            updated=result.updated.get(kind, 0),
            unchanged=result.unchanged.get(kind, 0),
        )
        for kind in kinds
        if result.created.get(kind)
        or result.updated.get(kind)
        or result.unchanged.get(kind)
    ]


def import_summary_text(result: ImportResult) -> str:
    """E.g. "Competencies: 7 created, 2 updated"; kinds and counts of 0 left out."""
    parts = []
    for row in import_summary(result):
        counts = [
            text % {"count": count}
            for text, count in (
                (gettext("%(count)s created"), row.created),
                (gettext("%(count)s updated"), row.updated),
                (gettext("%(count)s unchanged"), row.unchanged),
            )
            if count
        ]
        parts.append(f"{row.kind}: {', '.join(counts)}")
    return "; ".join(parts)


class FrameworkImportView(
    PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView
):
    """Upload → parse and dry run (nothing stored) → confirm → import in one go.

    Between the preview and the confirmation the uploaded file waits in the default
    storage under a random token held in the user's session, so a confirmation needs
    no second upload and works whichever server process receives it.
    """

    model = Framework
    permission_required = "add"
    template_name = "competencies/admin/framework_import.html"
    page_title = _("Import a framework")
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": viewset_url("competencies_framework", "index"),
                "label": capfirst(Framework._meta.verbose_name_plural),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            self.get_context_data(form=FrameworkImportForm())
        )

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "preview")
        if action == "confirm":
            return self.confirm(request)
        if action == "cancel":
            self.uploads.discard(request.POST.get("token", ""))
            messages.info(request, gettext("Import cancelled; nothing was stored."))
            return redirect("competencies_framework_import")
        return self.preview(request)

    # -- steps ---------------------------------------------------------------

    def preview(self, request):
        form = FrameworkImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        content = upload.read()
        result, problems = self.run(content, filename=upload.name, dry_run=True)
        if problems:
            return self.render_problems(
                upload.name, problems, form=FrameworkImportForm()
            )
        token = self.uploads.keep(content, filename=upload.name)
        return self.render_to_response(
            self.get_context_data(
                filename=upload.name,
                summary=import_summary(result),
                result=result,
                token=token,
            )
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
            return redirect("competencies_framework_import")
        content = pending.content
        result, problems = self.run(content, filename=pending.name, dry_run=False)
        self.uploads.discard(token)
        if problems:
            return self.render_problems(
                pending.name, problems, form=FrameworkImportForm()
            )
        messages.success(
            request,
            gettext("'%(name)s' imported as '%(framework)s'. %(summary)s.")
            % {
                "name": pending.name,
                "framework": result.framework,
                "summary": import_summary_text(result),
            },
        )
        return redirect("competencies_framework:edit", result.framework.pk)

    def render_problems(self, filename, problems, *, form):
        messages.error(
            self.request,
            ngettext(
                "'%(name)s' was not imported: %(count)s problem. Nothing was stored.",
                "'%(name)s' was not imported: %(count)s problems. Nothing was stored.",
                len(problems),
            )
            % {"name": filename, "count": len(problems)},
        )
        return self.render_to_response(
            self.get_context_data(form=form, filename=filename, problems=problems)
        )

    # -- the interchange contract -------------------------------------------

    def run(self, content: bytes, *, filename: str, dry_run: bool):
        """Parse, then apply (or dry-run); returns (result, problems as text pairs)."""
        try:
            package = parse_framework_file(content, filename=filename)
            with transaction.atomic():
                result = framework_import(package=package, dry_run=dry_run)
        except FrameworkImportError as error:
            return None, [
                (problem.location, problem.message) for problem in error.problems
            ] or [("", str(error))]
        except ValidationError as error:
            return None, [("", message) for message in error.messages]
        return result, []

    # -- the file waiting for confirmation -------------------------------------

    @cached_property
    def uploads(self) -> PendingUploads:
        return PendingUploads(
            self.request, session_key=_PENDING_IMPORTS, directory=_PENDING_DIR
        )


# ------------------------------------------------------------------------------
# The OCSC list of lines of work: upload, dry run, confirm
# ------------------------------------------------------------------------------

_PENDING_LINES = "competencies_pending_lines_of_work"
_PENDING_LINES_DIR = "competencies/lines-of-work"


class LinesOfWorkImportForm(forms.Form):
    file = forms.FileField(
        label=capfirst(_("List of lines of work (CSV)")),
        help_text=_(
            "The OCSC list as UTF-8 CSV with the columns code, name_th, name_en, "
            "position_type, level_min, level_max, category; at most 5 MB."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() != ".csv":
            raise ValidationError(
                gettext("'%(name)s' is not a .csv file.") % {"name": upload.name}
            )
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                gettext("'%(name)s' is %(size)s MB; the limit is 5 MB.")
                % {"name": upload.name, "size": f"{upload.size / 1024 / 1024:.1f}"}
            )
        return upload


class LinesOfWorkImportView(
    PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView
):
    """The import_lines_of_work command in the admin: upload → dry run (every bad
    line named, nothing written) → confirm, which runs the same service again on the
    same file (kept under a token in the session). Running a file twice changes
    nothing the second time. Administrators only: it needs the permission to add
    lines of work, which only the academy_admin group holds."""

    model = LineOfWork
    permission_required = "add"
    template_name = "competencies/admin/lines_of_work_import.html"
    page_title = _("Import the lines of work")
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": viewset_url("competencies_line_of_work", "index"),
                "label": capfirst(LineOfWork._meta.verbose_name_plural),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get(self, request, *args, **kwargs):
        return self.render_to_response(
            self.get_context_data(form=LinesOfWorkImportForm())
        )

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "preview")
        if action == "confirm":
            return self.confirm(request)
        if action == "cancel":
            self.uploads.discard(request.POST.get("token", ""))
            messages.info(request, gettext("Import cancelled; nothing was stored."))
            return redirect("competencies_lines_of_work_import")
        return self.preview(request)

    def preview(self, request):
        form = LinesOfWorkImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        content = upload.read()
        result = services.lines_of_work_import(
            content=content, source_name=upload.name, apply=False
        )
        if result.errors:
            return self.render_errors(upload.name, result)
        return self.render_to_response(
            self.get_context_data(
                filename=upload.name,
                result=result,
                token=self.uploads.keep(content, filename=upload.name),
            )
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
            return redirect("competencies_lines_of_work_import")
        result = services.lines_of_work_import(
            content=pending.content, source_name=pending.name, apply=True
        )
        self.uploads.discard(token)
        if result.errors:
            return self.render_errors(pending.name, result)
        messages.success(
            request,
            gettext(
                "'%(name)s' imported: %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged."
            )
            % {
                "name": pending.name,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
        )
        return redirect(viewset_url("competencies_line_of_work", "index"))

    def render_errors(self, filename, result):
        messages.error(
            self.request,
            ngettext(
                "'%(name)s' was not imported: %(count)s line refused. Nothing was "
                "stored.",
                "'%(name)s' was not imported: %(count)s lines refused. Nothing was "
                "stored.",
                len(result.errors),
            )
            % {"name": filename, "count": len(result.errors)},
        )
        return self.render_to_response(
            self.get_context_data(
                form=LinesOfWorkImportForm(),
                filename=filename,
                problems=[
                    (gettext("line %(line)s") % {"line": line}, message)
                    for line, message in result.errors
                ],
            )
        )

    @cached_property
    def uploads(self) -> PendingUploads:
        return PendingUploads(
            self.request, session_key=_PENDING_LINES, directory=_PENDING_LINES_DIR
        )
