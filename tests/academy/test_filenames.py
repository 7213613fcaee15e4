"""Stored file names keep Thai whole (academy/core/filenames.py)."""

import unicodedata
from urllib.parse import quote

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.utils.text import get_valid_filename

import pytest

from academy.core.filenames import ScriptSafeNames, valid_file_name
from tests.factories import UserFactory


def test_thai_vowels_and_tone_marks_are_kept():
    # Django's own rule drops every mark above or below a consonant.
    assert get_valid_filename("คู่มือการประเมิน.pdf") == "คมอการประเมน.pdf"
    assert valid_file_name("คู่มือการประเมิน.pdf") == "คู่มือการประเมิน.pdf"
    assert valid_file_name(" แบบฟอร์ม ข้อตกลง 2569.docx ") == ("แบบฟอร์ม_ข้อตกลง_2569.docx")


@pytest.mark.parametrize(
    "name",
    [
        "report.pdf",
        "my report (final).docx",
        "a'b\"c;d<e>f|g?h*i.txt",
        "tab\there.csv",
        "naïve café.odt",
        "-dash_under.score.tar.gz",
    ],
)
def test_names_without_marks_are_cleaned_as_django_cleans_them(name):
    assert valid_file_name(name) == get_valid_filename(name)


def test_separators_and_controls_never_pass():
    cleaned = valid_file_name("..\\..\\evil\x00\x1f/\u202ename.pdf")
    assert not {"/", "\\", "\x00", "\x1f", "\u202e"} & set(cleaned)
    for name in ["", " ", ".", "..", "///"]:
        with pytest.raises(SuspiciousFileOperation):
            valid_file_name(name)


def test_a_decomposed_name_is_stored_composed():
    decomposed = unicodedata.normalize("NFD", "résumé.pdf")
    assert valid_file_name(decomposed) == "résumé.pdf"


def test_every_storage_of_the_academy_keeps_thai_names():
    from academy.core.s3 import PrivateS3Storage, PublicMediaStorage
    from academy.core.storage import MediaFileSystemStorage, PrivateFileSystemStorage

    for storage in (
        MediaFileSystemStorage,
        PrivateFileSystemStorage,
        PublicMediaStorage,
        PrivateS3Storage,
    ):
        assert issubclass(storage, ScriptSafeNames)


@pytest.mark.django_db
def test_a_document_uploaded_in_thai_keeps_its_name_for_download(client):
    from wagtail.documents import get_document_model

    document = get_document_model()(title="คู่มือ")
    document.file.save("คู่มือการประเมิน.pdf", ContentFile(b"%PDF-1.7 guide"), save=True)
    assert document.filename == "คู่มือการประเมิน.pdf"
    client.force_login(UserFactory(email="reader@example.go.th"))
    response = client.get(document.url)
    assert response.status_code == 200
    assert quote("คู่มือการประเมิน.pdf") in response["Content-Disposition"]
