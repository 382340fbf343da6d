"""imr_search.ingest.cache: records by content hash in a real SQLite file; a second rebuild reads no
PDF, and a parser version change makes the cache forget."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

import imr_search.parse.sources
from imr_search.errors import StoreError
from imr_search.ingest.cache import RecordCache, cache_version
from imr_search.ingest.indexer import index_paths
from imr_search.ingest.pipeline import ingest
from imr_search.ingest.tasks import Done, content_hash
from imr_search.ingest.workers import ProcessPool
from imr_search.model import Letter
from imr_search.parse import PARSER_VERSION, parse_path
from imr_search.search.backend import Engine

# isort: split
from factories import FIXTURES, LETTER_SOURCES

LETTERS = sorted((FIXTURES / "letters").glob("*.pdf"))


@pytest.fixture
def pdf_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every PDF whose text is extracted in this process, by path."""
    reads: list[str] = []
    real = imr_search.parse.sources.pdf_text

    def counting(source: str, data: bytes, **kwargs: object) -> str:
        reads.append(source)
        return real(source, data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(imr_search.parse.sources, "pdf_text", counting)
    return reads


def open_cache(tmp_path: Path, parser_version: int = PARSER_VERSION) -> RecordCache:
    return RecordCache(tmp_path / "records.sqlite", version=cache_version("pdfium", parser_version))


@pytest.mark.slow
def test_a_second_rebuild_reads_no_pdf(
    new_engine: Engine, tmp_path: Path, pdf_reads: list[str]
) -> None:
    with open_cache(tmp_path) as cache:
        first = index_paths(new_engine, LETTER_SOURCES, rebuild=True, cache=cache)
    assert sorted(pdf_reads) == [str(p) for p in LETTERS]
    assert (first.indexed, first.cached) == (25, 0)
    pdf_reads.clear()
    with open_cache(tmp_path) as cache:
        second = index_paths(new_engine, LETTER_SOURCES, rebuild=True, cache=cache)
    assert pdf_reads == []
    assert (second.indexed, second.cached, second.letters) == (25, 25, 25)
    for path in LETTERS:
        letter = parse_path(path)
        assert new_engine.get_letter(letter.id) == letter
    assert second.warnings == first.warnings


@pytest.mark.slow
def test_a_parser_version_change_invalidates_the_cache(
    new_engine: Engine, tmp_path: Path, pdf_reads: list[str]
) -> None:
    with open_cache(tmp_path) as cache:
        index_paths(new_engine, LETTER_SOURCES, rebuild=True, cache=cache)
        assert len(cache) == 25
    pdf_reads.clear()
    with open_cache(tmp_path, PARSER_VERSION + 1) as newer:
        assert len(newer) == 0
        assert newer.get(content_hash(LETTERS[0].read_bytes()), str(LETTERS[0])) is None
        report = index_paths(new_engine, LETTER_SOURCES, rebuild=True, cache=newer)
        assert len(newer) == 25
    assert report.cached == 0
    assert sorted(pdf_reads) == [str(p) for p in LETTERS]
    # The old version's rows are gone for good: going back finds nothing either.
    with open_cache(tmp_path) as older:
        assert len(older) == 0


def test_the_cache_is_filled_by_worker_processes_too(tmp_path: Path) -> None:
    sources = [str(p) for p in LETTERS]
    with open_cache(tmp_path) as cache:
        first = list(ingest(sources, ProcessPool(2), cache=cache))
    with open_cache(tmp_path) as cache:
        second = list(ingest(sources, ProcessPool(2), cache=cache))
    assert {d.outcome for d in first} == {"parsed"}
    assert {d.outcome for d in second} == {"cached"}
    assert [d.letter for d in second] == [d.letter for d in first]
    assert [d.letter for d in second] == [parse_path(p) for p in LETTERS]


def test_the_same_bytes_under_another_name(tmp_path: Path) -> None:
    pdf = shutil.copy(LETTERS[0], tmp_path / "first-name.pdf")
    seed = sorted((FIXTURES / "seeds").glob("*.txt"))[0]
    with open_cache(tmp_path) as cache:
        list(ingest([str(pdf), str(seed)], ProcessPool(1), cache=cache))
        moved_pdf = shutil.copy(pdf, tmp_path / "renamed.pdf")
        moved_seed = shutil.copy(seed, tmp_path / "renamed.txt")
        again = list(ingest([str(moved_pdf), str(moved_seed)], ProcessPool(1), cache=cache))
    # The PDF's id is its case number: only the source changes. The seed has no case
    # number, so its id comes from the file name and the renamed file is parsed afresh.
    assert [d.outcome for d in again] == ["cached", "parsed"]
    assert [d.letter for d in again] == [parse_path(Path(moved_pdf)), parse_path(Path(moved_seed))]


def test_failures_are_kept_but_not_time_limits(tmp_path: Path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(LETTERS[0].read_bytes()[:2000])
    letter = parse_path(LETTERS[0])
    with open_cache(tmp_path) as cache:
        first = list(ingest([str(broken)], ProcessPool(1), cache=cache))
        again = list(ingest([str(broken)], ProcessPool(1), cache=cache))
        digest = content_hash(b"slow bytes")
        timed_out = Done(0, "slow.pdf", "failed", digest, reason="time limit", lasting=False)
        list(ingest([str(LETTERS[0])], _Replay(timed_out), cache=cache))
        assert cache.get(digest, "slow.pdf") is None
        cache.put(digest, "slow.pdf", letter)
        assert cache.get(digest, "slow.pdf") == cache.get(digest, "slow.pdf")
    assert first[0].reason is not None
    assert first[0].reason.startswith("corrupt PDF")
    assert (again[0].outcome, again[0].reason, again[0].cached) == ("failed", first[0].reason, True)


class _Replay:
    """A runner that answers every task with one prepared Done (a time-limit failure)."""

    reads_files = False

    def __init__(self, done: Done) -> None:
        self.done = done

    def run(self, items: object) -> Iterator[Done]:
        for item in items:  # type: ignore[attr-defined]
            yield item if isinstance(item, Done) else self.done


def test_an_unusable_cache_file_is_a_store_error_with_the_way_out(tmp_path: Path) -> None:
    bad = tmp_path / "records.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=r"the record cache .*records\.sqlite: .*--no-cache"):
        RecordCache(bad, version="x")


def test_a_full_disk_while_caching_is_a_store_error(tmp_path: Path) -> None:
    # SQLite's page limit makes it answer SQLITE_FULL, the error a full disk gives it.
    cache = open_cache(tmp_path)
    assert cache._db is not None
    pages = cache._db.execute("PRAGMA page_count").fetchone()[0]
    cache._db.execute(f"PRAGMA max_page_count = {pages + 1}")
    letter = parse_path(LETTERS[0])

    def fill() -> None:
        for n in range(200):
            cache.put(f"digest-{n}", str(LETTERS[0]), letter)
        cache.commit()

    with pytest.raises(StoreError) as caught:
        fill()
    assert str(caught.value) == (
        f"the record cache {tmp_path / 'records.sqlite'}: the disk is full; free space, or "
        "index with --no-cache"
    )
    cache.close()  # after the failure: nothing to do, and no second error


def test_a_damaged_row_is_parsed_again(tmp_path: Path) -> None:
    with open_cache(tmp_path) as cache:
        list(ingest([str(LETTERS[0])], ProcessPool(1), cache=cache))
    db = sqlite3.connect(tmp_path / "records.sqlite")
    with db:
        db.execute("UPDATE records SET record = '{\"id\": 5'")
    db.close()
    with open_cache(tmp_path) as cache:
        done = list(ingest([str(LETTERS[0])], ProcessPool(1), cache=cache))
        assert cache.hits == 0
    assert [d.letter for d in done] == [parse_path(LETTERS[0])]


def test_rows_are_plain_json(tmp_path: Path) -> None:
    with open_cache(tmp_path) as cache:
        list(ingest([str(LETTERS[0])], ProcessPool(1), cache=cache))
    db = sqlite3.connect(tmp_path / "records.sqlite")
    row = db.execute("SELECT record FROM records").fetchone()
    db.close()
    assert Letter.from_dict(json.loads(row[0])) == parse_path(LETTERS[0])
