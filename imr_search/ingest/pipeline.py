"""Sources -> records, in input order, on as many cores (or cluster workers) as asked.

The flow for each source, all in the calling process except the middle step::

    read bytes + hash --> unchanged in the index? --> in the record cache? --> runner
                                                                               |
    outcomes in input order <-- reorder <----------- extract + parse (workers) <

The calling process reads every file (cheap next to extraction: a hash needs the bytes anyway,
and the incremental check and the cache are keyed by it); a *runner* extracts and parses what
is left, in any order and on any number of workers; the outcomes come back in the order the
sources were given, so the index and the output are the same for any number of workers.
Worker processes and cluster workers read the file again themselves (``Runner.reads_files``;
from the page cache, here) rather than receive its bytes through a pipe, and the record keeps
the hash of the bytes they parsed.

Runners: ``SerialRunner`` (in this process, no time limit),
``imr_search.ingest.workers.ProcessPool``
(``--jobs N``: worker processes, a per-file time limit, a crashed worker costs its file only)
and ``imr_search.ingest.cluster.DaskRunner`` (``--dask``: batches on a Dask distributed cluster).
"""

from __future__ import annotations

import functools
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, BinaryIO

from imr_search.errors import ParseError
from imr_search.ingest.tasks import Done, Outcome, Runner, Task, Work, content_hash, parse_job
from imr_search.model import Letter
from imr_search.parse import (
    DEFAULT_LIMITS,
    MAX_BYTES,
    STDIN,
    ParseLimits,
    PdfExtractor,
    read_bytes,
)

if TYPE_CHECKING:
    from imr_search.ingest.cache import RecordCache


def default_jobs() -> int:
    """The cores this process may run on (a container's CPU set, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def make_runner(
    *,
    jobs: int | None = None,
    time_limit: float = 60.0,
    dask: str | None = None,
    extractor: PdfExtractor = "pdfium",
    max_bytes: int = MAX_BYTES,
    limits: ParseLimits = DEFAULT_LIMITS,
) -> Runner:
    """The runner the command line asked for: worker processes (``jobs``, default every
    core) or a Dask cluster (``dask``: a scheduler address or ``local``). Every file is
    parsed within ``time_limit`` seconds and ``limits``, whatever ``jobs`` is (one job is one
    worker process, so a stuck file can still be stopped)."""
    workers = jobs or default_jobs()
    work: Work = functools.partial(parse_job, limits=limits)
    if dask is not None:
        from imr_search.ingest.cluster import DaskRunner

        return DaskRunner(
            dask,
            workers=workers,
            time_limit=time_limit,
            extractor=extractor,
            max_bytes=max_bytes,
            work=work,
        )
    from imr_search.ingest.workers import ProcessPool

    return ProcessPool(
        workers, time_limit=time_limit, extractor=extractor, max_bytes=max_bytes, work=work
    )


def ingest(
    sources: Sequence[str],
    runner: Runner,
    *,
    known: Mapping[str, str] | None = None,
    cache: RecordCache | None = None,
    stdin: BinaryIO | None = None,
    max_bytes: int = MAX_BYTES,
) -> Iterator[Done]:
    """A ``Done`` for each of ``sources``, in their order.

    ``known`` maps a source to the content hash the index holds for it: a source whose bytes
    still have that hash is ``unchanged`` and not parsed. ``cache`` supplies and keeps records
    by content hash. Tasks carry the bytes read here unless the runner's workers read the
    files themselves (``Runner.reads_files``).
    """

    def items() -> Iterator[Task | Done]:
        for seq, source in enumerate(sources):
            try:
                data = read_bytes(source, stdin=stdin, max_bytes=max_bytes)
            except ParseError as e:
                yield Done(seq, source, "failed", reason=e.reason, lasting=False)
                continue
            digest = content_hash(data)
            if known is not None and known.get(source) == digest:
                yield Done(seq, source, "unchanged", digest)
                continue
            hit = cache.get(digest, source) if cache is not None else None
            if hit is not None:
                outcome: Outcome = "cached" if hit.letter is not None else "failed"
                yield Done(seq, source, outcome, digest, hit.letter, hit.reason, cached=True)
                continue
            shipped = None if runner.reads_files and source != STDIN else data
            yield Task(seq, source, shipped, digest)

    ready: dict[int, Done] = {}
    next_seq = 0
    for done in runner.run(items()):
        ready[done.seq] = done
        while next_seq in ready:
            out = ready.pop(next_seq)
            if cache is not None and out.digest is not None and not out.cached:
                if out.letter is not None:
                    cache.put(out.digest, out.source, out.letter)
                elif out.outcome == "failed" and out.lasting:
                    cache.put_failure(out.digest, out.source, out.reason or "")
            yield out
            next_seq += 1
    if ready or next_seq != len(sources):
        # A runner that drops a task is a bug, not a bad file: say so rather than lose it.
        missing = sorted(set(range(next_seq, len(sources))) - set(ready))
        raise RuntimeError(f"runner lost {len(missing)} sources, first {sources[missing[0]]}")


_ITEM_PREFIX = re.compile(r"^item \d+: ")


def warning_kind(warning: str) -> str:
    """A parser warning without its particulars: ``item 2: no DWC category for 'Xyz'`` ->
    ``no DWC category``, ``header date not found: decision_date`` -> ``header date not
    found``."""
    kind = _ITEM_PREFIX.sub("", warning)
    kind = kind.split(":", 1)[0]
    return re.sub(r" for '.*$| for \".*$", "", kind).strip()


def warning_counts(letters: Iterable[Letter]) -> Counter[str]:
    return Counter(warning_kind(w) for letter in letters for w in letter.warnings)
