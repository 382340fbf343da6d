"""The slowest requests we can construct, from 8 concurrent clients, against a real server
(issue 13): does every answer come back within the query time limit plus one second?

    python -m benchmarks.slow_queries                        # fixture index + 2,000 letters
    python -m benchmarks.slow_queries --letters 0 --seconds 20   # the fixture index only

(from the repository root). For each index (the 25 fixture letters on Whoosh, then ``--letters``
generated letters on each of ``--engines``, parsed once and cached by ``benchmarks.corpus``), a
``python -m imr_search.server`` process with its default workers and ``--time-limit`` serves
``--clients`` threads for ``--seconds``, each looping over the mix below with fresh random
words. Per index: p50/p95/p99/max latency, the answers over the limit plus one second, the
partial ones ("ran out of time") and any error, overall and per kind. Writes the tables into
``docs/benchmarks.md`` (between its slow-queries markers) and ``benchmarks/out/slow.json``.

The mix: 999-character queries of random words (each word a spelling-correction search), AND-ed
and OR-ed, with facets; the same on the search page with overturn rates; wildcard patterns
that expand to thousands of terms; phrases of common words with slop; every item grouped by
letter with facets and rates; the citator of every item (a search per cited section); two-way
cross-tabs (two searches per row) and the month table (which reads every item); similar
rationales; precedents with a 5,000-character case summary.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from benchmarks import corpus
from benchmarks.docs import replace_section
from benchmarks.engines import build_imr
from benchmarks.run import pct, start_server, stop_server

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "letters"
DOCS_START = "<!-- slow_queries: start -->"
DOCS_END = "<!-- slow_queries: end -->"
BUSY = (
    " (a shared box, busy before the run started: other sessions were at work; the load after"
    " includes this benchmark's own clients and server)"
)

Request = tuple[str, str, dict[str, str]]  # kind, path, parameters


def random_words(rng: random.Random, chars: int = 999) -> list[str]:
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < chars:
        words.append("".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(rng.randint(3, 7))))
    return words


def long_query(rng: random.Random, joiner: str) -> str:
    return joiner.join(random_words(rng))[:999].rsplit(" ", 1)[0]


# The longest phrase with a slop the query language admits (8 words; imr_search.search.phrases),
# of the commonest words: longer ones are refused before they run (issue 28).
COMMON = "the patient is not medically necessary for the"


def mix(rng: random.Random, item_ids: list[str], summary: str) -> list[Request]:
    """One round of the slowest requests, with fresh random words."""
    item = rng.choice(item_ids)
    return [
        ("random AND words", "/api/search", {"q": long_query(rng, " "), "facets": "1"}),
        ("random OR words", "/api/search", {"q": long_query(rng, " OR "), "facets": "1"}),
        ("random words, page + rates", "/", {"q": long_query(rng, " "), "rates": "1"}),
        ("wildcards", "/api/search", {"q": "*a* OR *e* OR *o* OR *i*", "facets": "1"}),
        ("phrase of common words", "/api/search", {"q": f'"{COMMON}"~8', "facets": "1"}),
        (
            "all items by letter + rates",
            "/api/search",
            {"q": "", "letters": "1", "facets": "1", "rates": "1", "size": "100"},
        ),
        ("citator, every item", "/api/citator", {}),
        (
            "crosstab specialty x citation",
            "/api/crosstab",
            {"rows": "specialty", "cols": "citation"},
        ),
        ("crosstab month x state", "/api/crosstab", {"rows": "month", "cols": "state"}),
        ("similar", f"/api/similar/{quote(item, safe='')}", {"limit": "100"}),
        (
            "precedents + summary",
            "/api/precedents",
            {"request": "Norco 10/325mg #120 for chronic low back pain", "summary": summary},
        ),
    ]


def _material(base: str) -> tuple[list[str], str]:
    """Item ids with a rationale, and a 5,000-character summary made of real rationales."""
    found = httpx.get(f"{base}/api/search", params={"q": "", "size": "50"}, timeout=60).json()
    ids = [r["item_id"] for r in found["results"]]
    text = ""
    for letter_id in dict.fromkeys(r["letter_id"] for r in found["results"]):
        letter = httpx.get(f"{base}/api/letters/{letter_id}", timeout=60).json()
        text += " ".join(i.get("rationale") or "" for i in letter["items"]) + " "
        if len(text) >= 5000:
            break
    return ids, (text * (1 + 5000 // max(1, len(text))))[:5000]


def load(base: str, limit: float, clients: int, seconds: float) -> dict[str, Any]:
    ids, summary = _material(base)
    records: list[tuple[str, float, int, bool]] = []  # kind, seconds, status, partial
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(k: int) -> None:
        rng = random.Random(k)
        with httpx.Client(base_url=base, timeout=120) as c:
            while time.monotonic() < stop:
                for kind, path, params in rng.sample(mix(rng, ids, summary), k=11):
                    if time.monotonic() >= stop:
                        return
                    started = time.perf_counter()
                    r = c.get(path, params=params)
                    took = time.perf_counter() - started
                    with lock:
                        records.append((kind, took, r.status_code, "ran out of time" in r.text))

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began

    def summary_of(rows: list[tuple[str, float, int, bool]]) -> dict[str, Any]:
        times = [r[1] for r in rows]
        return {
            "requests": len(rows),
            "p50_s": pct(times, 50),
            "p95_s": pct(times, 95),
            "p99_s": pct(times, 99),
            "max_s": max(times, default=float("nan")),
            "over_limit": sum(t > limit + 1.0 for t in times),
            "partial": sum(r[3] for r in rows),
            "errors": sum(r[2] != 200 for r in rows),
        }

    kinds = sorted({r[0] for r in records})
    return {
        "seconds": round(elapsed, 1),
        "all": summary_of(records),
        "kinds": {k: summary_of([r for r in records if r[0] == k]) for k in kinds},
    }


def fixture_index(out: Path) -> Path:
    from imr_search.engines.registry import open_engine
    from imr_search.ingest.indexer import index_paths

    path = out / "slow-fixture-whoosh"
    if not path.exists():
        engine = open_engine(path, engine="whoosh", create=True)
        try:
            index_paths(engine, [str(p) for p in sorted(FIXTURES.iterdir())], rebuild=True)
        finally:
            engine.close()
    return path


def synthetic_index(out: Path, engine: str, n: int, seed: int) -> Path:
    path = out / f"slow-{engine}-{n}"
    if not path.exists():
        corpus.prepare(n, seed, out=out)
        build_imr("tantivy" if engine == "tantivy" else "whoosh")(
            path, corpus.iter_letters(n, seed, out=out, log=False)
        )
    return path


def _row(name: str, s: dict[str, Any]) -> str:
    return (
        f"| {name} | {s['requests']} | {s['p50_s']:.2f} s | {s['p95_s']:.2f} s | "
        f"{s['p99_s']:.2f} s | {s['max_s']:.2f} s | {s['over_limit']} | {s['partial']} | "
        f"{s['errors']} |"
    )


def markdown(report: dict[str, Any]) -> str:
    limit = report["time_limit"]
    lines = [
        DOCS_START,
        "## Slow queries under 8 clients (the time limit)",
        "",
        "```sh",
        report["command"],
        "```",
        "",
        f"{report['date']}, commit `{report['commit']}`, {report['machine']}; the server's "
        f"query time limit {limit:g} s (the default), its default workers; {report['clients']} "
        f"client threads on the same box for {report['seconds']:g} s per index. Load average "
        f"{report['load_before']} before the run and {report['load_after']} after"
        f"{BUSY if report['busy'] else ''}."
        " Over limit: answers slower than the limit plus one second; partial: answers that say "
        "they ran out of time. The mix is in `benchmarks/slow_queries.py`.",
    ]
    head = "| | requests | p50 | p95 | p99 | max | over limit | partial | errors |"
    for name, run in report["indexes"].items():
        lines += ["", f"### {name}", "", head, "|---|---|---|---|---|---|---|---|---|"]
        lines.append(_row("**all**", run["all"]))
        lines += [_row(k, s) for k, s in run["kinds"].items()]
    lines += ["", DOCS_END]
    return "\n".join(lines)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.slow_queries")
    parser.add_argument("--letters", type=int, default=2000, help="generated letters (0: none)")
    parser.add_argument("--engines", default="whoosh,tantivy")
    parser.add_argument("--seconds", type=float, default=40.0, help="of load per index")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--time-limit", type=float, default=None, help="default: the setting's")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=corpus.OUT)
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--no-docs", action="store_true", help="print only")
    args = parser.parse_args(argv)
    from imr_search.config import Settings

    limit = args.time_limit if args.time_limit is not None else Settings().query_time_limit
    args.out.mkdir(parents=True, exist_ok=True)

    indexes = {"25 fixture letters, Whoosh": fixture_index(args.out)}
    if args.letters:
        for engine in args.engines.split(","):
            log(f"index: {args.letters} generated letters, {engine}")
            indexes[f"{args.letters:,} generated letters, {engine}"] = synthetic_index(
                args.out, engine, args.letters, args.seed
            )
    before = os.getloadavg()[0]
    runs: dict[str, Any] = {}
    for name, path in indexes.items():
        log(f"load: {name}")
        proc, base = start_server(path, limit)
        try:
            runs[name] = load(base, limit, args.clients, args.seconds)
        finally:
            stop_server(proc)
        a = runs[name]["all"]
        log(f"  p99 {a['p99_s']:.2f} s, max {a['max_s']:.2f} s, over limit {a['over_limit']}")
    after = os.getloadavg()[0]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    shown = ["python -m benchmarks.slow_queries", *(argv if argv is not None else sys.argv[1:])]
    report = {
        "command": " ".join(shown),
        "date": dt.date.today().isoformat(),
        "commit": commit,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "time_limit": limit,
        "clients": args.clients,
        "seconds": args.seconds,
        "load_before": f"{before:.1f}",
        "load_after": f"{after:.1f}",
        "busy": before > 1.0,
        "indexes": runs,
    }
    (args.out / "slow.json").write_text(json.dumps(report, indent=2))
    section = markdown(report)
    print(section)
    if not args.no_docs:
        replace_section(args.docs, DOCS_START, DOCS_END, section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
