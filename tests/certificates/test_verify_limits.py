"""/verify/ reads an uploaded PDF within a budget: a decompression bomb costs nothing.

The hostile PDFs are built here with pypdf: 27 attachments called credential.json,
each a compressed stream of ~70 MB of zeros (about 1.9 MB on disk together), and one
that holds a single such attachment.
"""

import tracemalloc
import zlib

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    EncodedStreamObject,
    NameObject,
    TextStringObject,
)

pytestmark = pytest.mark.django_db

INFLATED = 70 * 1024 * 1024
MB = 1024 * 1024


def _bomb_pdf(files: int, inflated: int = INFLATED) -> bytes:
    compressed = zlib.compress(bytes(inflated), 9)
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    names = ArrayObject()
    for _ in range(files):
        stream = EncodedStreamObject()
        stream._data = compressed
        stream[NameObject("/Type")] = NameObject("/EmbeddedFile")
        stream[NameObject("/Filter")] = NameObject("/FlateDecode")
        specification = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Filespec"),
                NameObject("/F"): TextStringObject("credential.json"),
                NameObject("/UF"): TextStringObject("credential.json"),
                NameObject("/EF"): DictionaryObject(
                    {NameObject("/F"): writer._add_object(stream)}
                ),
            }
        )
        names.append(TextStringObject("credential.json"))
        names.append(writer._add_object(specification))
    writer.root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/EmbeddedFiles"): DictionaryObject({NameObject("/Names"): names})}
    )
    out = __import__("io").BytesIO()
    writer.write(out)
    return out.getvalue()


def _upload_measured(client, data: bytes):
    """POST the PDF to /verify/; the response and the peak memory growth, in bytes."""
    cache.clear()
    upload = SimpleUploadedFile("certificate.pdf", data, "application/pdf")
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        response = client.post("/verify/", {"method": "upload", "file": upload})
        peak = tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()
    return response, peak


def test_27_compressed_credentials_are_refused_within_100_mb(client):
    hostile = _bomb_pdf(27)
    assert len(hostile) < 2 * MB  # under the upload limit: it reaches the parser

    response, peak = _upload_measured(client, hostile)

    assert response.status_code == 400
    assert "มากกว่า" in response.content.decode()  # "more attached files than…"
    assert peak < 100 * MB, f"peak growth {peak / MB:.1f} MB"


def test_one_oversized_credential_is_refused_within_100_mb(client):
    response, peak = _upload_measured(client, _bomb_pdf(1))

    assert response.status_code == 400
    assert "ใหญ่เกิน" in response.content.decode()  # "larger than a credential…"
    assert peak < 100 * MB, f"peak growth {peak / MB:.1f} MB"
