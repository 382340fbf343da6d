"""Why a search found nothing: the one sentence the CLI, the API and the page give beside an
empty answer, instead of a bare "No matches." (a user reads a bare 0 as a count).

The causes, most basic first: the index holds no items; one filter or date range on its own
matches nothing (an era no indexed item is of, a month nothing was decided in); the query on
its own matches nothing; else the parts match items apart but not together. Each costs a
one-item search, and is asked only after an empty answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from imr_search.search.backend import Engine
from imr_search.search.request import FACETS, SearchRequest


def _count(engine: Engine, request: SearchRequest) -> int:
    return engine.search(replace(request, page=1, size=1, facets=False, letters=False)).total


def _values_held(engine: Engine, name: str) -> str:
    """``" (the index holds: mtus-2016 (40), ...)"`` for a filter with a facet, else ""."""
    if name not in FACETS:
        return ""
    facets = engine.search(SearchRequest(facets=True, size=1)).facets.get(name, [])
    held = [f"{f.value} ({f.count})" for f in facets if f.count][:8]
    return f" (the index holds: {', '.join(held)})" if held else ""


def _span(low: dt.date | None, high: dt.date | None) -> str:
    return f"from {low or 'the start'} to {high or 'today'}"


def why_nothing(engine: Engine, request: SearchRequest) -> str:
    """The reason ``request`` (as prepared) matched no item, as one sentence."""
    every = SearchRequest()
    stats = engine.stats()
    if stats.items == 0:
        return "No matches: the index holds no items yet (add letters with imr-search index)."
    for name, values in request.filters.items():
        if not _count(engine, replace(every, filters={name: values})):
            shown = " or ".join(repr(v) for v in values)
            return f"No matches: no indexed item has {name} {shown}{_values_held(engine, name)}."
    if request.date_from or request.date_to:
        dated = replace(every, date_from=request.date_from, date_to=request.date_to)
        if not _count(engine, dated):
            held = f"{stats.first_decision or '?'} to {stats.last_decision or '?'}"
            asked = _span(request.date_from, request.date_to)
            return (
                f"No matches: no indexed item was decided {asked} "
                f"(the index holds decisions from {held})."
            )
    for name, (low, high) in request.ranges.items():
        if (low or high) and not _count(engine, replace(every, ranges={name: (low, high)})):
            return f"No matches: no indexed item has {name} {_span(low, high)}."
    if request.query.strip() or request.tree is not None:
        alone = replace(every, query=request.query, tree=request.tree)
        if not _count(engine, alone):
            return f"No matches: no item matches the query {request.query.strip()!r} on its own."
    return "No matches: the query and the filters each match items, but no item matches them all."
