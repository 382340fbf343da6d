"""Letter-grouped pages without the letter of every matched item.

The plain way (``imr_search.search.backend.group_letters``) collects every matched item and
reads its letter key: at a million matches that is a million-entry top-N heap and a million
fast-field reads. Here:

- the number of letters is the number of buckets of a terms aggregation on the integer letter
  key ``lkey``, in the same ``aggregate()`` call as the facet counts when they are asked for;
  exact while tantivy counted every bucket (``sum_other_doc_count`` and the error bound 0,
  that is at most ``LETTER_BUCKETS`` letters); past that, the plain way;
- the page's letters come from the best hits, fetched in growing rounds until they hold the
  page's last letter (``start + size`` distinct letters) or every match;
- the hits of those letters are then one search: the query narrowed to their letter ids.

The groups equal the plain way's: the same hits, the same scores (the narrowing clause scores
0), in the same order.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Protocol

import tantivy

from imr_search.errors import IndexError_
from imr_search.search.backend import LetterPage, Matches, group_letters
from imr_search.search.request import FACETS, SortOrder

Q = tantivy.Query
MUST = tantivy.Occur.Must
# Buckets of one terms aggregation: tantivy refuses more than 65,000 in one request, the facet
# buckets included.
LETTER_BUCKETS = 30_000
FACET_BUCKETS = 30_000
# The first round of best hits: this many per letter of the page (most letters have 1 to 3
# items), at least FIRST_ROUND; each further round is 4 times larger.
HITS_PER_LETTER = 4
FIRST_ROUND = 64


class _Ranks(Protocol):
    """What is used of ``TantivyEngine``."""

    schema: Any

    def ranked(
        self, searcher: Any, query: Any, sort: str, *, limit: int, offset: int = 0
    ) -> tuple[list[tuple[float, Any]], int]: ...

    def count(self, searcher: Any, query: Any) -> int: ...


def facet_aggregation() -> dict[str, Any]:
    return {"terms": {"field": "facets", "size": FACET_BUCKETS, "segment_size": FACET_BUCKETS}}


def parse_facets(out: dict[str, Any], separator: str) -> dict[str, Counter[str]]:
    """The counters of a facet terms aggregation's answer; IndexError_ when it is not exact."""
    if out.get("sum_other_doc_count", 0) or out.get("doc_count_error_upper_bound", 0):
        raise IndexError_(
            "too many distinct facet values to count exactly "
            f"(more than {FACET_BUCKETS}); the counts would be approximate"
        )
    counters: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for bucket in out.get("buckets", []):
        name, _, value = str(bucket["key"]).partition(separator)
        if name in counters:
            counters[name][value] = int(bucket["doc_count"])
    return counters


# The citator's pairs alone in one aggregation: tantivy's whole limit.
PAIR_BUCKETS = 65_000
PAIR_FIELD = "citepairs"


def pair_counts(searcher: Any, query: Any) -> Counter[str]:
    """Items per citation pair over ``query``'s documents: one terms aggregation, exact while
    tantivy counted every pair; past PAIR_BUCKETS distinct pairs, the pair terms are walked
    with the query as filter (exact at any number, slower)."""
    try:
        out = searcher.aggregate(
            query,
            {"p": {"terms": {"field": PAIR_FIELD, "size": PAIR_BUCKETS,
                             "segment_size": PAIR_BUCKETS}}},
        )["p"]  # fmt: skip
        if not (out.get("sum_other_doc_count", 0) or out.get("doc_count_error_upper_bound", 0)):
            return Counter({str(b["key"]): int(b["doc_count"]) for b in out.get("buckets", [])})
        found = searcher.terms_with_prefix(PAIR_FIELD, "", filter_query=query)
    except ValueError as exc:
        raise IndexError_(f"cannot count the citation pairs: {exc}") from exc
    return Counter({str(term): int(n) for term, n in found if n})


def letter_page(
    engine: _Ranks,
    searcher: Any,
    query: Any,
    sort: SortOrder,
    *,
    start: int,
    size: int,
    facets: bool,
    separator: str,
) -> LetterPage:
    agg: dict[str, Any] = {
        "letters": {
            "terms": {"field": "lkey", "size": LETTER_BUCKETS, "segment_size": LETTER_BUCKETS}
        }
    }
    if facets:
        agg["facets"] = facet_aggregation()
    try:
        out = searcher.aggregate(query, agg)
    except ValueError:
        # tantivy refused the buckets (its limit is per request, over every segment): the
        # letters of every hit, the facets on their own.
        out = {"letters": {"buckets": [], "sum_other_doc_count": -1}}
        if facets:
            out["facets"] = searcher.aggregate(query, {"facets": facet_aggregation()})["facets"]
    letters = out.get("letters", {})
    buckets = letters.get("buckets", [])
    payload = parse_facets(out["facets"], separator) if facets else None
    exact = not letters.get("sum_other_doc_count", 0) and not letters.get(
        "doc_count_error_upper_bound", 0
    )
    if not exact:  # more letters than one aggregation counts: every hit's letter
        items = engine.count(searcher, query)
        if items == 0:
            return LetterPage(Matches(0, payload=payload), 0, [])
        hits, _ = engine.ranked(searcher, query, sort, limit=items)
        keys = searcher.fast_field_values("lkey", [a for _, a in hits])
        total, groups = group_letters(keys, [(a, s) for s, a in hits], start, size)
        return LetterPage(Matches(items, payload=payload), total, groups)
    per_letter = {int(b["key"]): int(b["doc_count"]) for b in buckets}
    items = sum(per_letter.values())
    if items == 0:
        return LetterPage(Matches(0, payload=payload), 0, [])
    need = start + size
    k = min(items, max(FIRST_ROUND, need * HITS_PER_LETTER))
    while True:
        hits, _ = engine.ranked(searcher, query, sort, limit=k)
        keys = [int(key) for key in searcher.fast_field_values("lkey", [a for _, a in hits])]
        first: dict[int, Any] = {}  # letter -> its first hit, in the order of first hits
        for key, (_, addr) in zip(keys, hits, strict=True):
            first.setdefault(key, addr)
        if len(first) >= need or k >= items:
            break
        k = min(items, k * 4)
    page = list(first)[start:need]
    if not page:
        return LetterPage(Matches(items, payload=payload), len(per_letter), [])
    ids = [str(searcher.doc(first[key]).get_first("letter_id")) for key in page]
    narrowed = Q.boolean_query(
        [
            (MUST, query),
            (MUST, Q.const_score_query(Q.term_set_query(engine.schema, "letter_id", ids), 0.0)),
        ]
    )
    found, _ = engine.ranked(searcher, narrowed, sort, limit=sum(per_letter[k] for k in page))
    found_keys = searcher.fast_field_values("lkey", [a for _, a in found])
    _, groups = group_letters(
        [int(key) for key in found_keys], [(a, s) for s, a in found], 0, len(page)
    )
    return LetterPage(Matches(items, payload=payload), len(per_letter), groups)
