"""tantivy-only behaviour (the engine-neutral contract is tests/engines/test_engine_contract.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from imr_search.engines.tantivy import TantivyEngine, open_backend
from imr_search.engines.tantivy import engine as engine_module
from imr_search.engines.tantivy import facets as facets_module
from imr_search.errors import IndexError_, OutdatedIndexError
from imr_search.model import Letter
from imr_search.search.request import SearchRequest
from imr_search.search.service import SearchService

# isort: split
from expected import expected_facets, facet_dict
from factories import index_letters, make_letter


def open_engine(path: Path, *, create: bool = False, **options: Any) -> SearchService:
    """The tantivy engine behind the search service (these tests reach into the engine)."""
    return SearchService(open_backend(path, create=create, **options))


@pytest.fixture(scope="module")
def tantivy_engine(
    corpus: list[Letter], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SearchService]:
    engine = open_engine(tmp_path_factory.mktemp("tantivy-corpus"), create=True)
    index_letters(engine, corpus)
    yield engine
    engine.close()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[SearchService]:
    engine = open_engine(tmp_path / "index", create=True)
    yield engine
    engine.close()


def test_facets_that_cannot_be_counted_exactly_are_an_error(
    tantivy_engine: SearchService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(facets_module, "FACET_BUCKETS", 3)
    monkeypatch.setattr(engine_module, "ENUM_SHARE", 1.0)  # the aggregation, not the terms
    with pytest.raises(IndexError_, match="count exactly"):
        tantivy_engine.search(SearchRequest(query="decision:upheld", facets=True))


def test_a_broad_query_counts_facets_over_its_complement_exactly(
    tantivy_engine: SearchService, corpus: list[Letter]
) -> None:
    left_out = corpus[0].id
    result = tantivy_engine.search(SearchRequest(query=f"NOT case:{left_out}", facets=True))
    assert result.total * 2 > tantivy_engine.stats().items  # the complement path
    assert facet_dict(result) == expected_facets(corpus, lambda lt, it: lt.id != left_out)


@pytest.mark.parametrize(
    ("query", "pred"),
    [
        ("decision:upheld", lambda lt, it: it.decision == "upheld"),
        ("decision:overturned", lambda lt, it: it.decision == "overturned"),
        ("", lambda lt, it: True),
    ],
)
@pytest.mark.parametrize("way", ["aggregation", "enum", "complement"])
def test_every_way_of_counting_facets_is_exact(
    tantivy_engine: SearchService,
    corpus: list[Letter],
    monkeypatch: pytest.MonkeyPatch,
    query: str,
    pred: Any,
    way: str,
) -> None:
    enum, complement = {"aggregation": (1.0, 1.0), "enum": (0.0, 1.0), "complement": (0.0, 0.0)}[
        way
    ]
    monkeypatch.setattr(engine_module, "ENUM_SHARE", enum)
    monkeypatch.setattr(engine_module, "COMPLEMENT_SHARE", complement)
    # "NOT case:none" is not the blank request (whose counts are kept per commit): it is
    # counted the way chosen.
    text = query or "NOT case:none"
    result = tantivy_engine.search(SearchRequest(query=text, facets=True))
    assert facet_dict(result) == expected_facets(corpus, pred)


def test_a_filter_only_request_counts_its_facets_once_per_commit(tmp_path: Path) -> None:
    with open_engine(tmp_path / "ix", create=True) as engine:
        index_letters(engine, [make_letter(f"CM17-{i:07d}") for i in range(3)])
        request = SearchRequest(filters={"decision": ("upheld",)}, facets=True)
        first = engine.search(request)
        backend = engine.backend
        assert isinstance(backend, TantivyEngine)
        with backend.reading() as reader:
            assert len(reader._view.filter_facets) == 1
        assert facet_dict(engine.search(replace(request, page=2))) == facet_dict(first)
        assert sum(c.count for c in first.facets["decision"]) == 3
        index_letters(engine, [make_letter("CM17-0000009")])
        assert sum(c.count for c in engine.search(request).facets["decision"]) == 4


def test_a_zero_limit_never_reaches_tantivy(tantivy_engine: SearchService) -> None:
    # tantivy panics (a BaseException) on limit=0.
    assert list(tantivy_engine.iter_items(SearchRequest(), limit=0)) == []
    assert tantivy_engine.similar(text="pain", limit=0) == []


def test_the_lock_is_released_when_the_block_ends_even_on_error(fresh: SearchService) -> None:
    def fail() -> None:
        with fresh.writer() as w:
            w.put(make_letter("CM1"), source_key="a", content_hash="a")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail()
    index_letters(fresh, [make_letter("CM2")])  # a new writer gets the lock at once
    assert fresh.stats().letters == 1


def test_an_index_of_another_schema_is_an_index_error(tmp_path: Path) -> None:
    import tantivy  # noqa: TID251 (a foreign index, written by tantivy-py without imr-search)

    b = tantivy.SchemaBuilder()
    b.add_text_field("body")
    tantivy.Index(b.build(), path=str(tmp_path))
    # An OutdatedIndexError (an IndexError_): `index --rebuild` makes it anew beside it.
    with pytest.raises(OutdatedIndexError, match=r"older imr-search.*--rebuild"):
        open_engine(tmp_path)


def test_sources_come_from_live_letters_only(fresh: SearchService) -> None:
    # Replaced and deleted letters leave their state terms in the dictionary until a merge:
    # only live letters' count.
    with fresh.writer() as w:
        w.put(make_letter("CM17-0000001"), source_key="a.pdf", content_hash="1")
        w.put(make_letter("CM17-0000002"), source_key="b.pdf", content_hash="1")
        w.put(make_letter("CM17-0000003"), source_key="c\x1fd.pdf", content_hash="1")
    with fresh.writer() as w:
        w.put(make_letter("CM17-0000001"), source_key="a.pdf", content_hash="2")
        w.delete("CM17-0000002")
    states = {k: (v.letter_id, v.content_hash) for k, v in fresh.sources().items()}
    assert states == {"a.pdf": ("CM17-0000001", "2"), "c\x1fd.pdf": ("CM17-0000003", "1")}
