"""benchmarks/fetch_bookkeeping.py on a small scale: the fetch lands every letter and the
state database's look-ups find what was filled."""

from __future__ import annotations

from pathlib import Path

from benchmarks import fetch_bookkeeping
from imr_search.fetch.ledger import STATE_FILE, State


def test_a_small_fetch_and_state(tmp_path: Path) -> None:
    run = fetch_bookkeeping.fetch_run(60, tmp_path / "fetch")
    assert run["letters"] == 60
    assert len(run["ms_per_letter_by_tenth"]) == 10  # type: ignore[arg-type]
    assert len(list((tmp_path / "fetch").glob("*/*.pdf"))) == 60
    db = tmp_path / "state" / STATE_FILE
    fetch_bookkeeping.fill_state(db, 2000)
    with State(db) as state:
        assert state.counts()[0] == 2000
        assert state.counts()[2] == 2000
        assert state.unindexed() == []
    times = fetch_bookkeeping.lookups(db, 2000)
    assert all(ms > 0 for ms in times.values())
