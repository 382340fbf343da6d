"""Counting over a query's items with tantivy: the facet values (one terms aggregation over
the combined ``facets`` field, or a walk of its terms with the query as filter) and the
citator's citation pairs. Exact or an IndexError_, never an approximate count; which way a
request takes is the engine's choice (``engine.TantivyEngine._facets``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from imr_search.engines.tantivy.schema import FACET_SEP, PAIR_FIELD
from imr_search.errors import IndexError_
from imr_search.search.request import FACETS

# Buckets of one terms aggregation: tantivy refuses more than 65,000 in one request, the letter
# buckets (``letters.LETTER_BUCKETS``) included.
FACET_BUCKETS = 30_000


def facet_aggregation() -> dict[str, Any]:
    return {"terms": {"field": "facets", "size": FACET_BUCKETS, "segment_size": FACET_BUCKETS}}


def parse_facets(out: dict[str, Any]) -> dict[str, Counter[str]]:
    """The counters of a facet terms aggregation's answer; IndexError_ when it is not exact."""
    if out.get("sum_other_doc_count", 0) or out.get("doc_count_error_upper_bound", 0):
        raise IndexError_(
            "too many distinct facet values to count exactly "
            f"(more than {FACET_BUCKETS}); the counts would be approximate"
        )
    return _by_facet((b["key"], b["doc_count"]) for b in out.get("buckets", []))


def _by_facet(terms: Iterable[tuple[Any, Any]]) -> dict[str, Counter[str]]:
    """Facet name -> value -> count, from (facet term, count) pairs (a term is the name and
    the value joined by FACET_SEP; terms counted 0 and names not in FACETS are left out)."""
    counters: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for term, n in terms:
        name, _, value = str(term).partition(FACET_SEP)
        if name in counters and n:
            counters[name][value] = int(n)
    return counters


# The citator's pairs alone in one aggregation: tantivy's whole limit.
PAIR_BUCKETS = 65_000


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


def enum_facets(searcher: Any, query: Any) -> dict[str, Counter[str]]:
    """Counts per facet value over ``query``'s documents from the facet field's terms, each
    counted over the query's matches (exact: every term is walked, no limit)."""
    try:
        found = searcher.terms_with_prefix("facets", "", filter_query=query)
    except ValueError as exc:
        raise IndexError_(f"cannot count facets: {exc}") from exc
    return _by_facet(found)


def count_facets(searcher: Any, query: Any) -> dict[str, Counter[str]]:
    """Counts per facet value over ``query``'s documents, from one terms aggregation over the
    combined ``facets`` field; exact, or IndexError_ when tantivy could not count every value."""
    try:
        out = searcher.aggregate(query, {"facets": facet_aggregation()})
    except ValueError as exc:
        raise IndexError_(f"cannot count facets: {exc}") from exc
    return parse_facets(out.get("facets", {}))
