"""Worker jobs for the ingest tests: the real parser, except on files named for a failure.

Module-level functions, so worker processes and cluster workers can import them by name.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import time
from pathlib import PurePath

from imr_search.errors import ParseError
from imr_search.ingest.tasks import Done, parse_job
from imr_search.model import Letter
from imr_search.parse import PdfExtractor


def hang_or_crash(source: str, data: bytes, extractor: PdfExtractor) -> Letter:
    """``*hang*`` files never finish; on ``*crash*`` files the worker process dies at once
    (SIGKILL: what the OOM killer or a crash in PDFium looks like from outside)."""
    name = PurePath(source).name
    if "hang" in name:
        time.sleep(3600)
    if "crash" in name:
        os.kill(os.getpid(), signal.SIGKILL)
    return parse_job(source, data, extractor)


def slow(source: str, data: bytes, extractor: PdfExtractor) -> Letter:
    """The real parser, a tenth of a second slower per file (so a run lasts long enough to
    kill a worker in the middle of it)."""
    time.sleep(0.1)
    return parse_job(source, data, extractor)


def heap_refaults(used: int = 2 * 1024 * 1024, block: int = 4096) -> float:
    """The share of the pages of ``used`` bytes of heap that this process faults in again when
    it uses them a second time, after freeing them: most when glibc hands freed heap back to
    the kernel (its defaults), ~none when the heap keeps it (imr_search/heap.py). The same
    pattern as a letter's: many small blocks, all freed."""
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = (ctypes.c_size_t,)
    libc.free.argtypes = (ctypes.c_void_p,)

    def use_and_free() -> None:
        taken = [libc.malloc(block) for _ in range(used // block)]
        for b in taken:
            ctypes.memset(b, 1, block)
        for b in reversed(taken):
            libc.free(b)

    use_and_free()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    use_and_free()
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    return faults / (used // resource.getpagesize())


def heap_probe(source: str, data: bytes, extractor: PdfExtractor) -> Letter:
    """Fails every file with the worker's ``heap_refaults()`` as the reason."""
    raise ParseError(source, f"refaults {heap_refaults():.3f}")


def refaults(done: list[Done]) -> list[float]:
    """The ``heap_refaults()`` of the workers that ran ``heap_probe``."""
    assert {d.outcome for d in done} == {"failed"}
    return [float((d.reason or "").removeprefix("refaults ")) for d in done]
