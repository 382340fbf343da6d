"""Snippets computed here, not by tantivy's ``SnippetGenerator``.

tantivy's ``highlighted()`` ranges are byte offsets (wrong as character offsets after "Café")
and it does not highlight prefix or wildcard terms. Instead the stored text is analysed with
the index's own analyser (``pre_tokenize`` gives each token's stem with CHARACTER offsets), a
token is a match when its stem is one of the query's analysed or expanded terms, and the
window of at most ``SNIPPET_CHARS`` with the most distinct matches (earliest on ties) is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from imr_search.search.hits import SNIPPET_CHARS, lead
from imr_search.search.results import Segment

SURROUND = 60  # characters of context before the first match of a window


def _window(
    tokens: list[tuple[str, int, int]], matched: list[int], text_len: int
) -> tuple[int, int, list[int]]:
    """(start char, end char, matched token indexes inside) of the best window."""
    best: tuple[int, int, int, list[int]] | None = None  # (-score, start, end, inside)
    for first in matched:
        _, m_start, _ = tokens[first]
        start_tok = first
        while start_tok > 0 and m_start - tokens[start_tok - 1][1] <= SURROUND:
            start_tok -= 1
        start = tokens[start_tok][1]
        limit = start + SNIPPET_CHARS
        end_tok = first
        while end_tok + 1 < len(tokens) and tokens[end_tok + 1][2] <= limit:
            end_tok += 1
        end = tokens[end_tok][2]
        inside = [i for i in matched if start_tok <= i <= end_tok]
        score = len({tokens[i][0] for i in inside})
        candidate = (-score, start, end, inside)
        if best is None or candidate[:2] < best[:2]:
            best = candidate
    assert best is not None
    _, start, end, inside = best
    return start, end, inside


def highlight(text: str, terms: frozenset[str] | set[str], analyzer: Any) -> list[Segment] | None:
    """The best fragment of ``text`` with the tokens whose stem is in ``terms`` marked; None
    when nothing matches."""
    if not text or not terms:
        return None
    tokens = [
        (t.text, t.char_offset_from, t.char_offset_to) for t in analyzer.pre_tokenize(text).tokens
    ]
    matched = [i for i, (stem, _, _) in enumerate(tokens) if stem in terms]
    if not matched:
        return None
    start, end, inside = _window(tokens, matched, len(text))
    if not text[end:].strip(" .,;:)\n"):
        end = len(text)  # only punctuation left: show it
    out: list[Segment] = [Segment("… ")] if start > 0 else []
    pos = start
    for i in inside:
        _, a, b = tokens[i]
        if a > pos:
            out.append(Segment(text[pos:a]))
        out.append(Segment(text[a:b], match=True))
        pos = b
    if pos < end:
        out.append(Segment(text[pos:end]))
    if end < len(text):
        out.append(Segment(" …"))
    return out


def snippet(
    record: Mapping[str, Any], terms: Mapping[str, set[str]], analyzer: Any
) -> list[Segment]:
    """A highlighted fragment of the rationale, else of the summary, else the rationale's lead
    (as the Whoosh engine does)."""
    rationale = record["item"].get("rationale", "") or ""
    summary = record.get("summary", "") or ""
    for field, text in (("rationale", rationale), ("summary", summary)):
        found = highlight(text, terms.get(field, set()), analyzer)
        if found:
            return found
    return lead(rationale or summary)
