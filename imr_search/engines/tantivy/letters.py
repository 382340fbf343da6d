"""Letter-grouped pages without the letter of every matched item.

The plain way (``imr_search.search.backend.group_letters``) collects every matched item and
reads its letter key: at a million matches that is a million-entry top-N heap and a million
fast-field reads. Here:

- the number of letters is the number of buckets of a terms aggregation on the integer letter
  key ``lkey``, in the same ``aggregate()`` call as the facet counts when they are asked for;
  exact while tantivy counted every bucket (``sum_other_doc_count`` and the error bound 0,
  that is at most ``LETTER_BUCKETS`` letters);
- past that, the letters are counted from every match's letter key, read as the key tantivy
  orders the matches by (no score, no second read of the key). An aggregation that cannot be
  exact costs a whole pass (75 ms for 90,000 letters at 1.8 million), so it is not tried when
  the items matched are more than ``LETTER_BUCKETS`` and tantivy's estimate of the letters
  among them (``cardinality``, a HyperLogLog) is near or past the limit. The estimate only
  chooses the way; either way's count is exact;
- the page's letters come from the best hits, fetched in growing rounds until they hold the
  page's last letter (``start + size`` distinct letters) or every match;
- the hits of those letters are then one search: the query narrowed to their letter ids.

The groups equal the plain way's: the same hits, the same scores (the narrowing clause scores
0), in the same order.
"""

from __future__ import annotations

from collections import Counter
from operator import itemgetter
from typing import Any, Protocol

import tantivy

from imr_search.engines.tantivy.facets import facet_aggregation, parse_facets
from imr_search.search.backend import LetterPage, Matches, group_letters
from imr_search.search.request import SortOrder

Q = tantivy.Query
MUST = tantivy.Occur.Must
# Buckets of one terms aggregation: tantivy refuses more than 65,000 in one request, the facet
# buckets (``facets.FACET_BUCKETS``) included.
LETTER_BUCKETS = 30_000
# The first round of best hits: this many per letter of the page (most letters have 1 to 3
# items), at least FIRST_ROUND; each further round is 4 times larger.
HITS_PER_LETTER = 4
FIRST_ROUND = 64
# The aggregation is tried when tantivy's estimate of the letters is under this share of
# LETTER_BUCKETS: HyperLogLog's error is a few per cent, and a failed attempt costs a whole
# pass while counting the other way near the limit costs about the same as the aggregation.
ESTIMATE_SHARE = 0.9


class _Ranks(Protocol):
    """What is used of ``TantivyEngine``."""

    schema: Any

    def ranked(
        self, searcher: Any, query: Any, sort: str, *, limit: int, offset: int = 0
    ) -> tuple[list[tuple[float, Any]], int]: ...


def letter_page(
    engine: _Ranks,
    searcher: Any,
    query: Any,
    sort: SortOrder,
    *,
    start: int,
    size: int,
    facets: bool,
) -> LetterPage:
    """The page of letters ``start`` to ``start + size`` and the number of letters, with the
    facet counts when asked and counted with the letters (``Matches.payload``; None when the
    letters were counted another way, so the engine counts the facets its own way)."""
    need = start + size
    # The first round of best hits also counts the items.
    k = max(FIRST_ROUND, need * HITS_PER_LETTER)
    hits, items = engine.ranked(searcher, query, sort, limit=k)
    if items == 0:
        empty = parse_facets({}) if facets else None
        return LetterPage(Matches(0, payload=empty), 0, [])
    counted = None
    if items <= LETTER_BUCKETS or _estimate(searcher, query) < LETTER_BUCKETS * ESTIMATE_SHARE:
        counted = _aggregated(searcher, query, facets)
    if counted is not None:
        per_letter, payload = counted
        total = len(per_letter)
    else:
        per_letter, payload = {}, None
        total = _distinct_letters(searcher, query, items)
    while True:
        keys = [int(key) for key in searcher.fast_field_values("lkey", [a for _, a in hits])]
        first: dict[int, Any] = {}  # letter -> its first hit, in the order of first hits
        for key, (_, addr) in zip(keys, hits, strict=True):
            first.setdefault(key, addr)
        if len(first) >= need or k >= items:
            break
        k = min(items, k * 4)
        hits, _ = engine.ranked(searcher, query, sort, limit=k)
    page = list(first)[start:need]
    if not page:
        return LetterPage(Matches(items, payload=payload), total, [])
    ids = [str(searcher.doc(first[key]).get_first("letter_id")) for key in page]
    narrowed = Q.boolean_query(
        [
            (MUST, query),
            (MUST, Q.const_score_query(Q.term_set_query(engine.schema, "letter_id", ids), 0.0)),
        ]
    )
    # The page's items: known from the aggregation, else counted by the search itself.
    limit = sum(per_letter[k] for k in page) if per_letter else len(page) * HITS_PER_LETTER
    found, matched = engine.ranked(searcher, narrowed, sort, limit=limit)
    if matched > len(found):
        found, _ = engine.ranked(searcher, narrowed, sort, limit=matched)
    found_keys = searcher.fast_field_values("lkey", [a for _, a in found])
    _, groups = group_letters(
        [int(key) for key in found_keys], [(a, s) for s, a in found], 0, len(page)
    )
    return LetterPage(Matches(items, payload=payload), total, groups)


def _estimate(searcher: Any, query: Any) -> float:
    """tantivy's estimate of the letters among ``query``'s items (one pass, no buckets)."""
    try:
        return float(searcher.cardinality(query, "lkey"))
    except ValueError:  # no estimate to be had: let the aggregation decide
        return 0.0


def _aggregated(
    searcher: Any, query: Any, facets: bool
) -> tuple[dict[int, int], dict[str, Counter[str]] | None] | None:
    """(items per letter, the facet counts when asked) from one aggregation; None when it
    could not count every letter."""
    agg: dict[str, Any] = {
        "letters": {
            "terms": {"field": "lkey", "size": LETTER_BUCKETS, "segment_size": LETTER_BUCKETS}
        }
    }
    if facets:
        agg["facets"] = facet_aggregation()
    try:
        out = searcher.aggregate(query, agg)
    except ValueError:  # tantivy refused the buckets (its limit is per request)
        return None
    letters = out.get("letters", {})
    if letters.get("sum_other_doc_count", 0) or letters.get("doc_count_error_upper_bound", 0):
        return None
    per_letter = {int(b["key"]): int(b["doc_count"]) for b in letters.get("buckets", [])}
    return per_letter, parse_facets(out["facets"]) if facets else None


def _distinct_letters(searcher: Any, query: Any, items: int) -> int:
    """The letters among ``query``'s ``items`` items, exact at any number: every match's
    letter key, as the key tantivy orders the matches by (no score, no second read)."""
    found = searcher.search(query, limit=items, count=False, order_by_field="lkey").hits
    return len(set(map(itemgetter(0), found)))
