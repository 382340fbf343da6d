"""The engine boundary: what an engine implements (``Backend`` and its ``Reader``) and what the
rest of imr-search uses (``Engine``, which ``imr_search.search.service.SearchService`` builds
over a backend).

An engine is a leaf adapter. It compiles imr-search's query tree (``imr_search.search.tree``)
into its own queries, maps the documents of ``imr_search.search.documents`` and answers a few
narrow questions: what matches and how many, the facet counts over a match, a stored record, a
snippet, spelling suggestions. How a search uses those answers (the page, the time limit's
phases, letter groups, the facets' display, which suggestions are asked for) is written once,
in the service, so every engine answers a request the same way;
``tests/engines/test_engine_contract.py`` holds every registered engine to it.

Everything crossing this boundary is a plain imr-search type defined here or in
``imr_search.model`` and ``imr_search.search.results``, or a value the engine made and gets
back unopened (a compiled query, a match's references): no engine object leaks out.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol, Self, runtime_checkable

from imr_search.model import Letter
from imr_search.search.request import SearchRequest, SortOrder
from imr_search.search.response_cache import CacheStats
from imr_search.search.results import (
    IndexStats,
    ItemRecord,
    LetterSource,
    SearchResult,
    Segment,
    SourceState,
)
from imr_search.search.tree import Node


class WriterSession(Protocol):
    """A batch of changes that becomes visible all at once, on commit, or not at all."""

    def put(self, letter: Letter, *, source_key: str, content_hash: str) -> None:
        """Add the letter, replacing any letter with the same id or the same source."""

    def delete(self, letter_id: str) -> None: ...


class ClosesOnExit:
    """``with engine:`` closes the engine when the block ends (the engines inherit this)."""

    __slots__ = ()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        raise NotImplementedError


@dataclass(slots=True)
class Matches:
    """What a compiled query matched: ``total`` items and ``hits``, (reference, score) in the
    request's order: the page asked for, or every match. A reference is the engine's own
    (a document number, an address) and only goes back to the reader that made it.
    ``partial``: the engine stopped matching at the time limit, so ``total`` and ``hits`` are
    what it found by then. An engine may keep more here for its own later answers
    (``payload``: the facet counts over the same match)."""

    total: int
    hits: list[tuple[Any, float]] = field(default_factory=list)
    partial: bool = False
    payload: Any = None


class Reader(Protocol):
    """One committed state of the index, held for one request: every answer of a search comes
    from the same state, however many commits land meanwhile."""

    @property
    def commit(self) -> Hashable | None:
        """What names the committed state this reader sees, equal only for equal content
        (None: it cannot say, and nothing read through it is cached)."""

    def compile(self, tree: Node, filters: Node | None) -> Any:
        """The engine's query for items matching ``tree`` and narrowed by ``filters`` (which
        never score). Raises QueryError for what the engine cannot run (a pattern that
        expands to too many words)."""

    def match(
        self,
        query: Any,
        sort: SortOrder,
        *,
        start: int,
        size: int,
        every: bool,
        time_limit: float | None,
    ) -> Matches:
        """The items ``query`` matches, in ``sort`` order: the ``size`` from ``start`` on, or
        every one (``every``). ``time_limit`` (seconds) bounds the matching where the engine
        can stop it."""

    def letter_keys(self, refs: Sequence[Any]) -> Sequence[Hashable]:
        """The letter of each reference, as a key equal for the items of one letter."""

    def facet_counts(
        self, query: Any, matches: Matches, *, blank: bool
    ) -> Mapping[str, Counter[str]]:
        """Exact counts per facet value over every item ``matches`` stands for (``blank``:
        the request has no query, filter or range, so the answer is every item's)."""

    def record(self, ref: Any) -> Mapping[str, Any]:
        """The stored item record (``imr_search.search.documents.item_record``)."""

    def snippet(self, record: Mapping[str, Any], query: Any, *, highlight: bool) -> list[Segment]:
        """The record's snippet: the passage ``query`` matched with its words marked, or (not
        ``highlight``) the lead of the text."""

    def suggestions(
        self, words: Sequence[str], out_of_time: Callable[[], bool]
    ) -> tuple[dict[str, str], bool]:
        """A spelling for each of ``words`` the index does not know (word -> suggestion), and
        whether every word was looked at before ``out_of_time``."""


@dataclass(slots=True)
class LetterPage:
    """A page of letters: ``matches`` (the items matched: their total, no hits; ``payload``
    as in ``Matches``), the number of letters they belong to, and the hits of the page's
    letters, a list per letter in the order of each letter's first hit."""

    matches: Matches
    letters: int
    groups: list[list[tuple[Any, float]]]


@runtime_checkable
class PagesLetters(Protocol):
    """A ``Reader`` that pages letters itself, without the letter of every matched item: the
    search service asks it instead of matching every item (``group_letters`` is what it must
    equal)."""

    def letter_page(
        self, query: Any, sort: SortOrder, *, start: int, size: int, facets: bool
    ) -> LetterPage:
        """The letters ``start`` to ``start + size`` of the items ``query`` matches; ``facets``:
        the facet counts will be asked for next (``facet_counts`` with ``matches``)."""


@runtime_checkable
class CountsPairs(Protocol):
    """A ``Reader`` that counts the citator's citation pairs
    (``imr_search.search.documents.citation_pairs``) over a match, as it counts facets."""

    def pair_counts(self, query: Any, matches: Matches, *, blank: bool) -> Counter[str] | None:
        """Items per pair value over every item ``matches`` stands for; None when this index
        holds no pairs (made before them)."""


class Backend(Protocol):
    """What an engine implements: a reader per request, a writer, and the lookups that do not
    go through a search."""

    def reading(self) -> AbstractContextManager[Reader]:
        """The latest committed state, for one request."""

    def writer(self, *, rebuild: bool = False) -> AbstractContextManager[WriterSession]:
        """Open a writer. Leaving the block normally commits; an exception (or a crash) leaves
        the previous content. ``rebuild`` replaces everything with what the batch puts.
        Raises IndexBusyError at once if another process is writing."""

    def sources(self) -> dict[str, SourceState]:
        """Source key (the path as indexed) -> what was indexed from it."""

    def get_letter(self, letter_id: str) -> Letter:
        """The whole record; NotFoundError if unknown."""

    def letter_source(self, letter_id: str) -> LetterSource:
        """The source key the letter was indexed from and its bytes' hash; NotFoundError if
        unknown."""

    def similar(
        self,
        *,
        text: str,
        exclude: str | None = None,
        limit: int = 20,
        time_limit: float | None = None,
    ) -> list[ItemRecord]:
        """Items whose rationale is most like ``text`` (see ``Engine.similar``)."""

    def suggest(self, term: str) -> list[str]:
        """Indexed terms close to ``term``."""

    def stats(self) -> IndexStats: ...

    def close(self) -> None: ...


class Engine(Protocol):
    def writer(self, *, rebuild: bool = False) -> AbstractContextManager[WriterSession]:
        """Open a writer. Leaving the block normally commits; an exception (or a crash) leaves
        the previous content. ``rebuild`` replaces everything with what the batch puts.
        Raises IndexBusyError at once if another process is writing."""

    def sources(self) -> dict[str, SourceState]:
        """Source key (the path as indexed) -> what was indexed from it."""

    def search(self, request: SearchRequest) -> SearchResult:
        """Run a search. Raises QueryError for a query that cannot be run."""

    def get_letter(self, letter_id: str) -> Letter:
        """The whole record; NotFoundError if unknown."""

    def letter_source(self, letter_id: str) -> LetterSource:
        """The source key the letter was indexed from (its file's absolute path, or another
        key a writer gave) and the hash of the bytes parsed; NotFoundError if unknown.
        Serving the original file looks the path up here, by id, so no part of a URL ever
        becomes a path, and checks the bytes against the hash."""

    def iter_items(
        self, request: SearchRequest, *, limit: int | None = None
    ) -> Iterator[ItemRecord]:
        """Every item matching the request's query and filters, best first, whole."""

    def similar(
        self,
        *,
        text: str,
        exclude: str | None = None,
        limit: int = 20,
        time_limit: float | None = None,
    ) -> list[ItemRecord]:
        """Items whose rationale is most like ``text`` (``exclude``: an item id to leave out).
        With ``time_limit`` (seconds) it returns what it found by then, best first: fewer
        items, never others (the caller tells a cut answer by the clock)."""

    def suggest(self, term: str) -> list[str]:
        """Indexed terms close to ``term`` (for "did you mean")."""

    def stats(self) -> IndexStats: ...

    def cache_stats(self) -> CacheStats:
        """What the response cache has done (``imr_search.search.response_cache``)."""

    def close(self) -> None: ...

    def __enter__(self) -> Self:
        """``with open_engine(...) as engine:`` (see ``ClosesOnExit``)."""

    def __exit__(self, *exc: object) -> None: ...


def group_letters(
    keys: Sequence[Hashable], hits: list[tuple[Any, float]], start: int, size: int
) -> tuple[int, list[list[tuple[Any, float]]]]:
    """(number of letters, the hits of the letters ``start`` to ``start + size``), letters in
    the order of their first hit; only the page's letters collect their hits."""
    letters = dict.fromkeys(keys)  # first-hit order, deduplicated
    page = {key: i for i, key in enumerate(itertools.islice(letters, start, start + size))}
    groups: list[list[tuple[Any, float]]] = [[] for _ in page]
    for key, one in zip(keys, hits, strict=True):
        i = page.get(key)
        if i is not None:
            groups[i].append(one)
    return len(letters), groups
