"""``--jobs N``: extraction and parsing in N worker processes, a batch of files at a time each.

Not ``concurrent.futures.ProcessPoolExecutor``: it cannot stop one task, and one dead worker
breaks the whole pool. Here each worker has its own pipe and a shared progress slot that says
which file of its batch it is on and since when, so the pool knows every worker's file without
a message per file: a file that runs past the time limit gets its worker killed and replaced
and is reported as failed; a worker that dies (a crash in PDFium, the OOM killer, a ``kill``)
costs the file it was on. The other files of its batches, finished or not, go to another
worker: a bad file costs itself only, whatever batch it came in.

Why batches: the records come back one message per batch, and the workers read the files
themselves (the pool sends paths), so the parent wakes up once per batch instead of twice per
file. On two cores the parent shares them with the workers, and a wake-up per file cost it
about 0.4 ms of CPU a letter, 6% of parsing one (docs/benchmarks.md, "Ingest speed").

Workers start from a fork server that has imported the parser (cheap to fork, and safe in a
process that has threads, which a plain ``fork`` is not), and keep the heap a letter freed for
the next (imr_search/ingest/heap.py).
"""

from __future__ import annotations

import itertools
import multiprocessing
import queue
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from imr_search.ingest.heap import keep_freed_memory
from imr_search.ingest.tasks import Done, Task, Work, parse_job, run_task
from imr_search.parse import MAX_BYTES, PdfExtractor

# Two batches per worker: the next one is already in its pipe while the parent indexes the
# last one's records, so a worker never waits for the writer.
_DEPTH = 2
# Files a batch: 8 cuts the parent's wake-ups eightfold and leaves at most one short batch for
# one worker alone at the end of a run (docs/benchmarks.md, ingest speed). A new worker's
# batches grow 1, 2, 4, 8, so a run of a few files still spreads over every worker.
BATCH_SIZE = 8
# Resolved sources (unchanged, cached, unreadable) passed on at a time, at most.
_PASS_AT_ONCE = 64
# How often to look at a worker that holds a batch but has not started a file of it yet (it
# is starting, or between batches); a worker on a file is looked at when its limit is up.
_LOOK_AGAIN = 0.05


def _serve(
    conn: Connection, progress: Any, work: Work, extractor: PdfExtractor, max_bytes: int
) -> None:
    """A worker's loop: a batch in, its list of Done out, until told to stop (None) or the
    pipe closes. Before each file it writes when it started (``progress[1]``) and then how
    many files it has started in all (``progress[0]``), in that order, so the parent never
    sees a new count with an old time.

    A thread takes batches off the pipe as they come: standard input is shipped as bytes and
    may not fit the pipe's buffer, and the parent must never block sending to a worker stuck
    on a file.
    """
    inbox: queue.SimpleQueue[list[Task] | None] = queue.SimpleQueue()

    def receive() -> None:
        while True:
            try:
                batch = conn.recv()
            except (EOFError, OSError):
                batch = None
            inbox.put(batch)
            if batch is None:
                return

    keep_freed_memory()  # this process is imr-search's own: see imr_search/ingest/heap.py
    threading.Thread(target=receive, daemon=True).start()
    started = 0
    try:
        while (batch := inbox.get()) is not None:
            results = []
            for task in batch:
                progress[1] = time.monotonic()
                started += 1
                progress[0] = started
                results.append(run_task(task, work, extractor, max_bytes))
            conn.send(results)
    except (KeyboardInterrupt, BrokenPipeError):
        return


@dataclass(eq=False, slots=True)
class _Worker:
    process: BaseProcess
    conn: Connection
    progress: Any  # a shared array of two doubles: files started, when the last one started
    batches: deque[list[Task]] = field(default_factory=deque)  # sent, results not back yet
    finished: int = 0  # files whose results came back
    size: int = 1  # files in the next batch: doubles after each, up to the pool's batch_size

    def pending(self) -> list[Task]:
        return list(itertools.chain.from_iterable(self.batches))

    def on(self) -> tuple[int, float] | None:
        """The file this worker is on (its place in ``pending()``) and when it started it;
        None when it has not started a file of the batches it holds."""
        started = int(self.progress[0])
        since = float(self.progress[1])
        place = started - self.finished - 1
        return (place, since) if place >= 0 else None


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        # Every worker runs the program's main module again before it starts (multiprocessing
        # does so for spawn and forkserver alike); for `imr-search` that imports the CLI and
        # all it imports, and the first PDF imports PDFium's bindings: a noticeable start for
        # each worker. Imported once in the fork server, both come to each worker for free.
        # ("__main__" in this list is the documented way, but CPython 3.11 looks its path up
        # under a key that spawn never sets, so the fork server ignores it.)
        ctx.set_forkserver_preload(
            ["imr_search.ingest.workers", "imr_search.parse", "imr_search.cli", "pypdfium2"]
        )
        return ctx
    return multiprocessing.get_context("spawn")


@dataclass(slots=True)
class ProcessPool:
    """A ``Runner`` over ``jobs`` worker processes with a per-file ``time_limit`` (seconds).
    Its workers read the files themselves (``reads_files``): the pool sends them paths."""

    jobs: int
    time_limit: float = 60.0
    extractor: PdfExtractor = "pdfium"
    work: Work = parse_job
    max_bytes: int = MAX_BYTES
    batch_size: int = BATCH_SIZE
    # What happened to workers: "killed after the time limit", "died" (tests read these).
    replaced: list[str] = field(default_factory=list)
    reads_files: bool = True

    def _start(self, ctx: Any) -> _Worker:
        parent, child = ctx.Pipe()
        progress = ctx.RawArray("d", 2)
        process = ctx.Process(
            target=_serve,
            args=(child, progress, self.work, self.extractor, self.max_bytes),
            daemon=True,
            name="imr-search-worker",
        )
        process.start()
        child.close()
        return _Worker(process, parent, progress)

    def run(self, items: Iterable[Task | Done]) -> Iterator[Done]:
        ctx = _context()
        workers = [self._start(ctx) for _ in range(max(1, self.jobs))]
        retry: deque[Task] = deque()
        source = iter(items)
        exhausted = False
        passed: list[Done] = []  # resolved sources met while filling a batch

        def take(n: int) -> list[Task]:
            """Up to ``n`` tasks; fewer when the sources run out or resolved ones pile up,
            which must reach the writer as they come (a run over an index that already holds
            every file is all of them)."""
            nonlocal exhausted
            batch: list[Task] = []
            while len(batch) < n and len(passed) < _PASS_AT_ONCE:
                if retry:
                    batch.append(retry.popleft())
                    continue
                if exhausted:
                    break
                item = next(source, None)
                if item is None:
                    exhausted = True
                elif isinstance(item, Done):
                    passed.append(item)
                else:
                    batch.append(item)
            return batch

        try:
            while True:
                # Fill every worker's pipe up to _DEPTH batches, in turns, so that a short
                # run's first files go to different workers.
                for _ in range(_DEPTH):
                    for i, w in enumerate(workers):
                        if len(w.batches) >= _DEPTH or (exhausted and not retry):
                            continue
                        batch = take(w.size)
                        if not batch:
                            continue
                        w.batches.append(batch)
                        w.size = min(2 * w.size, self.batch_size)
                        try:
                            w.conn.send(batch)
                        except OSError:
                            # The worker is gone and never got this batch: another one will.
                            w.batches.pop()
                            retry.extendleft(reversed(batch))
                            if not w.batches:  # nothing of ours was on it: start a new one
                                self._stop(w)
                                workers[i] = self._start(ctx)
                yield from passed
                passed.clear()
                busy = [w for w in workers if w.batches]
                if not busy:
                    if exhausted and not retry:
                        return
                    continue
                now = time.monotonic()
                deadline = min(
                    now + _LOOK_AGAIN if (on := w.on()) is None else on[1] + self.time_limit
                    for w in busy
                )
                waitables: list[Any] = [w.conn for w in busy] + [w.process.sentinel for w in busy]
                ready = set(wait(waitables, timeout=max(0.0, deadline - now)))
                for i, w in enumerate(workers):
                    if not w.batches:
                        continue
                    if w.conn in ready:
                        try:
                            results: list[Done] = w.conn.recv()
                        except (EOFError, OSError):
                            pass  # died mid-send: handled as a death below
                        else:
                            w.batches.popleft()
                            w.finished += len(results)
                            yield from results
                            continue
                    if w.process.sentinel in ready or not w.process.is_alive():
                        w.process.join()
                        reason = f"worker process died (exit code {w.process.exitcode})"
                        yield self._replace(ctx, workers, i, reason, retry)
                    elif (on := w.on()) is not None and time.monotonic() - on[1] >= self.time_limit:
                        reason = f"took longer than the time limit ({self.time_limit:g} s)"
                        yield self._replace(ctx, workers, i, reason, retry)
        finally:
            for w in workers:
                self._stop(w)

    def _replace(
        self, ctx: Any, workers: list[_Worker], i: int, reason: str, retry: deque[Task]
    ) -> Done:
        """Fail the file worker ``i`` was on, requeue the other files of its batches (ahead of
        the files not yet sent), start a new worker."""
        w = workers[i]
        pending = w.pending()
        on = w.on()
        # A worker that died between files is charged with the next one it would have read.
        culprit = pending.pop(min(on[0], len(pending) - 1) if on else 0)
        retry.extendleft(reversed(pending))
        w.batches.clear()
        if w.process.is_alive():
            w.process.kill()
            w.process.join()
        w.conn.close()
        self.replaced.append(reason)
        workers[i] = self._start(ctx)
        return Done(
            culprit.seq, culprit.source, "failed", culprit.digest, reason=reason, lasting=False
        )

    @staticmethod
    def _stop(w: _Worker) -> None:
        try:
            if w.process.is_alive() and not w.batches:
                w.conn.send(None)
                w.process.join(timeout=1)
        except (OSError, ValueError):
            pass
        if w.process.is_alive():
            w.process.kill()
            w.process.join()
        w.conn.close()
