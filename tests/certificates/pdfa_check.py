"""A structural PDF/A-3b check with pypdf, for tests: what a validator would look at first.

veraPDF, the reference validator, is a Java application that Debian, PyPI and npm
do not distribute, so it cannot run here or in CI. This check reads the document
with pypdf (not the code that wrote it) and reports every breach it finds of these
ISO 19005-3 rules, each one a rule veraPDF applies too:

- 6.1.2 file header ``%PDF-1.n`` followed by a comment of four bytes above 127;
- 6.1.3 a trailer /ID, and no /Encrypt;
- 6.2.3 an /OutputIntents entry /GTS_PDFA1 with an embedded 3-channel ICC
  profile, since the page uses DeviceRGB;
- 6.2.11.4 every font used on a page (also inside form XObjects) embedded:
  /FontFile, /FontFile2 or /FontFile3 in its descriptor; no standard-14 font;
- 6.6.2 XMP metadata in the catalog, unfiltered, with pdfaid:part 3 and
  pdfaid:conformance B, and 6.6.3 /Info entries equal to their XMP equivalents;
- 6.8 every embedded file is an associated file: its file specification has
  /F, /UF, /AFRelationship and is listed in the catalog's /AF; the embedded
  stream has a MIME /Subtype and /Params /ModDate;
- 6.6.1 no JavaScript anywhere (/JS, /JavaScript), 6.4.1 no /AA actions;
- 6.3.2 every annotation has its Print flag set and is not hidden.

It does not check what needs a full validator (font program internals, glyph
widths against the font, ICC profile internals, content-stream operators).
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import datetime

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

STANDARD_14 = {
    "Courier",
    "Courier-Bold",
    "Courier-Oblique",
    "Courier-BoldOblique",
    "Helvetica",
    "Helvetica-Bold",
    "Helvetica-Oblique",
    "Helvetica-BoldOblique",
    "Times-Roman",
    "Times-Bold",
    "Times-Italic",
    "Times-BoldItalic",
    "Symbol",
    "ZapfDingbats",
}
NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
}
ANNOT_PRINT, ANNOT_HIDDEN, ANNOT_INVISIBLE, ANNOT_NOVIEW = 4, 2, 1, 32


def pdfa_problems(pdf: bytes) -> list[str]:
    """Every breach of the rules above; an empty list for a conforming file."""
    problems: list[str] = []
    reader = PdfReader(io.BytesIO(pdf))
    _header(pdf, problems)
    trailer = reader.trailer
    if "/Encrypt" in trailer:
        problems.append("6.1.3: the file is encrypted")
    if "/ID" not in trailer:
        problems.append("6.1.3: the trailer has no /ID")
    catalog = reader.trailer["/Root"].get_object()
    _output_intent(catalog, problems)
    _fonts(reader, problems)
    _xmp(reader, catalog, problems)
    _associated_files(catalog, problems)
    _actions_and_annotations(reader, problems)
    return problems


def _header(pdf: bytes, problems: list[str]) -> None:
    first, _, rest = pdf.partition(b"\n")
    if not (first.startswith(b"%PDF-1.") and first[7:8].isdigit()):
        problems.append(f"6.1.2: header is {first[:12]!r}")
    comment = rest.split(b"\n", 1)[0].strip(b"\r")
    if not (comment.startswith(b"%") and sum(b > 127 for b in comment[1:5]) == 4):
        problems.append("6.1.2: no binary comment of four bytes above 127")


def _output_intent(catalog: DictionaryObject, problems: list[str]) -> None:
    intents = [i.get_object() for i in catalog.get("/OutputIntents", [])]
    pdfa = [i for i in intents if i.get("/S") == "/GTS_PDFA1"]
    if len(pdfa) != 1:
        problems.append(f"6.2.3: {len(pdfa)} GTS_PDFA1 output intents, not one")
        return
    profile = pdfa[0].get("/DestOutputProfile")
    if profile is None:
        problems.append("6.2.3: the output intent has no DestOutputProfile")
        return
    profile = profile.get_object()
    data = profile.get_data()
    if profile.get("/N") != 3 or data[16:20] != b"RGB " or data[36:40] != b"acsp":
        problems.append("6.2.3: the output profile is not an RGB ICC profile")


def _fonts(reader: PdfReader, problems: list[str]) -> None:
    seen: set[int] = set()
    for number, page in enumerate(reader.pages, start=1):
        _resources_fonts(page.get("/Resources"), f"page {number}", problems, seen)


def _resources_fonts(resources, where, problems, seen) -> None:
    if resources is None:
        return
    resources = resources.get_object()
    for name, font in (resources.get("/Font") or {}).items():
        _font(font.get_object(), f"{where} {name}", problems)
    for name, xobject in (resources.get("/XObject") or {}).items():
        ref = xobject.idnum if isinstance(xobject, IndirectObject) else id(xobject)
        if ref in seen:
            continue
        seen.add(ref)
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            _resources_fonts(
                xobject.get("/Resources"), f"{where} {name}", problems, seen
            )


def _font(font: DictionaryObject, where: str, problems: list[str]) -> None:
    base = str(font.get("/BaseFont", "")).lstrip("/")
    if base.split("+")[-1] in STANDARD_14:
        problems.append(f"6.2.11.4: {where} is the standard font {base}")
    if font.get("/Subtype") == "/Type3":
        return
    if font.get("/Subtype") == "/Type0":
        font = font["/DescendantFonts"][0].get_object()
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        problems.append(f"6.2.11.4: {where} ({base}) has no font descriptor")
        return
    descriptor = descriptor.get_object()
    if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
        problems.append(f"6.2.11.4: {where} ({base}) is not embedded")


def _xmp(reader: PdfReader, catalog: DictionaryObject, problems: list[str]) -> None:
    if "/Metadata" not in catalog:
        problems.append("6.6.2: the catalog has no XMP /Metadata")
        return
    stream = catalog["/Metadata"].get_object()
    if "/Filter" in stream:
        problems.append("6.6.2: the XMP metadata stream is filtered")
    root = ET.fromstring(stream.get_data())  # noqa: S314 - a test reads its own file
    values = {}
    for description in root.iter(f"{{{NS['rdf']}}}Description"):
        for child in description:
            text = (child.text or "").strip() or "".join(
                (item.text or "") for item in child.iter(f"{{{NS['rdf']}}}li")
            )
            values[child.tag] = text
    if values.get(f"{{{NS['pdfaid']}}}part") != "3":
        problems.append("6.6.4: pdfaid:part is not 3")
    if values.get(f"{{{NS['pdfaid']}}}conformance") not in ("B", "U", "A"):
        problems.append("6.6.4: pdfaid:conformance is not B, U or A")
    info = reader.trailer.get("/Info")
    info = info.get_object() if info is not None else {}
    pairs = {
        "/Title": f"{{{NS['dc']}}}title",
        "/Producer": f"{{{NS['pdf']}}}Producer",
        "/Creator": f"{{{NS['xmp']}}}CreatorTool",
        "/Keywords": f"{{{NS['pdf']}}}Keywords",
        "/CreationDate": f"{{{NS['xmp']}}}CreateDate",
        "/ModDate": f"{{{NS['xmp']}}}ModifyDate",
    }
    for key, tag in pairs.items():
        if key not in info:
            continue
        if key.endswith("Date"):
            same = _pdf_date(str(info[key])) == _xmp_date(values.get(tag, ""))
        else:
            same = str(info[key]) == values.get(tag)
        if not same:
            problems.append(f"6.6.3: /Info {key} differs from its XMP equivalent")
    for key in ("/Author", "/Subject", "/Trapped"):
        if key in info:
            problems.append(f"6.6.3: /Info {key} has no XMP equivalent written")


def _pdf_date(value: str) -> datetime | None:
    try:
        return datetime.strptime(value.replace("'", ""), "D:%Y%m%d%H%M%S%z")
    except ValueError:
        return None


def _xmp_date(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _associated_files(catalog: DictionaryObject, problems: list[str]) -> None:
    listed = {ref.idnum for ref in catalog.get("/AF", ArrayObject())}
    names = catalog.get("/Names", DictionaryObject()).get_object()
    tree = names.get("/EmbeddedFiles")
    pairs = tree.get_object().get("/Names", []) if tree is not None else []
    if not pairs:
        problems.append("6.8: no embedded file (the credential is missing)")
    for spec_ref in list(pairs)[1::2]:
        spec = spec_ref.get_object()
        name = spec.get("/UF") or spec.get("/F")
        if spec_ref.idnum not in listed:
            problems.append(f"6.8: {name} is not in the catalog's /AF")
        for key in ("/F", "/UF", "/AFRelationship"):
            if key not in spec:
                problems.append(f"6.8: the file specification of {name} has no {key}")
        stream = spec["/EF"]["/F"].get_object()
        if "/Subtype" not in stream:
            problems.append(f"6.8: the embedded {name} has no MIME /Subtype")
        if "/ModDate" not in stream.get("/Params", {}):
            problems.append(f"6.8: the embedded {name} has no /Params /ModDate")


def _actions_and_annotations(reader: PdfReader, problems: list[str]) -> None:
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            flags = int(annotation.get("/F", 0))
            hidden = ANNOT_HIDDEN | ANNOT_INVISIBLE | ANNOT_NOVIEW
            if not flags & ANNOT_PRINT or flags & hidden:
                problems.append(f"6.3.2: an annotation on page {number} is not printed")
    for obj in _all_objects(reader):
        if isinstance(obj, DictionaryObject):
            if "/JS" in obj or obj.get("/S") == "/JavaScript":
                problems.append("6.6.1: the file contains JavaScript")
            if "/AA" in obj:
                problems.append("6.4.1: the file has additional actions (/AA)")


def _all_objects(reader: PdfReader):
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # noqa: BLE001, S112 - a free entry in the xref table
            continue
        if isinstance(obj, StreamObject | DictionaryObject):
            yield obj
