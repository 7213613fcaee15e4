"""Imports in the admin: a competency framework (CASE JSON or Moodle CSV) and the
OCSC list of lines of work, each upload → dry run → confirm."""

from dataclasses import dataclass
from pathlib import PurePath

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from academy.core.uploads import DryRunImportView

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

IMPORT_MAX_BYTES = 5 * 1024 * 1024


class ImportFileForm(forms.Form):
    """One file of at most 5 MB whose name ends in one of `extensions`; the subclass
    declares the `file` field and says what a wrong file is."""

    extensions: tuple[str, ...] = ()

    def wrong_extension(self, name: str) -> str:
        raise NotImplementedError

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() not in self.extensions:
            raise ValidationError(self.wrong_extension(upload.name))
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                gettext("'%(name)s' is %(size)s MB; the limit is 5 MB.")
                % {"name": upload.name, "size": f"{upload.size / 1024 / 1024:.1f}"}
            )
        return upload


class ImportView(
    PermissionCheckedMixin, WagtailAdminTemplateMixin, DryRunImportView, TemplateView
):
    """An import page of the standards admin: upload → dry run → confirm
    (academy.core.uploads.DryRunImportView), for users who may add `model`, under
    the breadcrumb of `listing_viewset`'s listing."""

    permission_required = "add"
    header_icon = "upload"
    listing_viewset = ""

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {
                "url": viewset_url(self.listing_viewset, "index"),
                "label": capfirst(self.model._meta.verbose_name_plural),
            },
            {"url": "", "label": self.get_page_title()},
        ]


# ------------------------------------------------------------------------------
# A competency framework: CASE JSON or Moodle competency CSV
# ------------------------------------------------------------------------------


class FrameworkImportForm(ImportFileForm):
    extensions = (".json", ".csv")
    file = forms.FileField(
        label=capfirst(_("Framework file")),
        help_text=_(
            "A CASE JSON (.json) or Moodle competency CSV (.csv) file, at most 5 MB."
        ),
    )

    def wrong_extension(self, name: str) -> str:
        return gettext(
            "'%(name)s' is not a .json or .csv file. Upload a CASE JSON or a "
            "Moodle competency CSV file."
        ) % {"name": name}


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


class FrameworkImportView(ImportView):
    """Parse, dry run, confirm: the framework is imported in one go, or not at all."""

    model = Framework
    listing_viewset = "competencies_framework"
    template_name = "competencies/admin/framework_import.html"
    page_title = _("Import a framework")
    form_class = FrameworkImportForm
    url_name = "competencies_framework_import"
    pending_session_key = "competencies_pending_imports"
    pending_directory = "competencies/imports"

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

    def dry_run(self, content: bytes, *, filename: str):
        result, problems = self.run(content, filename=filename, dry_run=True)
        if problems:
            return {}, problems
        return {"summary": import_summary(result), "result": result}, []

    def apply(self, content: bytes, *, filename: str):
        return self.run(content, filename=filename, dry_run=False)

    def problems_message(self, filename: str, count: int) -> str:
        return ngettext(
            "'%(name)s' was not imported: %(count)s problem. Nothing was stored.",
            "'%(name)s' was not imported: %(count)s problems. Nothing was stored.",
            count,
        ) % {"name": filename, "count": count}

    def applied(self, result, *, filename: str):
        messages.success(
            self.request,
            gettext("'%(name)s' imported as '%(framework)s'. %(summary)s.")
            % {
                "name": filename,
                "framework": result.framework,
                "summary": import_summary_text(result),
            },
        )
        return redirect("competencies_framework:edit", result.framework.pk)


# ------------------------------------------------------------------------------
# The OCSC list of lines of work
# ------------------------------------------------------------------------------


class LinesOfWorkImportForm(ImportFileForm):
    extensions = (".csv",)
    file = forms.FileField(
        label=capfirst(_("List of lines of work (CSV)")),
        help_text=_(
            "The OCSC list as UTF-8 CSV with the columns code, name_th, name_en, "
            "position_type, level_min, level_max, category; at most 5 MB."
        ),
    )

    def wrong_extension(self, name: str) -> str:
        return gettext("'%(name)s' is not a .csv file.") % {"name": name}


class LinesOfWorkImportView(ImportView):
    """The import_lines_of_work command in the admin: the dry run names every bad
    line and writes nothing; the confirmation runs the same service again on the
    same file. Running a file twice changes nothing the second time. Administrators
    only: it needs the permission to add lines of work, which only the academy_admin
    group holds."""

    model = LineOfWork
    listing_viewset = "competencies_line_of_work"
    template_name = "competencies/admin/lines_of_work_import.html"
    page_title = _("Import the lines of work")
    form_class = LinesOfWorkImportForm
    url_name = "competencies_lines_of_work_import"
    pending_session_key = "competencies_pending_lines_of_work"
    pending_directory = "competencies/lines-of-work"

    def run(self, content: bytes, *, filename: str, apply: bool):
        result = services.lines_of_work_import(
            content=content, source_name=filename, apply=apply
        )
        problems = [
            (gettext("line %(line)s") % {"line": line}, message)
            for line, message in result.errors
        ]
        return result, problems

    def dry_run(self, content: bytes, *, filename: str):
        result, problems = self.run(content, filename=filename, apply=False)
        summary = ImportSummaryRow(
            kind=gettext("Lines of work"),
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
        )
        return {"result": result, "summary": [summary]}, problems

    def apply(self, content: bytes, *, filename: str):
        return self.run(content, filename=filename, apply=True)

    def problems_message(self, filename: str, count: int) -> str:
        return ngettext(
            "'%(name)s' was not imported: %(count)s line refused. Nothing was stored.",
            "'%(name)s' was not imported: %(count)s lines refused. Nothing was stored.",
            count,
        ) % {"name": filename, "count": count}

    def applied(self, result, *, filename: str):
        messages.success(
            self.request,
            gettext(
                "'%(name)s' imported: %(created)s created, %(updated)s updated, "
                "%(unchanged)s unchanged."
            )
            % {
                "name": filename,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
        )
        return redirect(viewset_url("competencies_line_of_work", "index"))
