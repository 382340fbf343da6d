"""Sources -> text: the PDF, HTML and plain-text adapters, and the walk over paths.

Every failure is a ``ParseError`` naming the path and a reason a user can act on; no other
exception escapes (pypdfium2, pypdf and lxml raise a zoo of their own on bad input).

PDF text comes from pypdfium2 by default (much faster than pypdf on DWC's letters, with the
same records: docs/benchmarks.md, "Ingest speed"); pypdf, plain or layout mode, is the second
path that keeps the parser honest about not depending on one extractor's quirks.
"""

from __future__ import annotations

import ctypes
import io
import logging
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import BinaryIO, Literal

from imr_search.config import MAX_FILE_BYTES
from imr_search.errors import ParseError
from imr_search.parse.limits import ParseLimits, check_page_count, check_pages
from imr_search.parse.pdfium import PDFIUM_LOCK

MAX_BYTES = MAX_FILE_BYTES
SUFFIXES = (".pdf", ".txt", ".html", ".htm")
STDIN = "-"

PdfExtractor = Literal["pdfium", "pypdf", "pypdf-layout"]
PDF_EXTRACTORS: tuple[PdfExtractor, ...] = ("pdfium", "pypdf", "pypdf-layout")


def iter_sources(paths: Sequence[str]) -> Iterator[str]:
    """Each source to parse, in a stable order: files as given, folders expanded recursively
    to their letter files (sorted), ``-`` for standard input. A path that does not exist is
    yielded as is, so the caller reports it with the other failures."""
    for given in paths:
        if given == STDIN:
            yield STDIN
            continue
        path = Path(given)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in SUFFIXES and p.is_file() and not p.name.startswith(".")
            )
            yield from (str(p) for p in found)
        else:
            yield given


def read_bytes(source: str, *, stdin: BinaryIO | None = None, max_bytes: int = MAX_BYTES) -> bytes:
    """The raw bytes of a source, with the size and emptiness checks."""
    if source == STDIN:
        if stdin is None:
            raise ParseError(source, "standard input is not available")
        data = stdin.read(max_bytes + 1)
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
            if path.is_dir():
                raise ParseError(source, "is a folder with no letters")
            if size > max_bytes:
                raise ParseError(source, f"file is larger than {_limit(max_bytes)}")
            data = path.read_bytes()
        except FileNotFoundError:
            raise ParseError(source, "no such file") from None
        except PermissionError:
            raise ParseError(source, "permission denied") from None
        except IsADirectoryError:
            raise ParseError(source, "is a folder") from None
        except OSError as e:
            raise ParseError(source, f"cannot read: {e.strerror or e}") from None
    if len(data) > max_bytes:
        raise ParseError(source, f"input is larger than {_limit(max_bytes)}")
    if not data.strip():
        raise ParseError(source, "empty file")
    return data


def _limit(n: int) -> str:
    """The file-size limit as a person reads it (50 MB, 512 KB, 900 bytes) and its setting."""
    setting = "(raise it with --max-file-bytes or IMR_SEARCH_MAX_FILE_BYTES)"
    for unit, size in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= size:
            return f"{n / size:g} {unit} {setting}"
    return f"{n:,} bytes {setting}"


def sniff(source: str, data: bytes) -> Literal["pdf", "html", "text"]:
    """What a source holds: by its content first (a PDF saved as .txt is still a PDF), then by
    its file suffix."""
    head = data[:1024].lstrip().lower()
    if data[:5] == b"%PDF-" or head.startswith(b"%pdf-"):
        return "pdf"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "html"
    suffix = os.path.splitext(source)[1].lower()
    if suffix == ".pdf":
        return "pdf"
    if suffix in (".html", ".htm"):
        return "html"
    return "text"


def decode_text(source: str, data: bytes) -> str:
    """Plain text: UTF-8 (with or without BOM) or UTF-16 with a BOM. Binary data is refused
    rather than indexed as noise."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ParseError(source, "text is not valid UTF-16") from None
    if b"\x00" in data[:8192]:
        raise ParseError(source, "binary file, not text or PDF")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ParseError(
            source,
            f"text is not UTF-8 (undecodable byte 0x{data[e.start]:02x} at offset {e.start})",
        ) from None


def pdf_text(
    source: str,
    data: bytes,
    *,
    extractor: PdfExtractor = "pdfium",
    limits: ParseLimits | None = None,
) -> str:
    """Text of a PDF, its pages joined by newlines. DWC's PDFs are AES-encrypted with an empty
    user password, which both extractors open by themselves; a PDF that needs a real password
    is refused. With ``limits``, a PDF with too many pages is refused before any text is
    extracted."""
    if extractor == "pdfium":
        pages = _pdfium_pages(source, data, limits)
    else:
        if limits is not None:
            check_pages(source, data, limits)
        mode: Literal["plain", "layout"] = "layout" if extractor == "pypdf-layout" else "plain"
        pages = _pypdf_pages(source, data, mode=mode)
    text = "\n".join(pages)
    if not text.strip():
        raise ParseError(source, "PDF has no text layer (a scanned image?)")
    return text


def pdfium_library() -> ModuleType:
    """PDFium's C API (pypdfium2.raw)."""
    import pypdfium2.raw

    pdfium_c: ModuleType = pypdfium2.raw
    return pdfium_c


# FPDF_GetLastError() codes, worded as pypdfium2 words them (the reasons of records cached by
# earlier versions stay the same).
_PDFIUM_ERRORS = {
    0: "Success",
    1: "Unknown error",
    2: "File access error",
    3: "Data format error",
    6: "Page not found or content error",
}


def _pdfium_pages(source: str, data: bytes, limits: ParseLimits | None) -> list[str]:
    # PDFium's C API directly, not pypdfium2's objects: their finalizers, weak references and
    # parent/child tracking cost time on every letter. The page limit is checked on this
    # opening of the document, so there is no second one (docs/benchmarks.md, "Ingest
    # speed").
    pdfium_c = pdfium_library()
    with PDFIUM_LOCK:
        # ``data`` is referenced until the document is closed, as PDFium requires.
        doc = pdfium_c.FPDF_LoadMemDocument64(data, len(data), None)
        try:
            count = pdfium_c.FPDF_GetPageCount(doc)
            if count < 1:
                code = pdfium_c.FPDF_GetLastError()
                if code == pdfium_c.FPDF_ERR_PASSWORD:
                    raise ParseError(source, "encrypted PDF needs a password")
                if code == pdfium_c.FPDF_ERR_SECURITY:
                    raise ParseError(source, "PDF uses an unsupported security handler")
                said = _PDFIUM_ERRORS.get(code)
                raise ParseError(source, f"corrupt PDF: Failed to load document (PDFium: {said}).")
            if limits is not None:
                check_page_count(source, count, limits)
            return [_pdfium_page_text(pdfium_c, source, doc, index) for index in range(count)]
        finally:
            if doc:
                pdfium_c.FPDF_CloseDocument(doc)


def _pdfium_page_text(pdfium_c: ModuleType, source: str, doc: object, index: int) -> str:
    page = pdfium_c.FPDF_LoadPage(doc, index)
    if not page:
        raise ParseError(source, "corrupt PDF: Failed to load page.")
    try:
        textpage = pdfium_c.FPDFText_LoadPage(page)
        if not textpage:
            raise ParseError(source, "corrupt PDF: Failed to load text page.")
        try:
            # PDFium marks a hyphen that breaks a word at a line end as U+FFFE; pypdf keeps it
            # as "-" and so does the parser's line joining ("documen-" + "tation").
            return _textpage_text(pdfium_c, textpage).replace("\ufffe", "-")
        finally:
            pdfium_c.FPDFText_ClosePage(textpage)
    finally:
        pdfium_c.FPDF_ClosePage(page)


def _textpage_text(pdfium_c: ModuleType, textpage: object) -> str:
    """All the text of a page, as pypdfium2's ``get_text_range()`` gives it (not
    ``get_text_bounded``, which turns U+FFFE into \\x02): from the first to the last
    character that has a place in the text, the buffer sized by text indices, since PDFium
    can insert characters (https://crbug.com/pdfium/2079)."""
    text_index = pdfium_c.FPDFText_GetTextIndexFromCharIndex
    first, last = 0, pdfium_c.FPDFText_CountChars(textpage) - 1
    while first <= last and text_index(textpage, first) == -1:
        first += 1
    while last >= first and text_index(textpage, last) == -1:
        last -= 1
    if first > last:
        return ""
    size = text_index(textpage, last) + 2 - text_index(textpage, first)  # with the NUL
    buffer = (ctypes.c_ushort * size)()
    written = pdfium_c.FPDFText_GetText(textpage, first, last - first + 1, buffer)
    return bytes(memoryview(buffer)[: max(written - 1, 0)]).decode("utf-16-le", errors="ignore")


def _pypdf_pages(source: str, data: bytes, *, mode: Literal["plain", "layout"]) -> list[str]:
    import pypdf
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, PyPdfError

    # pypdf logs recoverable oddities at WARNING; they are not the user's concern.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ParseError(source, "encrypted PDF needs a password")
        return [page.extract_text(extraction_mode=mode) or "" for page in reader.pages]
    except ParseError:
        raise
    except FileNotDecryptedError:
        raise ParseError(source, "encrypted PDF needs a password") from None
    except DependencyError as e:
        raise ParseError(source, f"PDF needs a missing library: {e}") from None
    except (PdfReadError, PyPdfError) as e:
        raise ParseError(source, f"corrupt PDF: {e}") from None
    except Exception as e:  # pypdf raises plain ValueError/KeyError/... on damaged files
        raise ParseError(source, f"corrupt PDF: {type(e).__name__}: {e}") from None


_BLOCKS = {
    "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "section", "article", "header", "footer", "pre", "blockquote", "td", "th",
}  # fmt: skip


_HIDDEN = ("script", "style", "head", "title", "noscript", "template")


def html_text(source: str, data: bytes) -> str:
    """Text of an HTML page: block elements become line breaks, scripts and styles vanish."""
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.document_fromstring(data)
    except (lxml.etree.ParserError, ValueError) as e:
        raise ParseError(source, f"unreadable HTML: {e}") from None
    parts: list[str] = []
    for el in root.iter():
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in _BLOCKS:
            parts.append("\n")
        # Text of scripts, styles and the head is not letter text (their tails are).
        hidden = tag in _HIDDEN or any(True for _ in el.iterancestors(*_HIDDEN))
        if el.text and tag and not hidden:
            parts.append(el.text)
        if el.tail:
            parts.append(el.tail)
    return "".join(parts)


def source_text(
    source: str,
    *,
    stdin: BinaryIO | None = None,
    max_bytes: int = MAX_BYTES,
    extractor: PdfExtractor = "pdfium",
) -> tuple[str, bytes]:
    """The text of a source and the bytes it came from (for content hashing)."""
    data = read_bytes(source, stdin=stdin, max_bytes=max_bytes)
    return data_text(source, data, extractor=extractor), data


def data_text(
    source: str,
    data: bytes,
    *,
    extractor: PdfExtractor = "pdfium",
    limits: ParseLimits | None = None,
) -> str:
    """The text of a source's bytes already read (a worker process gets them this way);
    ``limits``: a PDF's page limit (see ``pdf_text``)."""
    kind = sniff(source, data)
    if kind == "pdf":
        return pdf_text(source, data, extractor=extractor, limits=limits)
    if kind == "html":
        return html_text(source, data)
    return decode_text(source, data)
