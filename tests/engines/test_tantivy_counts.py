"""The blank query's counts kept beside each commit (imr_search.engines.tantivy.counts): a
new process answers from them, and only for the commit they were made for. Expectations come
from the letters' records (``expected_facets``), never from the file."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from imr_search.engines.tantivy import counts as counts_module
from imr_search.engines.tantivy import facets as facets_module
from imr_search.engines.tantivy import open_backend
from imr_search.engines.tantivy.publish import publish
from imr_search.errors import IndexError_
from imr_search.model import Letter
from imr_search.search.request import PAIR_FACET, SearchRequest
from imr_search.search.service import SearchService

# isort: split
from expected import always, expected_facets, facet_dict
from factories import index_letters

BLANK = SearchRequest(facets=True)


def _open(path: Path) -> SearchService:
    return SearchService(open_backend(path))


def _indexed(path: Path, letters: list[Letter]) -> None:
    with SearchService(open_backend(path, create=True)) as engine:
        index_letters(engine, letters)


def _no_counting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counting over every item fails from here on: an answer must come from the file."""

    def refuse(*_: object) -> object:
        raise AssertionError("counted every item")

    monkeypatch.setattr(facets_module, "count_facets", refuse)
    monkeypatch.setattr(facets_module, "pair_counts", refuse)


def _pairs(engine: SearchService) -> Counter[str]:
    result = engine.search(SearchRequest(facets=True, citation_pairs=True))
    return Counter({f.value: f.count for f in result.facets[PAIR_FACET] if f.count})


def test_a_new_process_answers_the_blank_query_from_the_kept_counts(
    corpus: list[Letter], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ix = tmp_path / "ix"
    _indexed(ix, corpus)
    with _open(ix) as engine:
        counted_pairs = _pairs(engine)  # counted here: the file's pairs are checked below
    assert sum(counted_pairs.values()) > 0
    _no_counting(monkeypatch)
    with _open(ix) as engine:
        assert facet_dict(engine.search(BLANK)) == expected_facets(corpus, always)
        assert engine.stats().items == sum(len(letter.items) for letter in corpus)
        assert _pairs(engine) == counted_pairs


def test_counts_of_another_commit_are_not_used(
    corpus: list[Letter], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ix = tmp_path / "ix"
    _indexed(ix, corpus[:-1])
    stale = (ix / counts_module.FILE).read_bytes()
    _indexed(ix, corpus[-1:])
    (ix / counts_module.FILE).write_bytes(stale)  # the first commit's counts, now wrong
    with _open(ix) as engine:
        assert facet_dict(engine.search(BLANK)) == expected_facets(corpus, always)
    _no_counting(monkeypatch)
    with _open(ix) as engine, pytest.raises(AssertionError, match="counted every item"):
        engine.search(BLANK)


# Each damage also makes the counts wrong, so using the file anyway would show.
WRONG = {"facets": {"decision": {"upheld": 1}}}


@pytest.mark.parametrize(
    "damage",
    [
        lambda kept: "{not json",
        lambda kept: json.dumps({**kept, **WRONG, "items": kept["items"] + 1}),
        lambda kept: json.dumps({**kept, **WRONG, "version": 0}),
        lambda kept: json.dumps({**kept, "facets": None}),
    ],
    ids=["unreadable", "another item count", "another version", "no facets"],
)
def test_a_damaged_counts_file_is_counted_again(
    corpus: list[Letter], tmp_path: Path, damage: Callable[[dict[str, Any]], str]
) -> None:
    ix = tmp_path / "ix"
    _indexed(ix, corpus)
    path = ix / counts_module.FILE
    path.write_text(damage(json.loads(path.read_text("utf-8"))), "utf-8")
    with _open(ix) as engine:
        assert facet_dict(engine.search(BLANK)) == expected_facets(corpus, always)


def test_a_failure_to_keep_the_counts_fails_no_index_run(
    corpus: list[Letter], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(counts_module, "store", full_disk)
    ix = tmp_path / "ix"
    _indexed(ix, corpus)
    assert not (ix / counts_module.FILE).exists()
    with _open(ix) as engine:
        assert facet_dict(engine.search(BLANK)) == expected_facets(corpus, always)


def test_facets_too_many_to_count_leave_no_file_and_stay_an_error(
    corpus: list[Letter], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(facets_module, "FACET_BUCKETS", 3)
    ix = tmp_path / "ix"
    _indexed(ix, corpus)
    assert not (ix / counts_module.FILE).exists()
    with _open(ix) as engine, pytest.raises(IndexError_, match="count exactly"):
        engine.search(BLANK)


def test_a_published_replica_answers_from_the_counts_it_was_given(
    corpus: list[Letter], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ix, replica = tmp_path / "ix", tmp_path / "replica"
    _indexed(ix, corpus)
    publish(ix, replica)
    shutil.rmtree(ix)  # the replica stands alone
    _no_counting(monkeypatch)
    with _open(replica) as engine:
        assert facet_dict(engine.search(BLANK)) == expected_facets(corpus, always)
