"""``--jobs N``: extraction and parsing in N worker processes, one file at a time each.

Not ``concurrent.futures.ProcessPoolExecutor``: it cannot stop one task, and one dead worker
breaks the whole pool. Here each worker has its own pipe, so the pool knows which file each
one holds: a file that runs past the time limit gets its worker killed and replaced and is
reported as failed; a worker that dies (a crash in PDFium, the OOM killer, a ``kill``) costs
the file it was on, and the file queued behind it goes to another worker.

Workers start from a fork server that has imported the parser (cheap to fork, and safe in a
process that has threads, which a plain ``fork`` is not).
"""

from __future__ import annotations

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

from imr_search.ingest import Done, Task, Work, parse_job, run_task
from imr_search.parse import MAX_BYTES, PdfExtractor

# Two tasks per worker: the next file is already in its pipe while the parent indexes the
# last record, so a worker never waits for the writer. The time limit counts from the moment
# a worker can start a file (when it sent the previous result), not from when it was queued.
_DEPTH = 2


def _serve(conn: Connection, work: Work, extractor: PdfExtractor, max_bytes: int) -> None:
    """A worker's loop: a task in, its Done out, until told to stop (None) or the pipe closes.

    A thread takes tasks off the pipe as they come: a large PDF does not fit the pipe's
    buffer, and the parent must never block sending the next file to a worker stuck on one.
    """
    inbox: queue.SimpleQueue[Task | None] = queue.SimpleQueue()

    def receive() -> None:
        while True:
            try:
                task = conn.recv()
            except (EOFError, OSError):
                task = None
            inbox.put(task)
            if task is None:
                return

    threading.Thread(target=receive, daemon=True).start()
    try:
        while (task := inbox.get()) is not None:
            conn.send(run_task(task, work, extractor, max_bytes))
    except (KeyboardInterrupt, BrokenPipeError):
        return


@dataclass(eq=False, slots=True)
class _Worker:
    process: BaseProcess
    conn: Connection
    queue: deque[Task] = field(default_factory=deque)
    started: float = 0.0  # when the head of the queue could start


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        # Every worker runs the program's main module again before it starts (multiprocessing
        # does so for spawn and forkserver alike); for `imr-search` that imports the CLI and
        # all it imports (~0.2-0.3 s a worker), and the first PDF imports PDFium's bindings
        # (~0.15 s). Imported once in the fork server, both come to each worker for free.
        # ("__main__" in this list is the documented way, but CPython 3.11 looks its path up
        # under a key that spawn never sets, so the fork server ignores it.)
        ctx.set_forkserver_preload(
            ["imr_search.workers", "imr_search.parse", "imr_search.cli", "pypdfium2"]
        )
        return ctx
    return multiprocessing.get_context("spawn")


@dataclass(slots=True)
class ProcessPool:
    """A ``Runner`` over ``jobs`` worker processes with a per-file ``time_limit`` (seconds)."""

    jobs: int
    time_limit: float = 60.0
    extractor: PdfExtractor = "pdfium"
    work: Work = parse_job
    max_bytes: int = MAX_BYTES
    # What happened to workers: "killed after the time limit", "died" (tests read these).
    replaced: list[str] = field(default_factory=list)

    def _start(self, ctx: Any) -> _Worker:
        parent, child = ctx.Pipe()
        process = ctx.Process(
            target=_serve,
            args=(child, self.work, self.extractor, self.max_bytes),
            daemon=True,
            name="imr-search-worker",
        )
        process.start()
        child.close()
        return _Worker(process, parent)

    def run(self, items: Iterable[Task | Done]) -> Iterator[Done]:
        ctx = _context()
        workers = [self._start(ctx) for _ in range(max(1, self.jobs))]
        retry: deque[Task] = deque()
        source = iter(items)
        exhausted = False
        try:
            while True:
                dead: list[_Worker] = []
                # Fill every worker's pipe up to _DEPTH, passing resolved sources straight on.
                for w in workers:
                    while len(w.queue) < _DEPTH and not (exhausted and not retry):
                        if retry:
                            task = retry.popleft()
                        else:
                            item = next(source, None)
                            if item is None:
                                exhausted = True
                                break
                            if isinstance(item, Done):
                                yield item
                                continue
                            task = item
                        if not w.queue:
                            w.started = time.monotonic()
                        w.queue.append(task)
                        try:
                            w.conn.send(task)
                        except OSError:
                            # The worker is gone and never got this file: another one will.
                            w.queue.pop()
                            retry.appendleft(task)
                            dead.append(w)
                            break
                for w in dead:
                    if not w.queue:  # nothing of ours was on it: just start a new one
                        self._stop(w)
                        workers[workers.index(w)] = self._start(ctx)
                busy = [w for w in workers if w.queue]
                if not busy:
                    if exhausted and not retry:
                        return
                    continue
                now = time.monotonic()
                deadline = min(w.started + self.time_limit for w in busy)
                waitables: list[Any] = [w.conn for w in busy] + [w.process.sentinel for w in busy]
                ready = set(wait(waitables, timeout=max(0.0, deadline - now)))
                for i, w in enumerate(workers):
                    if not w.queue:
                        continue
                    got = False
                    if w.conn in ready:
                        try:
                            done: Done = w.conn.recv()
                        except (EOFError, OSError):
                            pass  # died mid-send: handled as a death below
                        else:
                            got = True
                            w.queue.popleft()
                            w.started = time.monotonic()
                            yield done
                    if got:
                        continue
                    if w.process.sentinel in ready or not w.process.is_alive():
                        w.process.join()
                        reason = f"worker process died (exit code {w.process.exitcode})"
                        yield from self._replace(ctx, workers, i, reason, retry, lasting=False)
                    elif time.monotonic() - w.started >= self.time_limit:
                        reason = f"took longer than the time limit ({self.time_limit:g} s)"
                        yield from self._replace(ctx, workers, i, reason, retry, lasting=False)
        finally:
            for w in workers:
                self._stop(w)

    def _replace(
        self,
        ctx: Any,
        workers: list[_Worker],
        i: int,
        reason: str,
        retry: deque[Task],
        *,
        lasting: bool,
    ) -> Iterator[Done]:
        """Fail the file worker ``i`` was on, requeue the ones behind it, start a new worker."""
        w = workers[i]
        head = w.queue.popleft()
        retry.extend(w.queue)
        w.queue.clear()
        if w.process.is_alive():
            w.process.kill()
            w.process.join()
        w.conn.close()
        self.replaced.append(reason)
        workers[i] = self._start(ctx)
        yield Done(head.seq, head.source, "failed", head.digest, reason=reason, lasting=lasting)

    @staticmethod
    def _stop(w: _Worker) -> None:
        try:
            if w.process.is_alive() and not w.queue:
                w.conn.send(None)
                w.process.join(timeout=1)
        except (OSError, ValueError):
            pass
        if w.process.is_alive():
            w.process.kill()
            w.process.join()
        w.conn.close()
