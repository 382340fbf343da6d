"""What a runner is given and gives back: a ``Task`` (one source), a ``Done`` (what became of
it), the job a worker runs, and the in-process ``SerialRunner``. The worker pool and the Dask
runner build on these; the pipeline (``imr_search.ingest.pipeline``) chooses a runner.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Literal, Protocol

from imr_search.errors import ParseError
from imr_search.model import Letter
from imr_search.parse import (
    DEFAULT_LIMITS,
    MAX_BYTES,
    ParseLimits,
    PdfExtractor,
    parse_data,
    read_bytes,
)

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


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
