"""Whoosh-only behaviour (the engine-neutral contract is tests/engines/test_engine_contract.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from imr_search.engines.whoosh import WhooshEngine, open_backend
from imr_search.engines.whoosh._whoosh import collectors
from imr_search.model import Letter
from imr_search.search.request import SearchRequest
from imr_search.search.service import SearchService

# isort: split
from factories import index_letters, make_letter


def open_engine(path: Path, *, create: bool = False, **options: Any) -> SearchService:
    """The Whoosh engine behind the search service (these tests reach into the engine)."""
    return SearchService(open_backend(path, create=create, **options))


def whoosh_of(engine: SearchService) -> WhooshEngine:
    backend = engine.backend
    assert isinstance(backend, WhooshEngine)
    return backend


@pytest.fixture(scope="module")
def whoosh_engine(
    corpus: list[Letter], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SearchService]:
    engine = open_engine(tmp_path_factory.mktemp("whoosh-corpus"), create=True)
    index_letters(engine, corpus)
    yield engine
    engine.close()


def test_whoosh_time_limit_returns_partial_results_with_a_warning(
    whoosh_engine: SearchService, monkeypatch: pytest.MonkeyPatch
) -> None:
    class RunsOutAfterThree(collectors.TimeLimitCollector):  # type: ignore[misc]
        def collect_matches(self) -> None:
            for n, docnum in enumerate(self.child.matches()):
                if n == 3:
                    raise collectors.TimeLimit
                self.child.collect(docnum)

    monkeypatch.setattr(collectors, "TimeLimitCollector", RunsOutAfterThree)
    result = whoosh_engine.search(SearchRequest(time_limit=0.5, facets=True))
    assert result.total == 3
    assert len(result.hits) == 3
    assert result.warnings == ["the search ran out of time (0.5 s); results are partial"]
    assert sum(fc.count for fc in result.facets["decision"]) == 3


def test_whoosh_time_limit_that_is_not_reached_changes_nothing(
    whoosh_engine: SearchService,
) -> None:
    limited = whoosh_engine.search(SearchRequest(query="pain", time_limit=30.0))
    plain = whoosh_engine.search(SearchRequest(query="pain"))
    assert limited.warnings == []
    assert [h.item_id for h in limited.hits] == [h.item_id for h in plain.hits]


def test_whoosh_a_commit_between_the_generation_check_and_the_searcher_opening(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The race behind rare failures of the contract's
    # test_threads_search_while_another_engine_commits[whoosh], made certain: a request lists the
    # index's generation, another process commits, then the request opens its searcher (which
    # reads the newer TOC). The searcher must not be taken for the listed generation, whose
    # facet table (built by another thread) has other docnums.
    reader, writer = open_engine(tmp_path, create=True), open_engine(tmp_path)
    index_letters(writer, [make_letter(f"CM-{i:03d}") for i in range(10)])
    request = SearchRequest(query="therapy", facets=True, size=100)
    other = threading.Thread(target=reader.search, args=(request,))
    other.start()
    other.join()  # the facet table of the first generation, built in another thread

    listing = whoosh_of(reader)._ix.latest_generation

    def listing_then_a_commit() -> int:
        generation: int = listing()
        monkeypatch.undo()
        index_letters(writer, [make_letter(f"CM-NEW-{i}") for i in range(3)])
        return generation

    monkeypatch.setattr(whoosh_of(reader)._ix, "latest_generation", listing_then_a_commit)
    result = reader.search(request)
    fresh = open_engine(tmp_path)
    expected = fresh.search(request)
    assert result.total == expected.total == 13
    assert result.facets == expected.facets
    for engine in (fresh, writer, reader):
        engine.close()
