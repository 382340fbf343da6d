"""The nightly costs of issue 27 over one tantivy index: the citator over every item, and the
saved searches after indexing one more day of letters, each with the mechanism on and off and
the answers checked equal.

    python -m benchmarks.nightly --letters 20000 --day 500 --alerts 10

The letters are the 25 fixture letters (``tests/fixtures/letters``, parsed once) copied under
new case numbers, so the citations, their labels and pairs are real letters' ones; the day's
letters are further copies. It measures:

- ``citator``: ``analysis.citator`` over the whole index from the citation pairs (two
  searches), cold (the first after a commit) and warm, against one search per row (an index
  made before the pairs); the rows and their answered counts must be equal;
- ``alerts``: ``AlertStore.record_run`` for ``--alerts`` saved searches after the day is
  indexed, reading only the day's letters, against every match of every search; the new items
  must be equal.

Run it with the machine alone for figures worth writing down (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from imr_search.analysis.alerts import AlertStore, SavedSearch
from imr_search.analysis.citator import Citator, citator
from imr_search.engines.registry import open_engine
from imr_search.engines.tantivy import TantivyEngine
from imr_search.ingest.indexer import index_records
from imr_search.model import Letter
from imr_search.parse import parse_path
from imr_search.search.request import SearchRequest
from imr_search.search.service import SearchService

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "letters"
ALERTS: tuple[tuple[str, str, dict[str, tuple[str, ...]]], ...] = (
    ("overturned", "", {"decision": ("overturned",)}),
    ("opioids", "opioids", {}),
    ("lumbar-mri", "mri lumbar", {}),
    ("pt", "physical therapy", {}),
    ("upheld-pharma", "", {"decision": ("upheld",), "category": ("pharmaceuticals",)}),
    ("norco", "norco", {}),
    ("injections", "injection", {}),
    ("acupuncture", "acupuncture", {}),
    ("no-improvement", "", {"reason": ("no-functional-improvement",)}),
    ("knee", "knee", {}),
)


def copies(originals: list[Letter], start: int, n: int) -> list[Letter]:
    """``n`` copies of ``originals`` under new case numbers from ``start`` on."""
    out = []
    for k in range(start, start + n):
        letter = originals[k % len(originals)]
        number = f"CM{20 + k // 10_000_000:02d}-{k % 10_000_000:07d}"
        out.append(replace(letter, id=number, case_number=number, source=f"{number}.pdf"))
    return out


def lines(letters: list[Letter]) -> list[str]:
    return [json.dumps(lt.to_dict()) for lt in letters]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def table(c: Citator) -> list[tuple[str, int, int, list[tuple[str, int]]]]:
    return [(r.citation, r.items, r.overturned, r.answered_most()) for r in c.rows]


def measure(index: Path, letters: int, day: int, alerts: int, rounds: int) -> dict[str, Any]:
    originals = [parse_path(p) for p in sorted(FIXTURES.iterdir()) if p.is_file()]
    engine = open_engine(index, engine="tantivy", create=True)
    assert isinstance(engine, SearchService)
    assert isinstance(engine.backend, TantivyEngine)
    backend = engine.backend
    out: dict[str, Any] = {"letters": letters, "day": day, "alerts": alerts}
    build, report = timed(
        lambda: index_records(engine, lines(copies(originals, 0, letters)), name="corpus")
    )
    out["items"], out["build_s"] = report.items, build

    # -- the citator --------------------------------------------------------------------
    cold, pairs = timed(lambda: citator(engine, SearchRequest()))
    warm = statistics.median(
        timed(lambda: citator(engine, SearchRequest()))[0] for _ in range(rounds)
    )
    backend.citation_pairs = False  # as an index made before the pairs
    try:
        rows, by_row = timed(lambda: citator(engine, SearchRequest()))
    finally:
        backend.citation_pairs = True
    out["citator"] = {
        "rows": len(pairs.rows),
        "pairs_cold_s": cold,
        "pairs_warm_s": warm,
        "row_by_row_s": rows,
        "equal": table(pairs) == table(by_row),
    }

    # -- saved searches after one more day ----------------------------------------------
    with tempfile.TemporaryDirectory() as tmp:
        db, full = Path(tmp) / "alerts.sqlite", Path(tmp) / "full.sqlite"
        with AlertStore(db) as store:
            for name, query, filters in ALERTS[:alerts]:
                store.add(engine, SavedSearch(name, query, filters))
        shutil.copy(db, full)
        took, report = timed(
            lambda: index_records(engine, lines(copies(originals, letters, day)), name="day")
        )
        out["day_index_s"] = took
        with AlertStore(db) as store:
            new_s, new = timed(lambda: store.record_run(engine, report.written))
        with AlertStore(full) as store:
            every_s, every = timed(lambda: store.record_run(engine, None))
        ids = {k: sorted(i.item_id for i in v) for k, v in new.new.items()}
        other = {k: sorted(i.item_id for i in v) for k, v in every.new.items()}
        out["differ"] = {
            k: sorted(set(other.get(k, [])) ^ set(ids[k])) for k in ids if ids[k] != other.get(k)
        }
        out["alerts_run"] = {
            "new_letters_s": new_s,
            "every_match_s": every_s,
            "new_items": sum(len(v) for v in ids.values()),
            "equal": ids == {k: sorted(i.item_id for i in v) for k, v in every.new.items()},
        }
    engine.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--letters", type=int, default=20_000)
    ap.add_argument("--day", type=int, default=500)
    ap.add_argument("--alerts", type=int, default=len(ALERTS))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--index", type=Path, help="where to build (default: a temporary folder)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        index = args.index or Path(tmp) / "index"
        out = measure(index, args.letters, args.day, args.alerts, args.rounds)
    print(json.dumps(out, indent=2))
    return 0 if out["citator"]["equal"] and out["alerts_run"]["equal"] else 1


if __name__ == "__main__":
    sys.exit(main())
