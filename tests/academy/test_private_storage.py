"""The private storage: no URL, and the command that moves older files into it."""

from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.management import call_command

from wagtail.documents import get_document_model

import pytest

from academy.core.storage import private_file_fields, private_storage

pytestmark = pytest.mark.django_db


def test_private_files_have_no_url():
    with pytest.raises(NotImplementedError):
        storages["private"].url("certificates/pdf/x.pdf")


def test_every_private_file_field_uses_the_private_storage():
    labels = {f"{f.model._meta.label}.{f.name}" for f in private_file_fields()}
    assert labels == {
        "certificates.Certificate.pdf",
        "certificates.CertificateBundle.file",
        "competencies.EvidenceAttachment.file",
        "competencies.DevelopmentRecord.evidence_file",
        "courses.DevelopmentPlan.agreement_form",
        f"{get_document_model()._meta.label}.file",
    }


def test_the_private_root_is_outside_media_root(settings):
    private = Path(settings.ACADEMY_PRIVATE_MEDIA_ROOT).resolve()
    assert not private.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert Path(private_storage().path("x")).resolve().is_relative_to(private)


def test_files_stored_under_media_root_are_moved_once(settings, capsys):
    Document = get_document_model()
    old_name = default_storage.save("documents/plan.pdf", ContentFile(b"%PDF-1.7 a"))
    document = Document.objects.create(title="แผน", file="placeholder")
    Document.objects.filter(pk=document.pk).update(file=old_name)

    call_command("private_files_move")
    call_command("private_files_move")

    document.refresh_from_db()
    assert not default_storage.exists(old_name)
    assert private_storage().open(document.file.name).read() == b"%PDF-1.7 a"
    assert capsys.readouterr().out.splitlines() == [
        "1 private file(s) moved.",
        "0 private file(s) moved.",
    ]
