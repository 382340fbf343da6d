"""Ingest speed, PDF -> record: letters per second through the real runners.

    python -m benchmarks.ingest_speed [--copies 25] [--rounds 3] [--no-dask] [--docs FILE]

The corpus is the 20 published PDFs in tests/fixtures/letters, each listed ``copies`` times
(the same bytes under the same name: no cache is used, every copy is extracted and parsed).
Each round runs every way below back to back, and a speed-up is the median of the rounds'
ratios, so it compares runs of the same minute (on a shared box the speed of a core drifts by
a third within an hour); a rate is the median of the rounds:

- one core, in this process: pypdf (the old extractor) and pypdfium2 (the new default),
  reading the file, extracting its text and parsing it;
- ``--jobs 1`` and ``--jobs 2``: the worker-process pool, including its start-up;
- two processes side by side, each parsing every letter in-process: the ceiling of two cores
  on this box, with no pool at all;
- one core in a process of its own, with and without keeping the heap a letter freed for the
  next (imr_search/ingest/heap.py; this process and the pool's workers keep it);
- ``--dask local``: a 2-worker ``LocalCluster`` (processes, one thread each) started for each
  round's Dask run only, batches of 20; its start-up time is reported on its own.

``--docs`` rewrites the section between the ``ingest-speed`` markers of that file.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import multiprocessing
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.docs import replace_section
from imr_search.ingest.heap import keep_freed_memory
from imr_search.ingest.pipeline import default_jobs, ingest
from imr_search.ingest.tasks import Done, Runner, SerialRunner
from imr_search.ingest.workers import ProcessPool
from imr_search.parse import PdfExtractor

ROOT = Path(__file__).resolve().parent.parent
LETTERS = sorted((ROOT / "tests" / "fixtures" / "letters").glob("*.pdf"))
CORPUS_LETTERS = 1_800_000
START, END = "<!-- ingest-speed:start -->", "<!-- ingest-speed:end -->"
FORKSERVER = multiprocessing.get_context("forkserver")


def parsed(done: Iterable[Done]) -> int:
    """How many sources were parsed, every one of them, counted as they come: the records are
    not kept (the way the indexer and `imr-search parse` take them)."""
    n = 0
    for d in done:
        assert d.outcome == "parsed", (d.source, d.outcome, d.reason)
        n += 1
    return n


def count_serial(sources: list[str], extractor: PdfExtractor = "pdfium") -> int:
    """Every source parsed in this process (module-level: the pair's processes run it too)."""
    return parsed(ingest(sources, SerialRunner(extractor=extractor)))


# A way to parse: entering it prepares what is not timed (starting processes), and gives the
# run to time.
Way = Callable[[], contextlib.AbstractContextManager[Callable[[], int]]]


def ready(run: Callable[[], int]) -> Way:
    return lambda: contextlib.nullcontext(run)


def serial(sources: list[str], extractor: PdfExtractor) -> Way:
    return ready(functools.partial(count_serial, sources, extractor))


def pool(sources: list[str], jobs: int) -> Way:
    return ready(lambda: parsed(ingest(sources, ProcessPool(jobs))))


@contextlib.contextmanager
def new_processes(n: int, *, keep_heap: bool) -> Iterator[ProcessPoolExecutor]:
    """``n`` new processes from the fork server (with what it preloads, as workers start),
    started before they are timed: new for every run, as `--jobs` starts new workers for every
    run (a process's heap settles by chance after ~1,500 letters: imr_search/ingest/heap.py).
    They keep their heap as imr-search's workers do, or (``keep_heap=False``) have glibc's
    default."""
    with ProcessPoolExecutor(
        n, FORKSERVER, initializer=keep_freed_memory if keep_heap else None
    ) as executor:
        started: set[int] = set()
        while len(started) < n:
            started |= {f.result() for f in [executor.submit(os.getpid) for _ in range(n)]}
        yield executor


def in_new_processes(sources: list[str], n: int, *, keep_heap: bool = True) -> Way:
    """``n`` new processes each parsing all of ``sources`` in-process at the same time, with
    no pool between them. One: one core in a process started like a worker, not in this one.
    Two: what two cores of this box give two independent jobs, the ceiling of any
    ``--jobs 2``. (Hosts often place a VM's two vCPUs on one physical core's two hardware
    threads, or let other VMs share them.)"""

    @contextlib.contextmanager
    def way() -> Iterator[Callable[[], int]]:
        with new_processes(n, keep_heap=keep_heap) as executor:

            def run() -> int:
                futures = [executor.submit(count_serial, sources) for _ in range(n)]
                return sum(f.result() for f in futures)

            yield run

    return way


@dataclass
class Rates:
    """Letters/s of each way, every round; letters per CPU-second of this process for the ways
    that run in it (unlike the wall clock, that does not count time the scheduler gives other
    processes; it still drops when another tenant of the host slows the CPU)."""

    wall: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)

    def time(self, name: str, run: Callable[[], int]) -> None:
        start, start_cpu = time.perf_counter(), time.process_time()
        n = run()
        self.wall.setdefault(name, []).append(n / (time.perf_counter() - start))
        self.cpu.setdefault(name, []).append(n / max(time.process_time() - start_cpu, 1e-9))

    def median(self, name: str) -> float:
        return statistics.median(self.wall[name])

    def ratio(self, name: str, base: str = "pdfium") -> float:
        """The median of the round-by-round ratios: each round runs every way back to back,
        so a ratio compares two runs of the same minute on this (shared, drifting) box."""
        return statistics.median(
            a / b for a, b in zip(self.wall[name], self.wall[base], strict=True)
        )


@contextlib.contextmanager
def dask_local(starts: list[float]) -> Iterator[Runner]:
    """A 2-worker ``LocalCluster`` (processes, one thread each), its workers warmed with one
    batch; how long it took to start is appended to ``starts``. Started for its own rounds
    only: an idle cluster is not idle (its scheduler runs in this process, next to the
    pool's dispatcher, and its nannies and workers wake up several times a second), and
    left running it cost ``--jobs 2`` 15% here (1.56x against 1.83x)."""
    from imr_search.ingest.cluster import DaskRunner, local_cluster

    start = time.perf_counter()
    with local_cluster(2) as cluster:
        starts.append(time.perf_counter() - start)
        # The cluster `--dask local` starts, started here to leave its start-up untimed: its
        # workers are ours to tune, as those of `--dask local` are.
        runner = DaskRunner(cluster.scheduler_address, own_workers=True)
        parsed(ingest([str(p) for p in LETTERS], runner))
        yield runner


def measure(copies: int, rounds: int, dask: bool) -> tuple[Rates, dict[str, str]]:
    sources = [str(p) for p in LETTERS] * copies
    # pypdf is ~10x slower: fewer copies keep the run short, the rate is per letter anyway.
    few = sources[: max(20, len(sources) // 10)]
    notes: dict[str, str] = {"letters": str(len(sources))}
    starts: list[float] = []
    rates = Rates()
    ways: list[tuple[str, Way]] = [
        ("pypdf", serial(few, "pypdf")),
        ("pdfium", serial(sources, "pdfium")),
        ("jobs1", pool(sources, 1)),
        ("jobs2", pool(sources, 2)),
        ("alone", in_new_processes(sources, 1)),
        ("untuned", in_new_processes(sources, 1, keep_heap=False)),
        ("pair", in_new_processes(sources, 2)),
    ]
    # Warm: the fork server starts, and imports the parser, on first use.
    with ways[2][1]() as run:
        run()
    for _ in range(rounds):
        for name, way in ways:
            with way() as run:
                rates.time(name, run)
        if dask:
            with dask_local(starts) as runner:
                rates.time("dask2", lambda: parsed(ingest(sources, runner)))
    if starts:
        notes["dask_start_s"] = f"{statistics.median(starts):.1f}"
    return rates, notes


def section(rates: Rates, notes: dict[str, str], rounds: int) -> str:
    def cpu_hours(rate_per_core: float) -> str:
        return f"{CORPUS_LETTERS / rate_per_core / 3600:.1f}"

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    rows = [
        ("one core, pypdf (the old extractor)", "pypdf", 1),
        ("one core, pypdfium2 (the new default)", "pdfium", 1),
        ("`--jobs 1` (one worker process)", "jobs1", 1),
        ("`--jobs 2`", "jobs2", 2),
        ("one core, pypdfium2, in a process of its own", "alone", 1),
        ("the same, with glibc's default heap (imr_search/ingest/heap.py)", "untuned", 1),
        ("two in-process runs side by side (the box's ceiling for two cores)", "pair", 2),
    ]
    if "dask2" in rates.wall:
        rows.append(("`--dask local`, 2 workers", "dask2", 2))
    lines = [
        START,
        "## Ingest speed: PDF -> record",
        "",
        f"One run of `python -m benchmarks.ingest_speed` on {dt.date.today().isoformat()}: "
        f"{notes['letters']} letters (the 20 fixture PDFs repeated), {rounds} rounds of every "
        "way in turn (letters/s: the median round; speed-up: the median of the rounds' "
        "ratios), "
        f"Python {platform.python_version()}, {default_jobs()} cores, load average "
        f"{load:.1f} at the end. Reading the file, extracting its text and parsing it; no "
        "index, no cache. CPU-hours for DWC's 1.8 million letters = 1.8M / (letters/s per "
        "core) / 3600.",
        "",
        "| how | letters/s | per core | speed-up on one core's pypdfium2 | CPU-hours, 1.8M |",
        "|---|---|---|---|---|",
    ]
    for label, name, cores in rows:
        per_core = rates.median(name) / cores
        lines.append(
            f"| {label} | {rates.median(name):.0f} | {per_core:.0f} | {rates.ratio(name):.2f}x "
            f"| {cpu_hours(per_core)} |"
        )
    cpu = {name: statistics.median(rates.cpu[name]) for name in ("pypdf", "pdfium")}
    lines += [
        "",
        "Per CPU-second of this process (it does not count time other work takes on the box, "
        "though another tenant slows the CPU itself too): pypdf "
        f"{cpu['pypdf']:.0f} letters, pypdfium2 {cpu['pdfium']:.0f}; that is "
        f"{cpu_hours(cpu['pypdf'])} and {cpu_hours(cpu['pdfium'])} CPU-hours for 1.8 million "
        "letters.",
        "",
    ]
    if "dask_start_s" in notes:
        lines.append(
            f"The 2-worker `LocalCluster` took {notes['dask_start_s']} s to start (the median "
            "round; not timed above: `--dask local` pays it once per run)."
        )
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--copies", type=int, default=25)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--docs", type=Path, default=None)
    args = ap.parse_args(argv)
    # This program parses letter after letter in its own process, as imr-search's workers do:
    # it keeps its heap as they do (the processes of the pool and the pair as well; only the
    # "glibc's default heap" row runs without).
    keep_freed_memory()
    rates, notes = measure(args.copies, args.rounds, dask=not args.no_dask)
    for name, per_round in rates.wall.items():  # the rounds themselves, to see the drift
        print(f"{name:>7}: " + " ".join(f"{r:.0f}" for r in per_round), file=sys.stderr)
    text = section(rates, notes, args.rounds)
    print(text)
    if args.docs is not None:
        replace_section(args.docs, START, END, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
