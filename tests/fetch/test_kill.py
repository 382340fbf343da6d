"""``kill -9`` during a fetch of 200 letters, then a rerun: the same files and rows as a run
that was never interrupted, no letter downloaded whole twice (the stand-in counts), and the
index's categories DWC's."""

from __future__ import annotations

import csv
import io
import os
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from dwc_standin import Case, Faults, Site, fixture_cases, synth_cases

pytestmark = pytest.mark.slow


def _command(url: str, out: Path, *more: str) -> list[str]:
    return [
        str(Path(sys.executable).parent / "imr-search"),
        "fetch",
        "--decided-from",
        "2013-01-01",
        "--decided-to",
        "2024-12-31",
        "--rate",
        "500",
        "--base-url",
        url,
        "--out",
        str(out),
        *more,
    ]


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*.pdf"))}


def _rows(out: Path) -> dict[str, list[tuple[object, ...]]]:
    db = sqlite3.connect(out / "dwc.sqlite")
    try:
        return {
            "cases": db.execute("SELECT * FROM cases ORDER BY case_number").fetchall(),
            "treatments": db.execute("SELECT * FROM treatments ORDER BY 1, 2").fetchall(),
            "letters": db.execute(
                "SELECT case_number, path, sha256, bytes FROM letters ORDER BY 1"
            ).fetchall(),
        }
    finally:
        db.close()


@pytest.fixture(scope="module")
def letters() -> list[Case]:
    return fixture_cases() + synth_cases(180)


@pytest.fixture(scope="module")
def uninterrupted(letters: list[Case], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("uninterrupted")
    site = Site(letters)
    url = site.serve()
    try:
        done = subprocess.run(_command(url, out), capture_output=True, text=True, timeout=600)
    finally:
        site.close()
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.parametrize(
    "faults",
    [Faults(pause_on_pdf=120), Faults(pause_on_search=12)],
    ids=["killed-mid-letter", "killed-mid-listing"],
)
def test_a_rerun_after_kill_9_gives_the_same_files_and_rows(
    letters: list[Case], uninterrupted: Path, faults: Faults, tmp_path: Path
) -> None:
    assert len(letters) == 200
    site = Site(letters, faults)
    url = site.serve()
    out, index = tmp_path / "dwc", tmp_path / "ix"
    # Indexing as letters land is what a kill mid-letter interrupts; a listing needs no index.
    indexing = ["--index", str(index)] if faults.pause_on_pdf else []
    try:
        killed = subprocess.Popen(
            _command(url, out, *indexing),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert site.paused.wait(300), "the fetch never reached the point to kill it"
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait(60)
        site.release.set()
        before = sum(site.counts.pdf_whole.values())
        rerun = subprocess.run(
            _command(url, out, *indexing), capture_output=True, text=True, timeout=600
        )
    finally:
        site.close()
    assert rerun.returncode == 0, rerun.stderr
    assert _files(out) == _files(uninterrupted)
    assert len(_files(out)) == 200
    assert _rows(out) == _rows(uninterrupted)
    assert max(site.counts.pdf_whole.values()) == 1
    assert sum(site.counts.pdf_whole.values()) == 200
    if faults.pause_on_pdf:
        assert 0 < before < 200
    assert not list(out.rglob("*.part"))
    if not indexing:
        return
    stats = subprocess.run(
        [
            str(Path(sys.executable).parent / "imr-search"),
            "stats",
            "--by",
            "category",
            "--index",
            str(index),
            "--format",
            "csv",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    facet = Counter(
        {r["category"]: int(r["items"]) for r in csv.DictReader(io.StringIO(stats.stdout))}
    )
    assert facet == Counter(t.category for c in letters for t in c.treatments)
