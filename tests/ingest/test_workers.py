"""imr_search.ingest.workers: --jobs N in real worker processes; same records in the same order for
any N, a file that hangs or kills its worker costs that file only."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from imr_search.ingest.pipeline import ingest
from imr_search.ingest.tasks import Done, SerialRunner, Task
from imr_search.ingest.workers import ProcessPool
from imr_search.model import Letter
from imr_search.parse import iter_sources, parse_path

# isort: split
import ingest_jobs
from factories import FIXTURES, LETTER_SOURCES


def records(done: list[Done]) -> list[tuple[str, Letter | None, str | None]]:
    return [(d.source, d.letter, d.reason) for d in done]


@pytest.fixture(scope="module")
def sources() -> list[str]:
    return list(iter_sources(LETTER_SOURCES))


@pytest.fixture(scope="module")
def expected(sources: list[str]) -> list[tuple[str, Letter | None, str | None]]:
    return [(s, parse_path(Path(s)), None) for s in sources]


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_any_number_of_jobs_gives_the_records_in_input_order(
    jobs: int, sources: list[str], expected: list[tuple[str, Letter | None, str | None]]
) -> None:
    done = list(ingest(sources, ProcessPool(jobs)))
    assert records(done) == expected
    assert [d.seq for d in done] == list(range(len(sources)))
    assert {d.outcome for d in done} == {"parsed"}


def test_the_pool_and_the_serial_runner_agree_on_failures(tmp_path: Path) -> None:
    (tmp_path / "a_not_a_letter.txt").write_text("Dear customer, your parcel is on its way.\n")
    (tmp_path / "b_empty.txt").write_text("")
    (tmp_path / "c_broken.pdf").write_bytes(b"%PDF-1.4 nonsense")
    shutil.copy(FIXTURES / "letters" / "CM17-0017734.pdf", tmp_path / "d_good.pdf")
    sources = [*iter_sources([str(tmp_path)]), str(tmp_path / "e_missing.pdf")]
    serial = records(list(ingest(sources, SerialRunner())))
    assert records(list(ingest(sources, ProcessPool(2)))) == serial
    reasons = [reason for _, _, reason in serial]
    assert reasons[0] is not None
    assert reasons[0].startswith("not an IMR letter")
    assert reasons[1] == "empty file"
    assert reasons[2] is not None
    assert reasons[2].startswith("corrupt PDF")
    assert reasons[3] is None
    assert reasons[4] == "no such file"


def fixture_copy(tmp_path: Path, *odd: str) -> list[str]:
    """The 5 seed letters, with copies of the first named as ``odd`` in between."""
    seeds = sorted((FIXTURES / "seeds").glob("*.txt"))
    out: list[str] = []
    for i, seed in enumerate(seeds):
        out.append(str(shutil.copy(seed, tmp_path / seed.name)))
        if i < len(odd):
            out.append(str(shutil.copy(seeds[0], tmp_path / odd[i])))
    return out


def test_a_file_that_hangs_fails_after_the_time_limit_and_the_rest_go_on(tmp_path: Path) -> None:
    sources = fixture_copy(tmp_path, "hang.txt")
    pool = ProcessPool(2, time_limit=1.0, work=ingest_jobs.hang_or_crash)
    done = list(ingest(sources, pool))
    by_source = {d.source: d for d in done}
    hung = by_source[str(tmp_path / "hang.txt")]
    assert (hung.outcome, hung.reason) == ("failed", "took longer than the time limit (1 s)")
    assert not hung.lasting
    rest = [d for d in done if d is not hung]
    assert [(d.source, d.letter) for d in rest] == [
        (s, parse_path(Path(s))) for s in sources if s != hung.source
    ]
    assert pool.replaced == ["took longer than the time limit (1 s)"]


def test_a_worker_killed_mid_run_costs_only_its_file(tmp_path: Path) -> None:
    sources = fixture_copy(tmp_path, "crash1.txt", "crash2.txt")
    pool = ProcessPool(2, work=ingest_jobs.hang_or_crash)
    done = list(ingest(sources, pool))
    failed = {d.source: d.reason for d in done if d.outcome == "failed"}
    assert failed == {
        str(tmp_path / name): "worker process died (exit code -9)"
        for name in ("crash1.txt", "crash2.txt")
    }
    parsed = [(d.source, d.letter) for d in done if d.outcome == "parsed"]
    assert parsed == [(s, parse_path(Path(s))) for s in sources if s not in failed]
    assert len(pool.replaced) == 2


def seeds_around(tmp_path: Path, odd: str, at: int) -> list[str]:
    """The 5 seed letters with a copy of the first named ``odd`` at place ``at``."""
    seeds = [
        str(shutil.copy(s, tmp_path / s.name)) for s in sorted((FIXTURES / "seeds").glob("*.txt"))
    ]
    seeds.insert(at, str(shutil.copy(seeds[0], tmp_path / odd)))
    return seeds


@pytest.mark.parametrize("odd", ["hang.txt", "crash.txt"])
def test_a_bad_file_inside_a_batch_costs_that_file_only(tmp_path: Path, odd: str) -> None:
    # One worker gets batches of 1, 2, then 4 files: the 5th file is the second of the third
    # batch, with a file finished before it and one still to come.
    sources = seeds_around(tmp_path, odd, 4)
    pool = ProcessPool(1, time_limit=1.0, work=ingest_jobs.hang_or_crash, batch_size=8)
    done = list(ingest(sources, pool))
    assert [d.seq for d in done] == list(range(len(sources)))
    bad = done[4]
    assert bad.source == str(tmp_path / odd)
    reason = (
        "took longer than the time limit (1 s)"
        if odd == "hang.txt"
        else "worker process died (exit code -9)"
    )
    assert (bad.outcome, bad.reason) == ("failed", reason)
    rest = done[:4] + done[5:]
    assert [(d.outcome, d.source, d.letter) for d in rest] == [
        ("parsed", s, parse_path(Path(s))) for s in sources if s != bad.source
    ]
    assert pool.replaced == [reason]


@pytest.mark.parametrize("batch_size", [1, 3, 8])
def test_the_batch_size_changes_nothing_but_speed(
    batch_size: int, sources: list[str], expected: list[tuple[str, Letter | None, str | None]]
) -> None:
    done = list(ingest(sources, ProcessPool(2, batch_size=batch_size)))
    assert records(done) == expected


def test_resolved_sources_reach_the_writer_as_they_come() -> None:
    # A run over an index that already holds every file: all sources are resolved before any
    # worker sees them, and must not pile up in the pool until the last one is read.
    pulled = 0

    def items() -> Iterator[Task | Done]:
        nonlocal pulled
        for seq in range(10_000):
            pulled += 1
            yield Done(seq, f"letter-{seq}.pdf", "unchanged", "0" * 64)

    out = ProcessPool(1).run(items())
    assert next(out).seq == 0
    assert pulled <= 100
    assert [d.seq for d in out] == list(range(1, 10_000))
