"""The response cache (imr_search.search.response_cache) in the search service, over the real
engines that keep folders (the memory engine's reader names no commit: nothing of it is
cached).

Expectations come from the generated letters, never from the cache's output.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from factories import index_letters, make_item, make_letter

from imr_search.engines.registry import open_engine
from imr_search.model import Letter
from imr_search.search.request import SearchRequest
from imr_search.search.response_cache import ResponseCache, request_key

FOLDER_ENGINES = ["whoosh", "tantivy"]


def _letters(n: int, start: int = 0) -> list[Letter]:
    return [
        make_letter(f"CM17-{i:07d}", items=[make_item(1, service="MRI lumbar spine")])
        for i in range(start, start + n)
    ]


@pytest.mark.parametrize("engine_name", FOLDER_ENGINES)
def test_the_same_request_on_the_same_commit_is_answered_from_the_cache(
    engine_name: str, tmp_path: Path
) -> None:
    with open_engine(tmp_path / "ix", engine=engine_name, create=True, cache_size=10) as engine:
        index_letters(engine, _letters(3))
        request = SearchRequest(query="mri", facets=True)
        first = engine.search(request)
        second = engine.search(request)
        stats = engine.cache_stats()
        assert (stats.hits, stats.misses, stats.held) == (1, 1, 1)
        assert second == first
        assert first.total == 3
        # The caller may change what it got: the kept answer stays whole.
        second.hits.clear()
        assert engine.search(request).total == 3
        assert len(engine.search(request).hits) == 3


@pytest.mark.parametrize("engine_name", FOLDER_ENGINES)
def test_a_commit_makes_every_key_new(engine_name: str, tmp_path: Path) -> None:
    with open_engine(tmp_path / "ix", engine=engine_name, create=True, cache_size=10) as engine:
        index_letters(engine, _letters(2))
        request = SearchRequest(query="mri", facets=True)
        assert engine.search(request).total == 2
        index_letters(engine, _letters(3, start=2))  # another batch: a new commit
        after = engine.search(request)
        assert after.total == 5
        assert after.facets["decision"][0].count == 5
        assert engine.cache_stats().hits == 0


@pytest.mark.parametrize("engine_name", FOLDER_ENGINES)
def test_a_commit_by_another_process_is_seen_at_once(engine_name: str, tmp_path: Path) -> None:
    folder = tmp_path / "ix"
    with open_engine(folder, engine=engine_name, create=True, cache_size=10) as reader:
        index_letters(reader, _letters(2))
        request = SearchRequest(query="mri")
        assert reader.search(request).total == 2
        with open_engine(folder) as writer:  # another engine on the folder, as a process is
            index_letters(writer, _letters(1, start=2))
        assert reader.search(request).total == 3


def test_size_zero_keeps_and_counts_nothing(tmp_path: Path) -> None:
    with open_engine(tmp_path / "ix", engine="tantivy", create=True, cache_size=0) as engine:
        index_letters(engine, _letters(2))
        for _ in range(3):
            assert engine.search(SearchRequest(query="mri")).total == 2
        stats = engine.cache_stats()
        assert (stats.size, stats.held, stats.hits, stats.misses) == (0, 0, 0, 0)
        assert stats.hit_rate is None


def test_a_partial_answer_is_not_kept(tmp_path: Path) -> None:
    cache = ResponseCache(4)
    with open_engine(tmp_path / "ix", engine="tantivy", create=True) as engine:
        index_letters(engine, _letters(1))
        result = engine.search(SearchRequest(query="mri"))
    result.warnings.append("the search ran out of time (1 s); highlighting left out")
    cache.put(("commit",), SearchRequest(query="mri"), result)
    assert cache.get(("commit",), SearchRequest(query="mri")) is None


def test_the_key_ignores_the_time_limit_and_the_order_of_mappings() -> None:
    a = SearchRequest(
        query=" mri ",
        filters={"decision": ("upheld",), "category": ("Diagnostic Tests",)},
        ranges={"received": (dt.date(2016, 1, 1), None), "assigned": (None, None)},
        time_limit=1.0,
    )
    b = SearchRequest(
        query="mri",
        filters={"category": ("Diagnostic Tests",), "decision": ("upheld",)},
        ranges={"received": (dt.date(2016, 1, 1), None)},
        time_limit=5.0,
    )
    assert request_key(a) == request_key(b)
    assert request_key(a) != request_key(SearchRequest(query="mri", page=2))
    assert request_key(a) != request_key(SearchRequest(query="mri", letters=True))


def test_every_switch_that_changes_an_answer_changes_the_key() -> None:
    # The search box's switches came after the cache: an answer searched as typed
    # (synonyms off) or everywhere must not be served for the default request.
    plain = request_key(SearchRequest(query="ultram"))
    assert plain != request_key(SearchRequest(query="ultram", synonyms=False))
    assert plain != request_key(SearchRequest(query="ultram", scope="everywhere"))
    assert plain != request_key(SearchRequest(query="ultram", exclude_letters=("CM1",)))
    assert plain != request_key(SearchRequest(query="ultram", sort="-decided"))
