"""Ingest speed, PDF -> record: letters per second through the real runners.

    python -m benchmarks.ingest_speed [--copies 25] [--rounds 3] [--no-dask] [--docs FILE]

The corpus is the 20 published PDFs in tests/fixtures/letters, each listed ``copies`` times
(the same bytes under the same name: no cache is used, every copy is extracted and parsed).
Measured, each as the median of ``rounds``:

- one core, in this process: pypdf (the old extractor) and pypdfium2 (the new default),
  reading the file, extracting its text and parsing it;
- ``--jobs 1`` and ``--jobs 2``: the worker-process pool, including its start-up;
- ``--dask local``: a 2-worker ``LocalCluster`` (processes, one thread each) started once
  beforehand, batches of 20; its start-up time is reported on its own.

``--docs`` rewrites the section between the ``ingest-speed`` markers of that file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.docs import replace_section
from imr_search.ingest import SerialRunner, default_jobs, ingest
from imr_search.parse import PdfExtractor
from imr_search.workers import ProcessPool

ROOT = Path(__file__).resolve().parent.parent
LETTERS = sorted((ROOT / "tests" / "fixtures" / "letters").glob("*.pdf"))
CORPUS_LETTERS = 1_800_000
START, END = "<!-- ingest-speed:start -->", "<!-- ingest-speed:end -->"


CPU: dict[str, float] = {}


def timed(run: Callable[[], int], rounds: int, name: str = "") -> float:
    """Median letters/s of ``rounds`` runs; ``run`` returns how many letters it parsed. For a
    run in this process, also letters per CPU-second (``CPU[name]``): unlike the wall clock,
    it does not drop when other work shares the cores."""
    rates, cpu = [], []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        n = run()
        rates.append(n / (time.perf_counter() - start))
        cpu.append(n / max(time.process_time() - start_cpu, 1e-9))
    if name:
        CPU[name] = statistics.median(cpu)
    return statistics.median(rates)


def parsed(done: object) -> int:
    outcomes = [d.outcome for d in done]  # type: ignore[attr-defined]
    assert set(outcomes) == {"parsed"}, set(outcomes)
    return len(outcomes)


def serial(sources: list[str], extractor: PdfExtractor) -> Callable[[], int]:
    return lambda: parsed(list(ingest(sources, SerialRunner(extractor=extractor))))


def pool(sources: list[str], jobs: int) -> Callable[[], int]:
    return lambda: parsed(list(ingest(sources, ProcessPool(jobs))))


def measure(copies: int, rounds: int, dask: bool) -> tuple[dict[str, float], dict[str, str]]:
    sources = [str(p) for p in LETTERS] * copies
    rates: dict[str, float] = {}
    notes: dict[str, str] = {}
    # pypdf is ~12x slower: fewer copies keep the run short, the rate is per letter anyway.
    rates["pypdf"] = timed(serial(sources[: max(20, len(sources) // 10)], "pypdf"), rounds, "pypdf")
    rates["pdfium"] = timed(serial(sources, "pdfium"), rounds, "pdfium")
    rates["jobs1"] = timed(pool(sources, 1), rounds)
    rates["jobs2"] = timed(pool(sources, 2), rounds)
    if dask:
        import distributed

        from imr_search.cluster import DaskRunner

        start = time.perf_counter()
        with distributed.LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster:
            notes["dask_start_s"] = f"{time.perf_counter() - start:.1f}"
            runner = DaskRunner(cluster.scheduler_address)

            def on_cluster() -> int:
                return parsed(list(ingest(sources, runner)))

            on_cluster()  # warm: workers import the parser on their first batch
            rates["dask2"] = timed(on_cluster, rounds)
    notes["letters"] = str(len(sources))
    return rates, notes


def section(rates: dict[str, float], notes: dict[str, str], rounds: int) -> str:
    def cpu_hours(rate_per_core: float) -> str:
        return f"{CORPUS_LETTERS / rate_per_core / 3600:.1f}"

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    rows = [
        ("one core, pypdf (the old extractor)", rates["pypdf"], 1),
        ("one core, pypdfium2 (the new default)", rates["pdfium"], 1),
        ("`--jobs 1` (one worker process)", rates["jobs1"], 1),
        ("`--jobs 2`", rates["jobs2"], 2),
    ]
    if "dask2" in rates:
        rows.append(("`--dask local`, 2 workers", rates["dask2"], 2))
    lines = [
        START,
        "## Ingest speed: PDF -> record",
        "",
        f"One run of `python -m benchmarks.ingest_speed` on {dt.date.today().isoformat()}: "
        f"{notes['letters']} letters (the 20 fixture PDFs repeated), median of {rounds} rounds, "
        f"Python {platform.python_version()}, {default_jobs()} cores, load average "
        f"{load:.1f} at the end. Reading the file, extracting its text and parsing it; no "
        "index, no cache. CPU-hours for DWC's 1.8 million letters = 1.8M / (letters/s per "
        "core) / 3600.",
        "",
        "| how | letters/s | per core | speed-up on one core's pypdfium2 | CPU-hours, 1.8M |",
        "|---|---|---|---|---|",
    ]
    for name, rate, cores in rows:
        per_core = rate / cores
        lines.append(
            f"| {name} | {rate:.0f} | {per_core:.0f} | {rate / rates['pdfium']:.2f}x "
            f"| {cpu_hours(per_core)} |"
        )
    lines += [
        "",
        "Per CPU-second of this process (immune to other work on the box): pypdf "
        f"{CPU['pypdf']:.0f} letters, pypdfium2 {CPU['pdfium']:.0f}; that is "
        f"{cpu_hours(CPU['pypdf'])} and {cpu_hours(CPU['pdfium'])} CPU-hours for 1.8 million "
        "letters.",
        "",
    ]
    if "dask_start_s" in notes:
        lines.append(
            f"The 2-worker `LocalCluster` took {notes['dask_start_s']} s to start (not timed "
            "above; `--dask local` pays it once per run)."
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
    rates, notes = measure(args.copies, args.rounds, dask=not args.no_dask)
    text = section(rates, notes, args.rounds)
    print(text)
    if args.docs is not None:
        replace_section(args.docs, START, END, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
