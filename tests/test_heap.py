"""imr_search.heap: processes imr-search owns keep the heap a letter freed for the next one,
instead of faulting it in again (docs/benchmarks.md: 16-21% of the path), and only those."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from imr_search.heap import is_glibc
from imr_search.ingest import Done, ingest
from imr_search.parse import iter_sources
from imr_search.workers import ProcessPool

# isort: split
import ingest_jobs
from factories import LETTER_SOURCES

pytestmark = pytest.mark.skipif(not is_glibc(), reason="the settings are glibc's")

# 512 pages are used twice: most fault again when the heap gave them back, a handful if not.
GIVEN_BACK = 256
KEPT = 50


def refaults_in_a_new_process(*, keep: bool) -> int:
    code = (
        "import sys, ingest_jobs\n"
        "from imr_search.heap import keep_freed_memory\n"
        f"if {keep}: assert keep_freed_memory()\n"
        "print(ingest_jobs.heap_refaults())\n"
    )
    tests = str(Path(__file__).parent)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tests, capture_output=True, text=True, check=True
    )
    return int(out.stdout)


def test_a_process_that_keeps_freed_memory_does_not_fault_it_in_again() -> None:
    assert refaults_in_a_new_process(keep=False) >= GIVEN_BACK  # glibc's defaults
    assert refaults_in_a_new_process(keep=True) <= KEPT


def refaults(done: list[Done]) -> list[int]:
    assert {d.outcome for d in done} == {"failed"}
    return [int((d.reason or "").removeprefix("refaults ")) for d in done]


def test_the_pool_s_workers_keep_freed_memory() -> None:
    sources = list(iter_sources(LETTER_SOURCES))[:3]
    done = list(ingest(sources, ProcessPool(2, work=ingest_jobs.heap_probe)))
    assert all(n <= KEPT for n in refaults(done)), refaults(done)
