"""The floors under issue 27's query targets, measured over one tantivy index: how much of each
request is tantivy matching the query, how much is counting, how much is imr-search's Python.

    python -m benchmarks.floors --index /work/bench-out/index-imr-tantivy-1800000 \\
        --json /work/bench-out/floors.json

In one process, caches warm, the median of ``--rounds`` runs after one left out:

- per query of the mix (``benchmarks/queries.py``): the whole request (``search``), the same
  request with neither facets nor letter grouping (``plain``: tantivy's best 20 with the count,
  their records and snippets), and the CPU seconds of the whole request;
- the facet field: its values per item (postings over items) and the cost of one aggregation
  over every item, in nanoseconds per value counted; a facet request's counting floor is its
  matches times the values per item times that cost;
- precedents (``PRECEDENT_REQUESTS``): the whole answer and the part spent in searches;
- the server's ceiling: the mix's mean CPU per request, and the requests per second the
  machine's cores could give at that cost if nothing else ran (``cores / mean CPU``).

Nothing here is a target: it is what the misses are explained with (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.mechanisms import pct
from benchmarks.queries import PRECEDENT_REQUESTS, query_mix, to_whoosh
from imr_search.engines.registry import open_engine
from imr_search.engines.tantivy import TantivyEngine, facets
from imr_search.engines.tantivy import engine as engine_module
from imr_search.search.service import SearchService


def timed(run: Callable[[], object], rounds: int) -> tuple[float, float]:
    """(median wall seconds, median CPU seconds) of ``rounds`` runs after one left out."""
    walls, cpus = [], []
    for _ in range(rounds + 1):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls[1:]), statistics.median(cpus[1:])


def facet_field(backend: TantivyEngine, rounds: int) -> dict[str, Any]:
    with backend.reading() as reader:
        searcher = reader._view.searcher
    items = engine_module._count(searcher, backend.item_q)
    values = sum(int(n) for _, n in searcher.terms_with_prefix("facets", ""))
    seconds, _ = timed(lambda: facets.count_facets(searcher, backend.item_q), rounds)
    return {
        "items": items,
        "values": values,
        "values_per_item": round(values / items, 2),
        "aggregation_every_item_ms": round(seconds * 1000, 1),
        "ns_per_value": round(seconds / values * 1e9, 2),
    }


def queries(service: SearchService, rounds: int, ns_per_value: float, per_item: float) -> Any:
    rows = []
    for q in query_mix():
        request = to_whoosh(q)
        search, cpu = timed(lambda r=request: service.search(r), rounds)  # type: ignore[misc]
        plain_request = replace(request, facets=False, letters=False)
        plain, _ = timed(lambda r=plain_request: service.search(r), rounds)  # type: ignore[misc]
        matched = service.search(plain_request).total
        row = {
            "qid": q.qid,
            "matched_items": matched,
            "search_ms": round(search * 1000, 2),
            "plain_ms": round(plain * 1000, 2),
            "cpu_ms": round(cpu * 1000, 2),
        }
        if q.facets:
            row["counting_floor_ms"] = round(matched * per_item * ns_per_value / 1e6, 1)
        rows.append(row)
    return rows


def precedents(service: SearchService, rounds: int) -> dict[str, Any]:
    from imr_search.analysis.precedents import precedents as answer

    searching = [0.0]
    search = service.search

    def counted(request: Any) -> Any:
        start = time.perf_counter()
        try:
            return search(request)
        finally:
            searching[0] += time.perf_counter() - start

    service.search = counted  # type: ignore[method-assign]
    try:
        whole, searches = [], []
        for text, summary in PRECEDENT_REQUESTS:
            answer(service, text, summary)  # warm
            runs, parts = [], []
            for _ in range(rounds):
                searching[0] = 0.0
                start = time.perf_counter()
                answer(service, text, summary)
                runs.append(time.perf_counter() - start)
                parts.append(searching[0])
            whole.append(statistics.median(runs))
            searches.append(statistics.median(parts))
    finally:
        del service.search
    return {
        "whole_p50_ms": round(pct(whole, 50) * 1000, 1),
        "whole_p95_ms": round(pct(whole, 95) * 1000, 1),
        "searches_p50_ms": round(pct(searches, 50) * 1000, 1),
        "searches_p95_ms": round(pct(searches, 95) * 1000, 1),
    }


def run(index: Path, rounds: int) -> dict[str, Any]:
    with open_engine(index) as opened:
        assert isinstance(opened, SearchService)
        backend = opened.backend
        assert isinstance(backend, TantivyEngine)
        field = facet_field(backend, rounds)
        rows = queries(opened, rounds, field["ns_per_value"], field["values_per_item"])
        found = precedents(opened, rounds)
    cpu = [r["cpu_ms"] for r in rows]
    cores = os.cpu_count() or 1
    mean_cpu = statistics.fmean(cpu)
    return {
        "index": str(index),
        "rounds": rounds,
        "facet_field": field,
        "mix": {
            "search_p95_ms": round(pct([r["search_ms"] for r in rows], 95), 1),
            "plain_p95_ms": round(pct([r["plain_ms"] for r in rows], 95), 1),
            "cpu_mean_ms": round(mean_cpu, 1),
            "cores": cores,
            "server_ceiling_rps": round(cores / (mean_cpu / 1000), 1),
        },
        "precedents": found,
        "queries": rows,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--index", type=Path, required=True, help="a tantivy index")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    report = run(args.index, args.rounds)
    text = json.dumps(report, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
