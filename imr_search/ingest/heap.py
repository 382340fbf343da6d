"""The C heap of a process that parses letter after letter: keep what one letter freed for the
next, rather than hand it back to the kernel and fault it in again.

PDFium frees all of a document's memory when the document is closed. With glibc's defaults the
heap then gives its top back to the kernel as soon as more than 128 KiB of it is free
(``M_TRIM_THRESHOLD``), and every block of 128 KiB or more is mapped on its own and unmapped
when freed (``M_MMAP_THRESHOLD``, which rises by itself only until the first of those settings
is fixed). Then the next letter faults the same pages back in, each zeroed by the kernel:
a Dask worker (Dask starts them with the heap trimmed at 64 KiB) and a new process parsing
in-process fault hundreds of pages a letter, and keeping the heap removes nearly all of them
and most of the system time they cost. A ``--jobs`` worker faults little either way (something
in it keeps the top of the heap in use: not its batches, not its second thread); the setting
is made there too, so the speed does not rest on a layout nobody chose. Keeping it costs no
memory to speak of. The measurements: docs/benchmarks.md, "Ingest speed".

These settings belong to a whole process, so imr-search makes them only in processes it owns:
the workers of ``--jobs`` and of the cluster ``--dask local`` starts. A program that parses
many letters in its own process can call ``keep_freed_memory()`` itself (the ingest benchmark
does); the workers of another Dask cluster can be started with the same settings in their
environment (docs/scaling.md). Not glibc (musl, macOS): nothing to do.
"""

from __future__ import annotations

import ctypes
import os

# The most glibc takes for M_MMAP_THRESHOLD: 32 MiB on 64-bit systems (far more than a letter
# frees at once), 512 KiB on 32-bit ones. Past it, the top of the heap is trimmed as before.
KEEP_BYTES = 32 * 1024 * 1024 if ctypes.sizeof(ctypes.c_void_p) == 8 else 512 * 1024
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def is_glibc() -> bool:
    try:
        return os.confstr("CS_GNU_LIBC_VERSION") is not None
    except (ValueError, OSError, AttributeError):  # not Linux, or not glibc
        return False


def keep_freed_memory() -> bool:
    """Keep freed memory in this process's heap: its top is trimmed only once more than
    ``KEEP_BYTES`` of it is free, and only blocks of ``KEEP_BYTES`` and more are mapped on
    their own. True when glibc took both settings, False where there is no glibc to tell (an
    allocator put in its place with ``LD_PRELOAD`` ignores them)."""
    if not is_glibc():
        return False
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is None:
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    # mallopt returns 1 on success, 0 on a value it refuses.
    took = [mallopt(option, KEEP_BYTES) == 1 for option in (_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD)]
    return all(took)
