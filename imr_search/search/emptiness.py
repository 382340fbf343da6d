"""Why a search found nothing: the one sentence the CLI, the API and the page give beside an
empty answer, instead of a bare "No matches." (a user reads a bare 0 as a count).

The causes, most basic first: the index holds no items; one filter or date range on its own
matches nothing (an era no indexed item is of, a month nothing was decided in), a filter's
value typed in the query (``era:current``) said as the filter's is; the query on its own
matches nothing; else the parts match items apart but not together. Each costs a
one-item search, and is asked only after an empty answer, within what is left of the answer's
own time limit (``Deadline``): a query that found nothing slowly (200 words no item has) must
not then run unlimited to say why. Out of time, the sentence says the reason was not looked for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from imr_search.errors import QueryError
from imr_search.search.aliases import aliases
from imr_search.search.backend import Engine
from imr_search.search.deadline import Deadline, ran_out
from imr_search.search.filters import FILTER_FIELDS
from imr_search.search.request import FACETS, SearchRequest
from imr_search.search.syntax import parse
from imr_search.search.tree import And, AndMaybe, Node, Or, Term


class _OutOfTime(Exception):
    """The answer's time ran out before its cause was found."""


def _count(engine: Engine, request: SearchRequest, deadline: Deadline) -> int:
    if deadline.passed():
        raise _OutOfTime
    one = replace(request, page=1, size=1, facets=False, letters=False)
    found = engine.search(deadline.narrowed(one))
    if ran_out(found.warnings):
        raise _OutOfTime
    return found.total


def _values_held(engine: Engine, name: str, deadline: Deadline) -> str:
    """``" (the index holds: mtus-2016 (40), ...)"`` for a filter with a facet, else ""."""
    if name not in FACETS or deadline.passed():
        return ""
    every = deadline.narrowed(SearchRequest(facets=True, size=1))
    facets = engine.search(every).facets.get(name, [])
    held = [f"{f.value} ({f.count})" for f in facets if f.count][:8]
    return f" (the index holds: {', '.join(held)})" if held else ""


def _field_values(request: SearchRequest) -> list[tuple[str, Term]]:
    """(filter, term) for each value of a filter's field the query requires or offers
    (``region:lumbar``; not under NOT: an excluded value matching nothing is no cause)."""
    try:
        tree = request.tree if request.tree is not None else parse(request.query)
    except QueryError:
        return []
    out: list[tuple[str, Term]] = []

    def visit(node: Node) -> None:
        if isinstance(node, Term) and node.field and FILTER_FIELDS.get(node.field) == node.field:
            out.append((node.field, node))
        elif isinstance(node, And | Or):
            for child in node.children:
                visit(child)
        elif isinstance(node, AndMaybe):
            visit(node.required)

    visit(tree)
    return out


def _shown(name: str, term: Term) -> str:
    """The value as the filter would say it: its alias's value, else as typed."""
    typed = term.typed if term.typed is not None else term.text
    return aliases().get(name, {}).get(typed.strip().casefold(), typed.strip())


def _span(low: dt.date | None, high: dt.date | None) -> str:
    return f"from {low or 'the start'} to {high or 'today'}"


def why_nothing(engine: Engine, request: SearchRequest, deadline: Deadline | None = None) -> str:
    """The reason ``request`` (as prepared) matched no item, as one sentence, found before
    ``deadline`` (the answer's; else one of the request's own time limit, started now)."""
    deadline = deadline or Deadline.start(request.time_limit)
    try:
        return _why(engine, request, deadline)
    except _OutOfTime:
        return (
            "No matches in the time the search had; why was not looked for "
            "(try fewer words, or a filter)."
        )


def _why(engine: Engine, request: SearchRequest, deadline: Deadline) -> str:
    every = SearchRequest()
    stats = engine.stats()
    if stats.items == 0:
        return "No matches: the index holds no items yet (add letters with imr-search index)."
    for name, values in request.filters.items():
        if not _count(engine, replace(every, filters={name: values}), deadline):
            shown = " or ".join(repr(v) for v in values)
            held = _values_held(engine, name, deadline)
            return f"No matches: no indexed item has {name} {shown}{held}."
    for name, term in _field_values(request):
        if not _count(engine, replace(every, tree=term), deadline):
            held = _values_held(engine, name, deadline)
            return f"No matches: no indexed item has {name} {_shown(name, term)!r}{held}."
    if request.date_from or request.date_to:
        dated = replace(every, date_from=request.date_from, date_to=request.date_to)
        if not _count(engine, dated, deadline):
            held = f"{stats.first_decision or '?'} to {stats.last_decision or '?'}"
            asked = _span(request.date_from, request.date_to)
            return (
                f"No matches: no indexed item was decided {asked} "
                f"(the index holds decisions from {held})."
            )
    for name, (low, high) in request.ranges.items():
        if (low or high) and not _count(
            engine, replace(every, ranges={name: (low, high)}), deadline
        ):
            return f"No matches: no indexed item has {name} {_span(low, high)}."
    if request.query.strip() or request.tree is not None:
        alone = replace(every, query=request.query, tree=request.tree)
        if not _count(engine, alone, deadline):
            return f"No matches: no item matches the query {request.query.strip()!r} on its own."
    return "No matches: the query and the filters each match items, but no item matches them all."
