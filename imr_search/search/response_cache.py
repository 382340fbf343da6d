"""The response cache of the search service: whole answers, keyed by the index's commit and the
normalised request.

Free to invalidate: the key starts with what identifies the commit a reader sees (the engine's
``Reader.commit``), so a new commit makes new keys and the old answers simply age out of the
least-recently-used table. A reader that cannot name its commit (an empty Whoosh index) is
never cached. Only whole answers are kept: one cut short by its time limit (a warning) is not,
so a later request with time to spare gets the full answer.

Callers (the pages, the API) add to an answer's lists (notes before its warnings), so each
answer in and out is a copy of its lists and dicts; the hits and facet counts in them are
shared, never changed by anyone (a deep copy or a pickle of a page with its ~1,700 facet
values costs 10 to 35 ms of CPU, this a few microseconds).
"""

from __future__ import annotations

import copy
import dataclasses
import threading
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from cachetools import LRUCache

from imr_search.search.request import SearchRequest
from imr_search.search.results import SearchResult


@dataclass(frozen=True, slots=True)
class CacheStats:
    """What the cache has done since it was made."""

    size: int  # answers it may hold (0: off)
    held: int
    hits: int
    misses: int

    @property
    def hit_rate(self) -> float | None:
        asked = self.hits + self.misses
        return self.hits / asked if asked else None


# What does not change an answer: the time limit (a partial answer is never stored).
_NOT_IN_KEY = frozenset({"time_limit"})


def request_key(request: SearchRequest) -> Hashable:
    """Every field of the request but those in ``_NOT_IN_KEY``, its mappings in a fixed order.

    Read from the dataclass's fields, so a field added to ``SearchRequest`` (the search box's
    scope and synonyms switch were) is part of the key without anyone remembering to add it
    here; the query's surrounding spaces and a range with no bounds do not count."""
    key: list[Hashable] = []
    for spec in dataclasses.fields(request):
        if spec.name in _NOT_IN_KEY:
            continue
        value = getattr(request, spec.name)
        if spec.name == "query":
            value = value.strip()
        elif spec.name == "ranges":
            value = tuple(sorted((k, v) for k, v in value.items() if v[0] or v[1]))
        elif isinstance(value, Mapping):
            value = tuple(sorted((k, tuple(v)) for k, v in value.items()))
        elif isinstance(value, list):
            value = tuple(value)
        key.append((spec.name, value))
    return tuple(key)


class ResponseCache:
    """A thread-safe table of at most ``size`` answers (0: nothing is kept, nothing counted)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._table: LRUCache[Hashable, SearchResult] | None = LRUCache(size) if size else None
        self._lock = threading.Lock()
        self._hits = 0
        self._misses = 0

    def get(self, commit: Hashable | None, request: SearchRequest) -> SearchResult | None:
        if self._table is None or commit is None:
            return None
        key = (commit, request_key(request))
        with self._lock:
            found = self._table.get(key)
            if found is None:
                self._misses += 1
                return None
            self._hits += 1
        return _copy(found)

    def put(self, commit: Hashable | None, request: SearchRequest, result: SearchResult) -> None:
        if self._table is None or commit is None or result.warnings:
            return
        kept = _copy(result)
        with self._lock:
            self._table[(commit, request_key(request))] = kept

    def stats(self) -> CacheStats:
        with self._lock:
            held = len(self._table) if self._table is not None else 0
            return CacheStats(self.size, held, self._hits, self._misses)


def _copy(result: SearchResult) -> SearchResult:
    """``result`` with its own lists and dicts (``copy.copy`` runs no validation)."""
    out = copy.copy(result)
    out.hits = list(result.hits)
    out.groups = list(result.groups)
    out.facets = {name: list(values) for name, values in result.facets.items()}
    out.warnings = list(result.warnings)
    out.suggestions = dict(result.suggestions)
    return out
