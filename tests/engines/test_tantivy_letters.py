"""Letter-grouped pages from tantivy's letter aggregation (imr_search.engines.tantivy.letters)
equal the plain way's: every matched item in order, grouped by letter in the order of each
letter's first item. The expectation is built here from ``iter_items`` (every match, in order)
and the generated letters' records, not from the grouped answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from imr_search.engines.registry import open_engine
from imr_search.engines.tantivy import letters as letters_module
from imr_search.model import Letter
from imr_search.search.backend import Engine
from imr_search.search.request import SearchRequest, SortOrder
from imr_synth.corpus import iter_letters

# isort: split
from expected import facet_dict
from factories import index_letters

LETTERS = 300
QUERIES = [
    "",  # every item
    "pain",
    "physical therapy",
    '"physical therapy"',
    "mri OR ct",
    "decision:overturned",
    "NOT decision:upheld",
    "opioid* AND NOT pain",
    "nosuchwordanywhere",
]
SORTS: list[SortOrder] = ["relevance", "-decided", "decided"]


def _corpus() -> list[Letter]:
    seen: dict[str, Letter] = {}
    for synth in iter_letters(LETTERS, seed=7):
        seen.setdefault(synth.truth.id, synth.truth)
    return list(seen.values())


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    with open_engine(
        tmp_path_factory.mktemp("letters") / "ix", engine="tantivy", create=True
    ) as opened:
        index_letters(opened, _corpus())
        yield opened


def _expected(engine: Engine, request: SearchRequest) -> tuple[int, list[list[str]]]:
    every = list(engine.iter_items(request))
    order: dict[str, list[str]] = {}
    for item in every:
        order.setdefault(item.letter_id, []).append(item.item_id)
    start = (request.page - 1) * request.size
    return len(order), list(order.values())[start : start + request.size]


def _grouped(engine: Engine, request: SearchRequest) -> tuple[int, list[list[str]]]:
    result = engine.search(request)
    for group in result.groups:
        assert {h.letter_id for h in group.hits} == {group.letter_id}
    return result.total, [[h.item_id for h in g.hits] for g in result.groups]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("sort", SORTS)
def test_letter_pages_equal_every_match_grouped(
    engine: Engine, query: str, sort: SortOrder
) -> None:
    for page, size in [(1, 20), (2, 20), (3, 7), (40, 5)]:
        request = SearchRequest(query=query, letters=True, sort=sort, page=page, size=size)
        assert _grouped(engine, request) == _expected(engine, request), (page, size)


@pytest.mark.parametrize("query", ["", "pain", "NOT decision:upheld"])
def test_past_the_buckets_the_plain_way_gives_the_same_pages(
    engine: Engine, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(letters_module, "LETTER_BUCKETS", 3)  # fewer than the letters matched
    for page in (1, 2):
        request = SearchRequest(query=query, letters=True, page=page, size=10)
        assert _grouped(engine, request) == _expected(engine, request)


@pytest.mark.parametrize("query", ["", "pain", "decision:overturned"])
def test_facets_counted_with_the_letters_equal_the_items_facets(engine: Engine, query: str) -> None:
    grouped = engine.search(SearchRequest(query=query, letters=True, facets=True))
    plain = engine.search(SearchRequest(query=query, facets=True))
    assert facet_dict(grouped) == facet_dict(plain)
    assert sum(c.count for c in plain.facets["decision"]) == plain.total


def test_an_index_with_letters_and_no_match(tmp_path: Path) -> None:
    with open_engine(tmp_path / "ix", engine="tantivy", create=True) as opened:
        index_letters(opened, _corpus()[:3])
        result = opened.search(SearchRequest(query="nosuchwordanywhere", letters=True))
        assert (result.total, result.groups) == (0, [])


@pytest.mark.parametrize("query", ["", "NOT decision:upheld"])
def test_pages_are_exact_on_each_side_of_the_bucket_limit(
    engine: Engine, query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Around the limit the way is chosen by tantivy's estimate of the letters (or the
    aggregation's own check): a limit just under the letters matched, at it, and past it while
    still under the items matched must all give the plain way's pages and counts."""
    request = SearchRequest(query=query, letters=True, facets=True, size=10)
    letters, _ = _expected(engine, request)
    items = engine.search(SearchRequest(query=query, facets=True))
    assert items.total > letters + 1  # some letters have more than one item matched
    for limit in (letters - 1, letters, letters + 1, items.total - 1):
        monkeypatch.setattr(letters_module, "LETTER_BUCKETS", limit)
        for page in (1, 3):
            paged = SearchRequest(query=query, letters=True, facets=True, page=page, size=10)
            assert _grouped(engine, paged) == _expected(engine, paged), (limit, page)
        assert facet_dict(engine.search(request)) == facet_dict(items), limit
