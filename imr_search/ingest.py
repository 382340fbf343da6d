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

Runners: ``SerialRunner`` (in this process, no time limit), ``imr_search.workers.ProcessPool``
(``--jobs N``: worker processes, a per-file time limit, a crashed worker costs its file only)
and ``imr_search.cluster.DaskRunner`` (``--dask``: batches on a Dask distributed cluster).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO, Literal, Protocol

from imr_search.errors import ParseError
from imr_search.model import Letter
from imr_search.parse import (
    DEFAULT_LIMITS,
    MAX_BYTES,
    STDIN,
    ParseLimits,
    PdfExtractor,
    parse_data,
    read_bytes,
)

if TYPE_CHECKING:
    from imr_search.cache import RecordCache

Outcome = Literal["parsed", "cached", "unchanged", "failed"]


@dataclass(frozen=True, slots=True)
class Task:
    """One source for a runner. ``data`` is its bytes, or None when the worker reads the file
    itself (a cluster on shared storage)."""

    seq: int
    source: str
    data: bytes | None
    digest: str


@dataclass(frozen=True, slots=True)
class Done:
    """What became of one source. ``letter`` is set for parsed and cached sources, ``reason``
    for failed ones; ``digest`` is the sha256 of the bytes that were parsed. ``lasting`` is
    False for failures that say nothing about the file (a time limit, a lost worker), which
    are not cached."""

    seq: int
    source: str
    outcome: Outcome
    digest: str | None = None
    letter: Letter | None = None
    reason: str | None = None
    lasting: bool = True
    cached: bool = False


# A worker's job: the record of one source's bytes, or ParseError. Module-level functions
# only: a worker process or a cluster worker imports it by name.
Work = Callable[[str, bytes, PdfExtractor], Letter]


def parse_job(
    source: str, data: bytes, extractor: PdfExtractor, limits: ParseLimits = DEFAULT_LIMITS
) -> Letter:
    """The default job: extract the text and parse it (``limits``: see parse/limits.py; a
    runner binds them with functools.partial, which pickles for worker processes)."""
    return parse_data(source, data, extractor=extractor, limits=limits)


def run_task(task: Task, work: Work, extractor: PdfExtractor, max_bytes: int) -> Done:
    """Run one task where the worker is; never raises for a bad file."""
    try:
        data = task.data
        digest = task.digest
        if data is None:
            data = read_bytes(task.source, max_bytes=max_bytes)
            digest = content_hash(data)
        letter = work(task.source, data, extractor)
    except ParseError as e:
        return Done(
            task.seq, task.source, "failed", task.digest, reason=e.reason, lasting=e.lasting
        )
    return Done(task.seq, task.source, "parsed", digest, letter=letter)


def run_batch(tasks: list[Task], work: Work, extractor: PdfExtractor, max_bytes: int) -> list[Done]:
    """A batch of tasks where the worker is (a cluster gets batches, not single files: the
    per-task overhead of a scheduler is about that of parsing a letter)."""
    return [run_task(task, work, extractor, max_bytes) for task in tasks]


class Runner(Protocol):
    """Extracts and parses tasks, yielding a ``Done`` for each, in any order. A ``Done`` in
    ``items`` (a source already resolved) is passed through without waiting for any task."""

    @property
    def reads_files(self) -> bool:
        """True when the runner's workers read the files themselves: tasks carry no bytes
        (but standard input's, which no worker can read)."""
        ...

    def run(self, items: Iterable[Task | Done]) -> Iterator[Done]: ...


@dataclass(frozen=True, slots=True)
class SerialRunner:
    """In this process, one file after another (the library's default; no time limit)."""

    extractor: PdfExtractor = "pdfium"
    work: Work = parse_job
    max_bytes: int = MAX_BYTES
    reads_files: bool = False  # the bytes are read once, here, for the hash: pass them on

    def run(self, items: Iterable[Task | Done]) -> Iterator[Done]:
        for item in items:
            if isinstance(item, Done):
                yield item
            else:
                yield run_task(item, self.work, self.extractor, self.max_bytes)


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
        from imr_search.cluster import DaskRunner

        return DaskRunner(
            dask,
            workers=workers,
            time_limit=time_limit,
            extractor=extractor,
            max_bytes=max_bytes,
            work=work,
        )
    from imr_search.workers import ProcessPool

    return ProcessPool(
        workers, time_limit=time_limit, extractor=extractor, max_bytes=max_bytes, work=work
    )


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
