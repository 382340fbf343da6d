"""The fetch's bookkeeping at scale: a fetch of many letters from the stand-in of DWC at full
speed, and the state database's look-ups with the whole corpus's rows.

    python -m benchmarks.fetch_bookkeeping [--letters 20000] [--rows 1800000] [--out DIR]

1. ``--letters`` letters served by the stand-in (tests/dwc_standin.py) on 127.0.0.1, fetched
   with no rate limit by the library's Fetcher (listing both searches, windows split at 1,000
   results, each letter checked with PDFium, written, fsynced, renamed and recorded). The
   letters are the 20 real fixture PDFs under distinct case numbers (the bookkeeping, not the
   parser, is measured; no index). Time per letter is given for each tenth of the run: flat
   means nothing in the bookkeeping grows with the letters already held.
2. A state database filled with ``--rows`` cases, 1.7 treatments each, and a letter row each,
   then the look-ups a fetch makes (a letter held?, a case, its treatments, a window's cases,
   the latest decision, letters not yet indexed), each timed over random keys.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from dwc_standin import Case, Site, Treatment  # noqa: E402

from imr_search.fetch.client import Client  # noqa: E402
from imr_search.fetch.fetcher import Fetcher, LetterProgress  # noqa: E402
from imr_search.fetch.ledger import STATE_FILE, CaseRecord, State  # noqa: E402
from imr_search.fetch.ledger import Treatment as Row  # noqa: E402

CATEGORIES = [
    ("Pharmaceuticals", "Opioids"),
    ("Rehabilitation", "Physical Therapy/Occupational Therapy (PT/OT)"),
    ("Diagnostic Testing", "Imaging / Radiology"),
    ("DMEPOS", "DME"),
    ("Surgery", "Spine"),
]


def corpus(letters: int) -> list[Case]:
    pdfs = [p.read_bytes() for p in sorted((ROOT / "tests/fixtures/letters").glob("*.pdf"))]
    rng = random.Random(1)
    start = dt.date(2017, 1, 1)
    cases = []
    for n in range(letters):
        treatments = [
            Treatment(*rng.choice(CATEGORIES), rng.choice(("Uphold", "Overturn")))
            for _ in range(rng.choice((1, 1, 1, 2, 3)))
        ]
        day = start + dt.timedelta(days=n * 365 // letters)
        cases.append(
            Case(f"CM17-{n:07d}", pdfs[n % len(pdfs)], day, None, None, "Psychiatry", treatments)
        )
    return cases


def fetch_run(letters: int, out: Path) -> dict[str, object]:
    site = Site(corpus(letters))
    url = site.serve()
    stamps: list[float] = []

    def progress(p: LetterProgress) -> None:
        stamps.append(time.monotonic())

    start = time.monotonic()
    try:
        with Client(url, rate=1e9) as client, State(out / STATE_FILE) as state:
            fetcher = Fetcher(client, state, out, window_results=1000, progress=progress)
            report = fetcher.fetch_window(dt.date(2017, 1, 1), dt.date(2017, 12, 31))
    finally:
        site.close()
    took = time.monotonic() - start
    assert report.new == letters, report
    tenth = letters // 10
    per_tenth = []
    for k in range(10):
        a, b = stamps[k * tenth], stamps[min((k + 1) * tenth, letters) - 1]
        per_tenth.append((b - a) / max(tenth - 1, 1) * 1000)
    return {
        "letters": letters,
        "seconds": took,
        "pages": report.pages,
        "windows": report.windows,
        "ms_per_letter_by_tenth": [round(x, 2) for x in per_tenth],
        "ms_per_letter": took / letters * 1000,
    }


def fill_state(path: Path, rows: int) -> float:
    rng = random.Random(2)
    start = time.monotonic()
    first = dt.date(2013, 7, 1)
    with State(path) as state:
        batch = 50_000
        for low in range(0, rows, batch):
            cases = []
            treatments: dict[str, list[Row]] = {}
            for n in range(low, min(low + batch, rows)):
                number = f"CM{13 + n // 150_000:02d}-{n:07d}"
                day = first + dt.timedelta(days=n * 4900 // rows)
                cases.append(
                    CaseRecord(number, f"/d/{number}.pdf", "upheld", day, None, None, "Psychiatry")
                )
                treatments[number] = [
                    Row(*rng.choice(CATEGORIES), "upheld", "x")
                    for _ in range(rng.choice((1, 1, 1, 2, 3)))
                ]
            state.put_cases(cases, treatments)
            # the letter rows as put_letter writes them, already indexed, in one transaction
            state.db.execute("BEGIN")
            state.db.executemany(
                "INSERT INTO letters VALUES (?, ?, ?, 1, '2027-01-01T00:00:00+00:00', 1)",
                [
                    (c.case_number, f"{c.decided:%Y-%m}/{c.case_number}.pdf", "0" * 64)
                    for c in cases
                ],
            )
            state.db.execute("COMMIT")
    return time.monotonic() - start


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median milliseconds of one call."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def lookups(path: Path, rows: int) -> dict[str, float]:
    rng = random.Random(3)
    numbers = [f"CM{13 + n // 150_000:02d}-{n:07d}" for n in rng.sample(range(rows), 1000)]
    it = iter(numbers * 10)
    day = dt.date(2016, 3, 1)
    with State(path) as state:
        return {
            "letter held? (by case number)": timed(lambda: state.letter(next(it)), 2000),
            "case row": timed(lambda: state.case(next(it)), 2000),
            "treatments of a case": timed(lambda: state.treatments(next(it)), 2000),
            "cases of one day's window": timed(lambda: state.cases_between(day, day), 50),
            "letters held in a month": timed(
                lambda: state.held_between(day, day + dt.timedelta(days=30)), 20
            ),
            "latest decision (--since-last)": timed(state.latest_decided, 50),
            "letters not yet indexed": timed(state.unindexed, 50),
        }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--letters", type=int, default=20_000)
    ap.add_argument("--rows", type=int, default=1_800_000)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    work = args.out or Path(tempfile.mkdtemp(prefix="fetch-bench-"))
    print(f"{platform.node()}, {os.cpu_count()} cores, load {os.getloadavg()}", flush=True)
    try:
        if args.letters:
            print(fetch_run(args.letters, work / "fetch"), flush=True)
            print(f"load {os.getloadavg()}", flush=True)
        if args.rows:
            db = work / "state" / STATE_FILE
            print(f"filled {args.rows} cases in {fill_state(db, args.rows):.0f} s", flush=True)
            print(f"database {db.stat().st_size / 1e6:.0f} MB", flush=True)
            for name, ms in lookups(db, args.rows).items():
                print(f"{name}: {ms:.3f} ms", flush=True)
            print(f"load {os.getloadavg()}", flush=True)
    finally:
        if args.out is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
