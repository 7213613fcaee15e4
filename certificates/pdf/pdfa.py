"""PDF/A-3b: what makes a certificate PDF an archival document with its credential.

ReportLab (through xhtml2pdf) writes the page with every font embedded (TrueType
subsets of the bundled Sarabun; render.py keeps ReportLab's default Helvetica out).
One pypdf pass then adds what PDF/A-3 (ISO 19005-3) asks of the document itself:

- the credential as an associated file: an embedded file with its MIME type and
  modification date, a file specification with /F, /UF, /Desc and /AFRelationship,
  listed in the catalog's /AF array and in the /EmbeddedFiles name tree;
- XMP metadata (pdfaid:part 3, conformance B) that says the same as /Info;
- an sRGB output intent, since the page uses DeviceRGB colours and images;
- every annotation (a template's links) flagged to print, none hidden;
- a PDF 1.7 header and a trailer /ID (pypdf writes one).
"""

from __future__ import annotations

import functools
import io
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

ICC_PROFILE = Path(__file__).resolve().parent / "icc" / "sRGB.icc"
OUTPUT_CONDITION = "sRGB IEC61966-2.1"
PRODUCER = "xhtml2pdf, ReportLab and pypdf"
CREATOR = "The Academy"
PDF_HEADER = b"%PDF-1.7"

__all__ = ["PRODUCER", "make_pdfa"]


def make_pdfa(
    pdf: bytes,
    *,
    name: str,
    data: bytes,
    mime_type: str,
    description: str,
    relationship: str = "Data",
    title: str = "",
    language: str = "th",
    now: datetime | None = None,
) -> bytes:
    """The PDF as PDF/A-3b, with ``data`` attached as its associated file ``name``."""
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.pdf_header = PDF_HEADER
    catalog = writer.root_object

    embedded = writer.add_attachment(name, data)
    embedded.subtype = NameObject("/" + mime_type.replace("/", "#2F"))
    embedded.alternative_name = TextStringObject(name)  # /UF
    embedded.description = TextStringObject(description)
    embedded.associated_file_relationship = NameObject("/" + relationship)
    embedded.modification_date = now
    embedded.size = NumberObject(len(data))
    catalog[NameObject("/AF")] = ArrayObject([embedded.pdf_object.indirect_reference])

    catalog[NameObject("/OutputIntents")] = ArrayObject(
        [writer._add_object(_output_intent(writer))]
    )
    if language:
        catalog[NameObject("/Lang")] = TextStringObject(language)
    _print_annotations(writer)

    info = {
        "/Title": title,
        "/Creator": CREATOR,
        "/Producer": PRODUCER,
        "/CreationDate": _pdf_date(now),
        "/ModDate": _pdf_date(now),
    }
    # Only entries the XMP below repeats: PDF/A wants /Info and XMP to agree.
    writer.metadata = {key: value for key, value in info.items() if value}
    metadata = DecodedStreamObject()  # not compressed, so archivers can read it
    metadata.set_data(_xmp(title=title, language=language, now=now))
    metadata.update(
        {
            NameObject("/Type"): NameObject("/Metadata"),
            NameObject("/Subtype"): NameObject("/XML"),
        }
    )
    catalog[NameObject("/Metadata")] = writer._add_object(metadata)

    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


#: Annotation flags (PDF 32000-1, 12.5.3): PDF/A wants every annotation printed
#: and none hidden, invisible or not viewed.
ANNOT_PRINT = 4
ANNOT_HIDING = 1 | 2 | 32


def _print_annotations(writer: PdfWriter) -> None:
    """Set the Print flag on every annotation, such as a template's <a href> link."""
    for page in writer.pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            flags = int(annotation.get("/F", 0))
            annotation[NameObject("/F")] = NumberObject(
                (flags | ANNOT_PRINT) & ~ANNOT_HIDING
            )


@functools.cache
def _icc_profile() -> bytes:
    return ICC_PROFILE.read_bytes()


def _output_intent(writer: PdfWriter) -> DictionaryObject:
    profile = DecodedStreamObject()
    profile.set_data(_icc_profile())
    profile[NameObject("/N")] = NumberObject(3)
    profile_ref = writer._add_object(profile.flate_encode())
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/OutputIntent"),
            NameObject("/S"): NameObject("/GTS_PDFA1"),
            NameObject("/OutputConditionIdentifier"): TextStringObject(
                OUTPUT_CONDITION
            ),
            NameObject("/Info"): TextStringObject(OUTPUT_CONDITION),
            NameObject("/DestOutputProfile"): profile_ref,
        }
    )


def _pdf_date(value: datetime) -> str:
    return value.strftime("D:%Y%m%d%H%M%S+00'00'")


def _xmp_date(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _xmp(*, title: str, language: str, now: datetime) -> bytes:
    title_xml = ""
    if title:
        title_xml = (
            "<dc:title><rdf:Alt>"
            f'<rdf:li xml:lang="x-default">{escape(title)}</rdf:li>'
            "</rdf:Alt></dc:title>"
        )
    language_xml = ""
    if language:
        language_xml = (
            f"<dc:language><rdf:Bag><rdf:li>{escape(language)}</rdf:li>"
            "</rdf:Bag></dc:language>"
        )
    date = _xmp_date(now)
    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdfaid:part>3</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
<dc:format>application/pdf</dc:format>
{title_xml}{language_xml}
<xmp:CreatorTool>{escape(CREATOR)}</xmp:CreatorTool>
<xmp:CreateDate>{date}</xmp:CreateDate>
<xmp:ModifyDate>{date}</xmp:ModifyDate>
<xmp:MetadataDate>{date}</xmp:MetadataDate>
<pdf:Producer>{escape(PRODUCER)}</pdf:Producer>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return packet.encode("utf-8")
