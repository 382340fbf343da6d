"""What one letter may be: pages read, characters of text, disputed items.

A small PDF whose many pages share one content stream can take minutes and gigabytes to
parse, or index as one letter with thousands of items (docs/limits.md; what such files cost
unbounded: docs/benchmarks.md, "Hostile input"). Each limit is a setting
(``imr_search.config.Settings``: ``max_pages``, ``max_chars``, ``max_items``); a file past one
is a ``ParseError`` saying which limit and how to raise it. The page count is read before any
text is extracted; the other two are checked on what extraction and parsing produced.
"""

from __future__ import annotations

from dataclasses import dataclass

from imr_search.errors import ParseError
from imr_search.model import Letter
from imr_search.parse.pdfium import pdf_page_count


@dataclass(frozen=True, slots=True)
class ParseLimits:
    """The limits on one letter; the defaults are ``Settings``' defaults."""

    max_pages: int = 200
    max_chars: int = 2_000_000
    max_items: int = 100


DEFAULT_LIMITS = ParseLimits()


def _over(source: str, what: str, limit: int, setting: str) -> ParseError:
    return ParseError(
        source,
        f"{what}; the limit is {limit:,} (raise it with --{setting.replace('_', '-')} or "
        f"IMR_SEARCH_{setting.upper()})",
        lasting=False,
    )


def check_pages(source: str, data: bytes, limits: ParseLimits) -> None:
    """Refuse a PDF with more pages than the limit before its text is extracted. A PDF that
    cannot even be opened passes: the extractor reports it with its own reason."""
    pages = pdf_page_count(data)
    if pages is not None:
        check_page_count(source, pages, limits)


def check_page_count(source: str, pages: int, limits: ParseLimits) -> None:
    """``check_pages`` for an extractor that has opened the PDF already (PDFium's path: one
    opening of the document, not two)."""
    if pages > limits.max_pages:
        raise _over(source, f"PDF has {pages:,} pages", limits.max_pages, "max_pages")


def check_chars(source: str, text: str, limits: ParseLimits) -> None:
    if len(text) > limits.max_chars:
        raise _over(source, f"text has {len(text):,} characters", limits.max_chars, "max_chars")


def check_items(source: str, letter: Letter, limits: ParseLimits) -> None:
    if len(letter.items) > limits.max_items:
        raise _over(
            source,
            f"letter has {len(letter.items):,} disputed items",
            limits.max_items,
            "max_items",
        )
