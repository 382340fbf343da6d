"""The search-engine boundary: the one narrow interface the CLI, the server and precedent lookup
use. No engine library is imported here; ``imr_search.engines.whoosh`` implements it with Whoosh
and ``imr_search.engines.tantivy`` with tantivy, each passing
``tests/engines/test_engine_contract.py``. Engines compile the query tree of
``imr_search.search.tree`` and map the documents of
``imr_search.search.documents``; neither the language nor the mapping belongs to an engine.

Everything crossing this boundary is a plain imr-search type defined below or in
``imr_search.model``: no engine object leaks out.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Protocol, Self

from imr_search.model import Letter
from imr_search.search.request import SearchRequest
from imr_search.search.results import IndexStats, ItemRecord, SearchResult, SourceState


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

    def letter_source(self, letter_id: str) -> str:
        """The source key the letter was indexed from (its file's absolute path, or another
        key a writer gave); NotFoundError if unknown. Serving the original file looks the
        path up here, by id, so no part of a URL ever becomes a path."""

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

    def close(self) -> None: ...

    def __enter__(self) -> Self:
        """``with open_engine(...) as engine:`` (see ``ClosesOnExit``)."""

    def __exit__(self, *exc: object) -> None: ...
