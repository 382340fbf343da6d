"""Issue 27's mechanisms, each on and off over one tantivy index, with the exactness checks.

    python -m benchmarks.mechanisms --index benchmarks/out/index-imr-tantivy-1800000 --rounds 5
    python -m benchmarks.mechanisms --index DIR --json out.json

For the fixed query mix (``benchmarks/queries.py``, as imr-search requests) it times, per
query, the median of ``--rounds`` runs with the mechanism on and with it off, engines' caches
warm (the first run of each is left out), and reports p50/p95 over the mix, over its phrase
queries, its facet queries and its letter-grouped queries:

- ``pairs``: phrases of frequent words from pair terms, against the positional phrase;
- ``facets``: the terms walk past ``ENUM_SHARE`` and the per-commit counts of filter-only
  requests, against one aggregation over the matches each time;
- ``letters``: letter pages from the letter-key aggregation, against every hit's letter;
- ``cache``: the response cache's hit, against a miss.

Every answer with the mechanism on is checked against the answer with it off: the total, the
facet counts and the number of letters must be equal, and the items matched too (the page's;
for phrases every item up to ``LISTED_ITEMS`` matches, since pair terms rank a phrase's
matches by their own scores). A difference is printed and makes the exit code 1. The
server's throughput with the cache on and off is ``benchmarks.run``'s (``--stream random
--cache-size N``); this module runs in one process and needs the machine alone for figures
worth writing down.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.queries import BenchQuery, query_mix, to_whoosh
from imr_search.engines.registry import open_engine
from imr_search.engines.tantivy import TantivyEngine
from imr_search.engines.tantivy import engine as engine_module
from imr_search.search.request import SearchRequest
from imr_search.search.results import SearchResult
from imr_search.search.service import SearchService

Switch = Callable[[bool], Any]
# Phrase answers are compared item by item up to this many matches (as ``benchmarks.phrases``
# does); past it, by their totals and facet counts: reading every stored record of a phrase in
# most of 2.9 million items would measure the reading, for hours.
LISTED_ITEMS = 20_000


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[max(0, min(len(s) - 1, round(p / 100 * len(s) + 0.5) - 1))] if s else float("nan")


@contextmanager
def switched(service: SearchService, mechanism: str, on: bool) -> Iterator[None]:
    """``mechanism`` on or off for the block (the process's own engine objects only)."""
    backend = service.backend
    assert isinstance(backend, TantivyEngine)
    saved: list[tuple[Any, str, Any]] = []

    def put(obj: Any, name: str, value: Any) -> None:
        saved.append((obj, name, getattr(obj, name)))
        setattr(obj, name, value)

    if not on:
        if mechanism == "pairs":
            put(backend, "pairs", None)
        elif mechanism == "facets":
            put(engine_module, "ENUM_SHARE", 1.0)
            put(engine_module, "COMPLEMENT_SHARE", 1.0)
        elif mechanism == "letters":
            put(backend, "letter_aggregation", False)
    try:
        yield
    finally:
        for obj, name, value in reversed(saved):
            setattr(obj, name, value)


def fresh_view(service: SearchService) -> None:
    """Forget what the engine keeps per commit (as a new commit would), so a facet count is
    counted, not recalled."""
    backend = service.backend
    assert isinstance(backend, TantivyEngine)
    backend._current = None


def summary(result: SearchResult) -> dict[str, Any]:
    return {
        "total": result.total,
        "facets": {k: sorted((f.value, f.count) for f in v) for k, v in result.facets.items()},
        "items": sorted(h.item_id for h in result.hits),
        "letters": sorted(g.letter_id for g in result.groups),
    }


MECHANISMS = ("pairs", "facets", "letters", "cache")


def run(index: Path, rounds: int, only: tuple[str, ...] = MECHANISMS) -> dict[str, Any]:
    mix = query_mix()
    requests = [to_whoosh(q) for q in mix]
    out: dict[str, Any] = {"index": str(index), "rounds": rounds, "mechanisms": {}}
    problems: list[str] = []
    with open_engine(index) as opened:
        assert isinstance(opened, SearchService)
        service = opened
        for mechanism in [m for m in MECHANISMS if m in only and m != "cache"]:
            chosen = [(q, r) for q, r in zip(mix, requests, strict=True) if _applies(mechanism, q)]
            times: dict[str, list[float]] = {"on": [], "off": []}
            cpu: dict[str, list[float]] = {"on": [], "off": []}
            for q, request in chosen:
                answers = {}
                for state in ("on", "off"):
                    with switched(service, mechanism, state == "on"):
                        runs, cpu_runs = [], []
                        for _ in range(rounds + 1):
                            fresh_view(service)
                            start, cpu_start = time.perf_counter(), time.process_time()
                            result = service.search(request)
                            runs.append(time.perf_counter() - start)
                            cpu_runs.append(time.process_time() - cpu_start)
                        answers[state] = summary(result)
                        if mechanism == "pairs":
                            # Pair terms score as terms, not as a phrase: the page may hold
                            # other items of the same matches; the matches must be equal
                            # (listed up to LISTED_ITEMS; past it, the totals and facets).
                            answers[state]["items"] = (
                                sorted(i.item_id for i in service.iter_items(request))
                                if result.total <= LISTED_ITEMS
                                else None
                            )
                    times[state].append(statistics.median(runs[1:]))
                    cpu[state].append(statistics.median(cpu_runs[1:]))
                if answers["on"] != answers["off"]:
                    problems.append(f"{mechanism} {q.qid}: on and off differ")
            out["mechanisms"][mechanism] = {
                "queries": len(chosen),
                **{
                    f"{state}_{p}": round(pct(ts, p) * 1000, 2)
                    for state, ts in times.items()
                    for p in (50, 95)
                },
                # CPU seconds of this process (tantivy searches on the calling thread): on a
                # shared machine, what the search costs rather than how long it waited
                **{
                    f"{state}_cpu_{p}": round(pct(ts, p) * 1000, 2)
                    for state, ts in cpu.items()
                    for p in (50, 95)
                },
            }
        if "cache" in only:
            out["mechanisms"]["cache"] = _cache(index, requests, rounds)
    out["problems"] = problems
    return out


def _applies(mechanism: str, q: BenchQuery) -> bool:
    if mechanism == "pairs":
        return q.phrase is not None
    if mechanism == "facets":
        return q.facets
    return q.letters


def _cache(index: Path, requests: list[SearchRequest], rounds: int) -> dict[str, Any]:
    with open_engine(index, cache_size=len(requests) + 1) as cached:
        miss = []
        for r in requests:
            start = time.perf_counter()
            cached.search(r)
            miss.append(time.perf_counter() - start)
        hit = []
        for _ in range(rounds):
            for r in requests:
                start = time.perf_counter()
                cached.search(r)
                hit.append(time.perf_counter() - start)
        stats = cached.cache_stats()
    return {
        "miss_p50": round(pct(miss, 50) * 1000, 2),
        "miss_p95": round(pct(miss, 95) * 1000, 2),
        "hit_p50": round(pct(hit, 50) * 1000, 3),
        "hit_p95": round(pct(hit, 95) * 1000, 3),
        "hit_rate": stats.hit_rate,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--index", type=Path, required=True, help="a tantivy index")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--json", type=Path)
    ap.add_argument(
        "--only", choices=MECHANISMS, action="append", help="this mechanism (repeatable); all"
    )
    args = ap.parse_args(argv)
    report = run(args.index, args.rounds, tuple(args.only or MECHANISMS))
    with open("/proc/loadavg") as f:
        report["load_average"] = f.read().split()[:3]
    text = json.dumps(report, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", "utf-8")
    for problem in report["problems"]:
        print(problem, file=sys.stderr)
    return 1 if report["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
