"""Parsing IMR letters (PDF, HTML, plain text) into ``Letter`` records.

    source -> bytes (sources) -> text (pdf/html/text adapter) -> clean_text -> layout ->
    sections -> field extractors (header, reviewer, patient, items, citations, classify)

Only ``imr_search.errors.ParseError`` leaves this package.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from imr_search.errors import ParseError
from imr_search.model import Letter
from imr_search.parse.letter import detect_layout, parse_text
from imr_search.parse.sources import MAX_BYTES, STDIN, PdfMode, iter_sources, source_text

__all__ = [
    "MAX_BYTES",
    "STDIN",
    "ParseError",
    "Parsed",
    "detect_layout",
    "iter_sources",
    "parse_many",
    "parse_path",
    "parse_source",
    "parse_text",
]


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed letter and the bytes it came from (the indexer hashes them)."""

    letter: Letter
    data: bytes


def parse_source(
    source: str,
    *,
    stdin: BinaryIO | None = None,
    max_bytes: int = MAX_BYTES,
    pdf_mode: PdfMode = "plain",
) -> Parsed:
    """Parse one source: a file path or ``-`` for standard input."""
    text, data = source_text(source, stdin=stdin, max_bytes=max_bytes, pdf_mode=pdf_mode)
    try:
        letter = parse_text(text, source=source)
    except ParseError:
        raise
    except RecursionError:
        raise ParseError(source, "text too deeply nested to parse") from None
    return Parsed(letter, data)


def parse_path(
    path: Path,
    *,
    source: str | None = None,
    max_bytes: int = MAX_BYTES,
    pdf_mode: PdfMode = "plain",
) -> Letter:
    """Parse one file; ``source`` is how the record names it (default: the path as given)."""
    name = source if source is not None else str(path)
    text, _ = source_text(str(path), max_bytes=max_bytes, pdf_mode=pdf_mode)
    return parse_text(text, source=name, stem=path.stem)


def parse_many(
    paths: Sequence[str], *, stdin: BinaryIO | None = None, max_bytes: int = MAX_BYTES
) -> Iterator[Parsed | ParseError]:
    """Each source under ``paths`` parsed, or its ParseError: one bad file never stops the
    batch."""
    for source in iter_sources(paths):
        try:
            yield parse_source(source, stdin=stdin, max_bytes=max_bytes)
        except ParseError as e:
            yield e
