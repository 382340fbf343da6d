"""Whoosh's side of results: stored records, highlighted snippets, facet counting.

Nothing here loads more stored fields than the page shows: facets and letter grouping read the
``facets`` and ``lid`` columns. Hits, item records and facet lists are built by the
engine-neutral ``imr_search.search.hits``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import chain
from typing import Any

from imr_search.engines.whoosh._whoosh import highlight
from imr_search.engines.whoosh.schema import decode_facets
from imr_search.search.hits import SNIPPET_CHARS, lead
from imr_search.search.request import FACETS
from imr_search.search.results import Segment

SNIPPET_FIELDS = ("rationale", "summary")


def load_record(reader: Any, docnum: int) -> dict[str, Any]:
    """The stored JSON of an item document."""
    raw = reader.stored_fields(docnum)["stored"]
    record: dict[str, Any] = json.loads(raw)
    return record


# -- snippets ----------------------------------------------------------------------------------


def _fragment_segments(text: str, fragment: Any) -> list[Segment]:
    out: list[Segment] = [Segment("… ")] if fragment.startchar > 0 else []
    end = fragment.endchar
    if not text[end:].strip(" .,;:)\n"):
        end = len(text)  # only punctuation left: show it
    pos = fragment.startchar
    for tok in sorted(fragment.matches, key=lambda t: t.startchar):
        if tok.startchar < pos:
            continue
        if tok.startchar > pos:
            out.append(Segment(text[pos : tok.startchar]))
        out.append(Segment(text[tok.startchar : tok.endchar], match=True))
        pos = tok.endchar
    if pos < end:
        out.append(Segment(text[pos:end]))
    if end < len(text):
        out.append(Segment(" …"))
    return out


def _highlight(text: str, terms: frozenset[str], analyzer: Any) -> list[Segment] | None:
    if not text or not terms:
        return None
    tokens = analyzer(text, chars=True, mode="query", removestops=False)
    tokens = highlight.set_matched_filter(tokens, terms)
    fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60)
    fragments = highlight.top_fragments(
        fragmenter.fragment_tokens(text, tokens),
        1,
        highlight.BasicFragmentScorer(),
        highlight.FIRST,
    )
    if not fragments:
        return None
    return _fragment_segments(text, fragments[0])


def snippet(
    record: Mapping[str, Any], terms: Mapping[str, frozenset[str]], schema: Any
) -> list[Segment]:
    """A highlighted fragment of the rationale, else of the summary, else the rationale's lead."""
    rationale = record["item"].get("rationale", "")
    summary = record.get("summary", "")
    for field, text in (("rationale", rationale), ("summary", summary)):
        found = _highlight(text, terms.get(field, frozenset()), schema[field].analyzer)
        if found:
            return found
    return lead(rationale or summary)


def query_terms(q: Any, reader: Any) -> dict[str, frozenset[str]]:
    """Text field -> the query's terms in that field (wildcards expanded).

    (Not ``Query.existing_terms``: it reuses its ``fieldname`` argument as a loop variable and
    so drops the terms of every field but the first.)
    """
    by_field: dict[str, set[str]] = {}
    for leaf in q.leaves() if not q.is_leaf() else [q]:
        try:
            pairs = leaf.expanded_terms(reader, phrases=True)
        except Exception:  # a query kind without terms (Every, ranges)
            continue
        for field, text in pairs:
            if field in SNIPPET_FIELDS and isinstance(text, str):
                by_field.setdefault(field, set()).add(text)
    return {f: frozenset(ws) for f, ws in by_field.items()}


# -- facets ------------------------------------------------------------------------------------


class FacetTable:
    """The facet values of every document, decoded once from the ``facets`` column.

    Each document's values become a tuple of small integer codes (identical tuples shared), so
    counting a result set is one ``Counter`` over the chained tuples, in C, instead of decoding
    the column for every matched document on every search.
    """

    def __init__(self, column: Any) -> None:
        codes: dict[tuple[int, str], int] = {}
        rows: dict[bytes, tuple[int, ...]] = {b"": ()}
        self._docs: list[tuple[int, ...]] = []
        append = self._docs.append
        for raw in column:
            row = rows.get(raw)
            if row is None:
                row = tuple(
                    codes.setdefault((i, v), len(codes))
                    for i, values in enumerate(decode_facets(raw))
                    for v in values
                )
                rows[raw] = row
            append(row)
        self._keys = list(codes)  # code -> (facet index, value)

    def count(self, docnums: Iterable[int]) -> dict[str, Counter[str]]:
        """Counts per facet value over ``docnums``."""
        counts = Counter(chain.from_iterable(map(self._docs.__getitem__, docnums)))
        counters: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
        ordered = [counters[name] for name in FACETS]
        keys = self._keys
        for code, n in counts.items():
            i, value = keys[code]
            ordered[i][value] = n
        return counters
