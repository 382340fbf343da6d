"""Where you came from: a letter opened from a search knows that search. The search page's
links carry the search's parameters and the result's place in it (``hit=N``); the letter page
then highlights the query's words and links to the previous and next result and back to the
results page. The search is the page's own (``SearchParams.prepared``), run again for the two
neighbours: one-item pages, so the cost does not grow with N.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from markupsafe import Markup, escape

from imr_search.config import Settings
from imr_search.errors import QueryError, UsageError
from imr_search.search.backend import Engine
from imr_search.search.syntax import parse
from imr_search.search.tree import Pattern, Phrase, Term, walk
from imr_search.server.params import SearchParams
from imr_search.server.views import letter_path

# Fields whose words a reader sees on the letter page (the default fields have none: None).
_SHOWN_FIELDS = frozenset({None, "service", "rationale", "summary"})


def query_words(query: str) -> list[str]:
    """The words of ``query`` a reader looks for on the letter: its plain words and phrases'
    words, and the stems of its patterns (``lumb*``), never operators or field values such as
    ``decision:upheld``. A query that does not parse has none."""
    try:
        tree = parse(query)
    except QueryError:
        return []
    out: list[str] = []
    for node in walk(tree):
        if isinstance(node, Term | Phrase) and node.field in _SHOWN_FIELDS:
            out += re.findall(r"[\w/-]+", node.text)
        elif isinstance(node, Pattern) and node.field in _SHOWN_FIELDS and node.prefix:
            out.append(node.prefix)
    return list(dict.fromkeys(w.lower() for w in out if len(w) > 1))


def highlighter(words: list[str]) -> re.Pattern[str] | None:
    """A pattern marking each word where it starts a word of the text ("mri" in "MRIs",
    "therap" in "therapy": the engine stems, so a plain word matches its other forms)."""
    if not words:
        return None
    longest_first = sorted(words, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(map(re.escape, longest_first)) + r")\w*", re.I)


def highlight(text: str | None, pattern: re.Pattern[str] | None) -> Markup:
    """``text`` escaped, with what ``pattern`` matches in <mark>."""
    if not text:
        return Markup("")
    if pattern is None:
        return escape(text)
    out = Markup("")
    last = 0
    for m in pattern.finditer(text):
        out += escape(text[last : m.start()]) + Markup("<mark>{}</mark>").format(m.group())
        last = m.end()
    return out + escape(text[last:])


def hit_url(root: str, letter_id: str, item: int | None, params: SearchParams, n: int) -> str:
    """The letter page of result ``n`` (1-based) of the search ``params``."""
    query = params.url("", ("hit", str(n))).lstrip("?")
    anchor = f"#item-{item}" if item is not None else ""
    return f"{letter_path(root, letter_id)}?{query}{anchor}"


def trail(
    engine: Engine, settings: Settings, params: SearchParams, n: int, root: str
) -> dict[str, Any] | None:
    """Result ``n`` of the search ``params`` in context: the words to highlight, the links to
    the previous and next result and back to the results page, and the total; None when the
    search no longer runs (the page then shows the letter alone)."""
    try:
        params, prepared = params.prepared(engine, settings, facets=False)
    except UsageError:
        return None
    request = prepared.request

    def neighbour(m: int) -> str | None:
        if m < 1:
            return None
        result = engine.search(replace(request, page=m, size=1, facets=False))
        if result.groups:
            return hit_url(root, result.groups[0].letter_id, None, params, m)
        if result.hits:
            h = result.hits[0]
            return hit_url(root, h.letter_id, h.item_number, params, m)
        return None

    total = engine.search(replace(request, page=1, size=1, facets=False)).total
    page = (n - 1) // params.size + 1
    return {
        "n": n,
        "total": total,
        "query": params.q,
        "pattern": highlighter(query_words(params.q)),
        "prev_url": neighbour(n - 1),
        "next_url": neighbour(n + 1) if n < total else None,
        "results_url": params.changed(page=page).url(f"{root}/"),
    }
