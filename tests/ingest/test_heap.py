"""imr_search.ingest.heap: the processes imr-search owns keep the heap a letter freed for the next
one, instead of faulting it in again (in a Dask worker, 254 faults a letter otherwise); the
setting is glibc's, and it is in effect in the --jobs workers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from imr_search.ingest.heap import is_glibc
from imr_search.ingest.pipeline import ingest
from imr_search.ingest.workers import ProcessPool
from imr_search.parse import iter_sources

# isort: split
import ingest_jobs
from factories import LETTER_SOURCES

pytestmark = pytest.mark.skipif(not is_glibc(), reason="the settings are glibc's")

# Shares of the pages used a second time that fault in again (ingest_jobs.heap_refaults):
# nearly all when the heap gave them back (0.75-0.95 seen here), none or one when it kept them.
GIVEN_BACK = 0.5
KEPT = 0.1
# What would change glibc's heap in a child: the settings themselves, another allocator. (A
# LocalCluster started earlier in this process leaves MALLOC_TRIM_THRESHOLD_ in os.environ.)
_HEAP_ENVIRON = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "GLIBC_TUNABLES", "LD_PRELOAD")


def refaults_in_a_new_process(*, keep: bool) -> float:
    code = (
        "import ingest_jobs\n"
        "from imr_search.ingest.heap import keep_freed_memory\n"
        f"if {keep}: assert keep_freed_memory()\n"
        "print(ingest_jobs.heap_refaults())\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in _HEAP_ENVIRON}
    tests = str(Path(__file__).parent.parent)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tests, env=env, capture_output=True, text=True, check=True
    )
    return float(out.stdout)


def test_a_process_that_keeps_freed_memory_does_not_fault_it_in_again() -> None:
    assert refaults_in_a_new_process(keep=False) >= GIVEN_BACK  # glibc's defaults
    assert refaults_in_a_new_process(keep=True) <= KEPT


def test_the_pool_s_workers_keep_freed_memory() -> None:
    sources = list(iter_sources(LETTER_SOURCES))[:3]
    done = list(ingest(sources, ProcessPool(2, work=ingest_jobs.heap_probe)))
    assert all(n <= KEPT for n in ingest_jobs.refaults(done)), ingest_jobs.refaults(done)
