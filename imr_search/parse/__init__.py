"""Parsing IMR letters (PDF, HTML, plain text) into ``Letter`` records.

    source -> bytes (sources) -> text (pdf/html/text adapter) -> clean_text -> layout ->
    sections -> field extractors (header, reviewer, patient, items, citations, classify)

Only ``imr_search.errors.ParseError`` leaves this package.

The parser proper (``parse.letter`` and the field extractors, some 330 regular expressions) is
imported on first use, not with the package (PEP 562): a search imports light modules of this
package (the drug lexicon, the reason codes' names) and would otherwise pay the whole parser's
import on every cold start (docs/benchmarks.md, "The CLI's start").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from imr_search.errors import ParseError
from imr_search.model import Letter
from imr_search.parse.limits import (
    DEFAULT_LIMITS,
    ParseLimits,
    check_chars,
    check_items,
)
from imr_search.parse.sources import (
    MAX_BYTES,
    PDF_EXTRACTORS,
    STDIN,
    PdfExtractor,
    data_text,
    iter_sources,
    read_bytes,
)

if TYPE_CHECKING:
    from imr_search.parse.letter import detect_layout, parse_text

__all__ = [
    "DEFAULT_LIMITS",
    "MAX_BYTES",
    "PARSER_VERSION",
    "PDF_EXTRACTORS",
    "STDIN",
    "ParseError",
    "ParseLimits",
    "Parsed",
    "PdfExtractor",
    "detect_layout",
    "iter_sources",
    "parse_data",
    "parse_many",
    "parse_path",
    "parse_source",
    "parse_text",
    "read_bytes",
]

# Bump when a change to the parser (or to an extractor's output) can change a record: the
# record cache (imr_search/cache.py) keeps records made by one version only.
PARSER_VERSION = 2

_LAZY = frozenset({"detect_layout", "parse_text"})


def __getattr__(name: str) -> object:
    if name in _LAZY:
        from imr_search.parse import letter

        return getattr(letter, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    extractor: PdfExtractor = "pdfium",
    limits: ParseLimits = DEFAULT_LIMITS,
) -> Parsed:
    """Parse one source: a file path or ``-`` for standard input."""
    data = read_bytes(source, stdin=stdin, max_bytes=max_bytes)
    return Parsed(parse_data(source, data, extractor=extractor, limits=limits), data)


def parse_data(
    source: str,
    data: bytes,
    *,
    extractor: PdfExtractor = "pdfium",
    limits: ParseLimits = DEFAULT_LIMITS,
    stem: str | None = None,
) -> Letter:
    """Parse the bytes of ``source``, already read (and size-checked) by the caller, within
    ``limits`` (pages read, characters, items)."""
    text = data_text(source, data, extractor=extractor, limits=limits)
    check_chars(source, text, limits)
    from imr_search.parse.letter import parse_text

    try:
        letter = parse_text(text, source=source, stem=stem)
    except ParseError:
        raise
    except RecursionError:
        raise ParseError(source, "text too deeply nested to parse") from None
    check_items(source, letter, limits)
    return letter


def parse_path(
    path: Path,
    *,
    source: str | None = None,
    max_bytes: int = MAX_BYTES,
    extractor: PdfExtractor = "pdfium",
    limits: ParseLimits = DEFAULT_LIMITS,
) -> Letter:
    """Parse one file; ``source`` is how the record names it (default: the path as given)."""
    name = source if source is not None else str(path)
    data = read_bytes(str(path), max_bytes=max_bytes)
    return parse_data(name, data, extractor=extractor, limits=limits, stem=path.stem)


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
