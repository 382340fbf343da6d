"""``--dask ADDRESS|local``: parse on a Dask distributed cluster, index here.

Batches of files (20 by default; one task per file spends as long in the scheduler as in the
parser) go to the workers, which read the files themselves (shared storage: every worker must
see the paths as given) and send the records back to the one writer. ``local`` starts a
``LocalCluster`` on this machine. Dask re-runs the tasks of a worker that dies; a batch that
still fails, or runs past its time limit, is reported file by file and the run goes on.

``distributed`` is an optional dependency (``pip install 'imr-search[cluster]'``); only this
module imports it, and only when a cluster is asked for.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from imr_search.errors import ConfigError
from imr_search.ingest.heap import keep_freed_memory
from imr_search.ingest.tasks import Done, Task, Work, parse_job, run_batch
from imr_search.parse import MAX_BYTES, PdfExtractor

INSTALL_HINT = "pip install 'imr-search[cluster]'"
BATCH_SIZE = 20


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise ConfigError(f"--dask needs the optional Dask dependency: {INSTALL_HINT}") from None
    return distributed


def local_cluster(workers: int, processes: bool = True) -> Any:
    """The ``LocalCluster`` of ``--dask local`` (a context manager): ``workers`` workers of one
    thread each (PDFium takes one call at a time in a process), in processes of their own
    unless ``processes`` is False; no fixed dashboard port."""
    return _distributed().LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=processes, dashboard_address=":0"
    )


@dataclass(slots=True)
class DaskRunner:
    """A ``Runner`` on a Dask cluster: ``address`` of a scheduler (``tcp://host:8786``), or
    ``local`` for a ``LocalCluster`` of ``workers`` single-threaded workers."""

    address: str
    workers: int = 2
    processes: bool = True
    batch_size: int = BATCH_SIZE
    time_limit: float = 60.0
    extractor: PdfExtractor = "pdfium"
    work: Work = parse_job
    max_bytes: int = MAX_BYTES
    reads_files: bool = True  # from shared storage: a batch of paths, not of bytes
    # The workers are imr-search's to tune (see _run_batch_on_own_worker): always so for
    # ``local``; a cluster at an address is someone else's unless its starter says so.
    own_workers: bool = False

    @contextlib.contextmanager
    def _client(self) -> Iterator[Any]:
        distributed = _distributed()
        with contextlib.ExitStack() as stack:
            if self.address == "local":
                target: Any = stack.enter_context(local_cluster(self.workers, self.processes))
            else:
                target = self.address
            try:
                client = stack.enter_context(distributed.Client(target, timeout=30))
            except (OSError, TimeoutError) as e:
                raise ConfigError(
                    f"cannot reach the Dask scheduler at {self.address}: {e}"
                ) from None
            yield client

    def run(self, items: Iterable[Task | Done]) -> Iterator[Done]:
        distributed = _distributed()
        with self._client() as client:
            threads = max(1, sum(client.nthreads().values()))
            # Two batches per worker thread: one running, one waiting, so no thread idles
            # while a result travels back.
            most = 2 * threads
            # A batch may wait behind one other before it starts: its limit covers both.
            allowed = 2 * self.time_limit * self.batch_size
            inflight: dict[Any, tuple[list[Task], float]] = {}

            # ``local`` with processes=False runs its workers as threads of this process, which
            # is the caller's, not imr-search's.
            own = self.own_workers or (self.address == "local" and self.processes)
            job = _run_batch_on_own_worker if own else run_batch

            def submit(batch: list[Task]) -> None:
                future = client.submit(
                    job, batch, self.work, self.extractor, self.max_bytes, pure=False
                )
                inflight[future] = (batch, time.monotonic())

            def collect() -> Iterator[Done]:
                deadline = min(t for _, t in inflight.values()) + allowed
                try:
                    finished = distributed.wait(
                        list(inflight),
                        timeout=max(0.01, deadline - time.monotonic()),
                        return_when="FIRST_COMPLETED",
                    ).done
                except TimeoutError:
                    finished = set()
                now = time.monotonic()
                for future in list(inflight):
                    batch, started = inflight[future]
                    if future in finished:
                        del inflight[future]
                        yield from self._results(future, batch)
                    elif now - started >= allowed:
                        del inflight[future]
                        future.cancel()
                        reason = f"the cluster took longer than {allowed:g} s for its batch"
                        yield from _failed(batch, reason)

            batch: list[Task] = []
            for item in items:
                if isinstance(item, Done):
                    yield item
                    continue
                batch.append(item)
                if len(batch) >= self.batch_size:
                    submit(batch)
                    batch = []
                    while len(inflight) >= most:
                        yield from collect()
            if batch:
                submit(batch)
            while inflight:
                yield from collect()

    @staticmethod
    def _results(future: Any, batch: list[Task]) -> Iterator[Done]:
        try:
            results: list[Done] = future.result()
        except Exception as e:  # KilledWorker, a worker that lost the files, ...
            yield from _failed(batch, f"cluster: {type(e).__name__}: {e}")
            return
        yield from results


def _run_batch_on_own_worker(
    tasks: list[Task], work: Work, extractor: PdfExtractor, max_bytes: int
) -> list[Done]:
    """``run_batch`` on a worker process of a cluster imr-search started (``local``, or one
    whose starter says so with ``own_workers``): that process is imr-search's own, so it keeps
    the heap a letter freed for the next (imr_search/heap.py; Dask starts workers with glibc
    trimming the heap at 64 KiB). Every batch sets it, two calls into libc for 20 letters, so a
    worker the nanny restarts has it too. A cluster at an address is someone else's: its
    workers are left as they are (docs/scaling.md says how to start them)."""
    keep_freed_memory()
    return run_batch(tasks, work, extractor, max_bytes)


def _failed(batch: list[Task], reason: str) -> Iterator[Done]:
    for task in batch:
        yield Done(task.seq, task.source, "failed", task.digest, reason=reason, lasting=False)
