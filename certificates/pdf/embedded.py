"""The credential attached to an uploaded PDF, read within a fixed budget.

An anonymous visitor's PDF is hostile until shown otherwise: a 2 MB file can hold
dozens of compressed streams that each inflate to tens of megabytes (pypdf's own
per-stream ceiling is 75 MB, and `PdfReader.attachments` inflates every attachment
it lists). Here nothing is inflated beyond what one credential needs:

- the raw bytes are scanned first: a PDF with more object or cross-reference streams
  than a certificate has is refused before parsing (their /Type is mandatory, and a
  stream's dictionary can never itself be compressed);
- the embedded-files name tree is walked by hand, counting nodes and entries, and a
  PDF with more than `max_files` entries is refused before any file is read;
- every stream is decoded with pypdf's limits lowered to `max_stream_bytes` for the
  duration (pypdf inflates incrementally and stops at the limit).

So one request inflates at most (object streams + cross-reference streams + 1)
times `max_stream_bytes`: about 8.5 MiB with the defaults, typically a few KiB.
"""

import io
import re

from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError

#: An Academy certificate has a handful of each (none today); a hostile one, many.
MAX_OBJECT_STREAMS = 8
MAX_XREF_STREAMS = 8
#: Name-tree nodes visited while looking for the attachment.
MAX_NAME_TREE_NODES = 64
MAX_EMBEDDED_FILES = 4
#: Largest decoded stream (a signed credential is a few KiB).
MAX_STREAM_BYTES = 512 * 1024

_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b")
_XREF_STREAM = re.compile(rb"/Type\s*/XRef\b")


class EmbeddedFileRefused(ValueError):
    """The PDF asks for more work than a certificate can need; `reason` says which."""

    TOO_MANY_FILES = "too_many_files"
    TOO_LARGE = "too_large"

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def _limits(max_stream_bytes: int) -> dict:
    return {
        "zlib_maximum_output_length": max_stream_bytes,
        "zlib_maximum_recovery_input_length": max_stream_bytes,
        "lzw_maximum_output_length": max_stream_bytes,
        "run_length_maximum_output_length": max_stream_bytes,
        "brotli_maximum_output_length": max_stream_bytes,
        "jbig2_maximum_output_length": max_stream_bytes,
        "array_based_stream_maximum_output_length": max_stream_bytes,
        "image_maximum_buffer_size": max_stream_bytes,
        "stream_decoding_work_maximum_length": 4 * max_stream_bytes,
        "array_maximum_element_count": 4 * MAX_NAME_TREE_NODES,
    }


def _name_tree_entries(root, *, max_files: int):
    """(key, file specification) pairs of the /EmbeddedFiles name tree, within limits."""
    entries = []
    stack = [root]
    visited = 0
    while stack:
        node = stack.pop().get_object()
        visited += 1
        if visited > MAX_NAME_TREE_NODES:
            raise EmbeddedFileRefused(EmbeddedFileRefused.TOO_MANY_FILES, "name tree")
        names = node.get("/Names")
        if names is not None:
            names = names.get_object()
            for index in range(0, len(names) - 1, 2):
                entries.append((str(names[index]), names[index + 1]))
                if len(entries) > max_files:
                    raise EmbeddedFileRefused(
                        EmbeddedFileRefused.TOO_MANY_FILES, f"more than {max_files}"
                    )
        stack.extend(node.get("/Kids", []) or [])
    return entries


def _names_of(key: str, specification) -> set[str]:
    names = {key}
    if hasattr(specification, "get"):
        names.update(str(specification.get(k, "")) for k in ("/UF", "/F"))
    return names


def embedded_file_read(
    pdf: bytes,
    *,
    name: str,
    max_files: int = MAX_EMBEDDED_FILES,
    max_stream_bytes: int = MAX_STREAM_BYTES,
) -> bytes:
    """The content of the one file attached to `pdf` under `name`.

    Raises EmbeddedFileRefused when the PDF asks for more than the budget, KeyError
    when no attachment has that name, ValueError when several have, and pypdf's
    errors for a PDF it cannot read.
    """
    if (
        len(_OBJECT_STREAM.findall(pdf)) > MAX_OBJECT_STREAMS
        or len(_XREF_STREAM.findall(pdf)) > MAX_XREF_STREAMS
    ):
        raise EmbeddedFileRefused(EmbeddedFileRefused.TOO_MANY_FILES, "streams")
    try:
        with apply_configuration(**_limits(max_stream_bytes)):
            reader = PdfReader(io.BytesIO(pdf))
            catalog = reader.trailer["/Root"].get_object()
            names = catalog.get("/Names")
            tree = names.get_object().get("/EmbeddedFiles") if names else None
            if tree is None:
                raise KeyError(name)
            entries = _name_tree_entries(tree, max_files=max_files)
            matches = [
                specification.get_object()
                for key, specification in entries
                if name in _names_of(key, specification.get_object())
            ]
            if not matches:
                raise KeyError(name)
            if len(matches) > 1:
                msg = f"The PDF has {len(matches)} attachments named {name!r}, not one"
                raise ValueError(msg)
            stream = matches[0]["/EF"].get_object()["/F"].get_object()
            return stream.get_data()
    except LimitReachedError as error:
        raise EmbeddedFileRefused(EmbeddedFileRefused.TOO_LARGE, str(error)) from None
