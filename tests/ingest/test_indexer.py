"""imr_search.ingest.indexer: incremental indexing of letter files through the Engine interface."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from imr_search.errors import NotFoundError
from imr_search.ingest.indexer import IndexProgress, index_paths, source_key
from imr_search.parse import parse_path
from imr_search.search.backend import Engine
from imr_search.search.request import SearchRequest
from imr_search.search.results import SourceState

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEEDS = FIXTURES / "seeds"


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A private copy of the seed letters (plain text)."""
    folder = tmp_path / "letters"
    shutil.copytree(SEEDS, folder)
    return folder


def item_ids(engine: Engine) -> set[str]:
    return {h.item_id for h in engine.search(SearchRequest(size=100)).hits}


def seed_ids(folder: Path) -> dict[str, str]:
    """File name -> letter id, from the parser itself."""
    return {p.name: parse_path(p).id for p in sorted(folder.glob("*.txt"))}


def test_first_run_indexes_every_letter(new_engine: Engine, seeds: Path) -> None:
    expected = [parse_path(p) for p in sorted(seeds.glob("*.txt"))]
    report = index_paths(new_engine, [str(seeds)])
    assert (report.indexed, report.unchanged, report.failed, report.pruned) == (5, 0, [], 0)
    assert report.letters == len(expected)
    assert report.items == sum(len(letter.items) for letter in expected)
    assert new_engine.sources() == {
        source_key(str(p)): SourceState(
            parse_path(p).id, hashlib.sha256(p.read_bytes()).hexdigest()
        )
        for p in seeds.glob("*.txt")
    }


def test_re_indexing_unchanged_files_changes_nothing(new_engine: Engine, seeds: Path) -> None:
    index_paths(new_engine, [str(seeds)])
    before_ids, before_sources = item_ids(new_engine), new_engine.sources()
    letters = {lid: new_engine.get_letter(lid) for lid in seed_ids(seeds).values()}
    report = index_paths(new_engine, [str(seeds)])
    assert (report.indexed, report.unchanged, report.failed) == (0, 5, [])
    assert item_ids(new_engine) == before_ids
    assert new_engine.sources() == before_sources
    assert {lid: new_engine.get_letter(lid) for lid in letters} == letters
    assert (report.letters, report.items) == (len(letters), len(before_ids))


def test_an_edited_file_replaces_its_letter(new_engine: Engine, seeds: Path) -> None:
    index_paths(new_engine, [str(seeds)])
    path = sorted(seeds.glob("*.txt"))[0]
    letter = parse_path(path)
    word = next(w for w in letter.summary.split() if len(w) > 6 and w.isalpha())
    path.write_text(path.read_text().replace(word, "zebracorn"))
    report = index_paths(new_engine, [str(seeds)])
    assert (report.indexed, report.unchanged) == (1, 4)
    assert "zebracorn" in new_engine.get_letter(letter.id).summary
    hits = new_engine.search(SearchRequest(query="summary:zebracorn")).hits
    assert {h.letter_id for h in hits} == {letter.id}
    assert report.letters == 5


def test_prune_deletes_letters_whose_files_are_gone(new_engine: Engine, seeds: Path) -> None:
    index_paths(new_engine, [str(seeds)])
    gone = sorted(seeds.glob("*.txt"))[-1]
    gone_id = parse_path(gone).id
    gone.unlink()
    kept = index_paths(new_engine, [str(seeds)])
    assert (kept.pruned, kept.letters) == (0, 5)
    pruned = index_paths(new_engine, [str(seeds)], prune=True)
    assert (pruned.pruned, pruned.letters, pruned.unchanged) == (1, 4, 4)
    with pytest.raises(NotFoundError):
        new_engine.get_letter(gone_id)
    assert source_key(str(gone)) not in new_engine.sources()


def test_rebuild_replaces_the_whole_index(new_engine: Engine, seeds: Path) -> None:
    index_paths(new_engine, [str(seeds)])
    two = sorted(seeds.glob("*.txt"))[:2]
    report = index_paths(new_engine, [str(p) for p in two], rebuild=True)
    assert (report.indexed, report.unchanged, report.letters) == (2, 0, 2)
    assert set(new_engine.sources()) == {source_key(str(p)) for p in two}


def test_failures_are_reported_and_the_rest_indexed(new_engine: Engine, seeds: Path) -> None:
    (seeds / "bad.txt").write_text("Dear customer, your parcel is on its way.\n")
    (seeds / "empty.txt").write_text("")
    missing = str(seeds / "missing.pdf")
    report = index_paths(new_engine, [str(seeds), missing])
    failed = dict(report.failed)
    assert set(failed) == {str(seeds / "bad.txt"), str(seeds / "empty.txt"), missing}
    assert "not an IMR letter" in failed[str(seeds / "bad.txt")]
    assert failed[str(seeds / "empty.txt")] == "empty file"
    assert failed[missing] == "no such file"
    assert (report.indexed, report.letters) == (5, 5)


def test_progress_is_reported_for_every_source(new_engine: Engine, seeds: Path) -> None:
    (seeds / "bad.txt").write_text("not a letter")
    events: list[IndexProgress] = []
    index_paths(new_engine, [str(seeds)], progress=events.append)
    assert [e.done for e in events] == [1, 2, 3, 4, 5, 6]
    assert {e.total for e in events} == {6}
    assert [e.outcome for e in events].count("failed") == 1
    again: list[IndexProgress] = []
    index_paths(new_engine, [str(seeds)], progress=again.append)
    assert [e.outcome for e in again].count("unchanged") == 5


def test_files_over_the_size_limit_fail(new_engine: Engine, seeds: Path) -> None:
    report = index_paths(new_engine, [str(seeds)], max_bytes=100)
    assert report.indexed == 0
    assert len(report.failed) == 5
    assert all("larger than" in reason for _, reason in report.failed)


@pytest.mark.slow
def test_real_letters_index_whole_and_searchable(new_engine: Engine) -> None:
    report = index_paths(new_engine, [str(FIXTURES)])
    assert report.failed == []
    assert report.indexed == report.letters == 25
    for path in sorted(FIXTURES.rglob("*.*")):
        if path.suffix in (".pdf", ".txt"):
            letter = parse_path(path)
            assert new_engine.get_letter(letter.id) == letter
    result = new_engine.search(SearchRequest(query="spine", facets=True))
    assert result.total > 0
    assert sum(fc.count for fc in result.facets["decision"]) == result.total
