"""The search benchmark: imr-search's engines (``whoosh``, ``imr-tantivy``) beside the raw
baselines ``sqlite-fts5`` and ``tantivy`` on generated letters.

    python -m benchmarks.run --letters 2000                  # what `make bench` runs
    python -m benchmarks.run --letters 1800000 --engines imr-tantivy,tantivy --prepare-jobs 2

(from the repository root: ``benchmarks`` is the repository's package, not an installed one).

For each corpus size N (the first N letters of the generator's corpus, parsed once and cached in
``benchmarks/out/``, or ``--out``): the parse rate; for each engine, the index build (in a fresh
child process: letters/s, items/s, index size, peak RSS); latency of the fixed query mix
(``benchmarks/queries.py``; each query ``--rounds`` times, per-query median, then p50/p95 over
the mix, over its facet queries and over its letter-grouped queries); for imr-search's engines
also precedent lookup latency, and the server's throughput, latency and memory (RSS and
anonymous memory, the heap, of all its processes) under a bounded loopback load. Prints one
table per size (each figure beside its ratio to raw tantivy, or to Whoosh without it) and
writes ``benchmarks/out/results.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from benchmarks import corpus
from benchmarks.baselines.common import Outcome
from benchmarks.docs import replace_section
from benchmarks.engines import ENGINES, IMR_ENGINES, BuildResult, build_in_child, open_searcher
from benchmarks.queries import PRECEDENT_REQUESTS, BenchQuery, box_mix, query_mix
from imr_search.search.request import SearchRequest

ROOT = Path(__file__).resolve().parent.parent


def pct(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    s = sorted(values)
    if not s:
        return float("nan")
    k = max(0, min(len(s) - 1, round(p / 100 * len(s) + 0.5) - 1))
    return s[k]


def build(engine: str, n: int, seed: int, path: Path, out: Path) -> BuildResult:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        return pool.apply(build_in_child, (engine, n, seed, path, out))


def time_queries(
    searchers: dict[str, Any],
    mix: list[BenchQuery],
    rounds: int,
    cold: dict[str, list[float]] | None = None,
) -> tuple[dict[str, list[float]], dict[str, list[Outcome]]]:
    """Per engine: the median seconds of each query over ``rounds`` (engines interleaved per
    round, so noise from other jobs spreads over all of them), and each query's outcome.
    ``cold``, when given, gets each query's seconds in the first pass, the first requests after
    the index was opened (what a server's first users meet after a commit: nothing the engine
    keeps per commit is kept yet)."""
    times: dict[str, list[list[float]]] = {e: [[] for _ in mix] for e in searchers}
    outcomes: dict[str, list[Outcome]] = {}
    for e, s in searchers.items():  # warm-up pass: caches, lazily opened files
        outcomes[e] = []
        firsts = []
        for q in mix:
            start = time.perf_counter()
            outcomes[e].append(s.run(q))
            firsts.append(time.perf_counter() - start)
        if cold is not None:
            cold[e] = firsts
    for _ in range(rounds):
        for e, s in searchers.items():
            for i, q in enumerate(mix):
                start = time.perf_counter()
                s.run(q)
                times[e][i].append(time.perf_counter() - start)
    return {e: [statistics.median(t) for t in ts] for e, ts in times.items()}, outcomes


def case_numbers(searcher: Any, n: int = 10) -> tuple[str, ...]:
    """Case numbers of ``n`` letters of the index measured, for the case-number lookups."""
    hits = searcher.engine.search(SearchRequest(size=n, sort="-decided")).hits
    return tuple(dict.fromkeys(h.case_number for h in hits if h.case_number))


def box_times(
    searchers: dict[str, Any], out: dict[str, Any], rounds: int, log: Callable[[str], None]
) -> None:
    """The search box's queries (``box_mix``) on imr-search's engines: p50/p95 per kind."""
    imr = {e: s for e, s in searchers.items() if e in IMR_ENGINES}
    if not imr:
        return
    mix = box_mix(case_numbers(next(iter(imr.values()))))
    times, outcomes = time_queries(imr, mix, rounds)
    for engine, ts in times.items():
        e = out["engines"][engine]
        for kind in ("searchbox", "reason", "case"):
            kept = [t for t, q in zip(ts, mix, strict=True) if q.kind == kind]
            if kept:
                e[f"{kind}_p50_ms"] = pct(kept, 50) * 1000
                e[f"{kind}_p95_ms"] = pct(kept, 95) * 1000
        e["box_totals"] = {q.qid: o.total for q, o in zip(mix, outcomes[engine], strict=True)}
        log(
            f"  {engine}: search box p95 {e.get('searchbox_p95_ms', 0):.1f} ms, reason p95 "
            f"{e.get('reason_p95_ms', 0):.1f} ms, case number p95 {e.get('case_p95_ms', 0):.1f} ms"
        )


def time_precedents(index: Path, rounds: int) -> dict[str, Any]:
    from imr_search.analysis.precedents import precedents
    from imr_search.engines.registry import open_engine

    engine = open_engine(index)
    try:
        per: list[float] = []
        for request, summary in PRECEDENT_REQUESTS:
            precedents(engine, request, summary)  # warm-up
            ts = []
            for _ in range(rounds):
                start = time.perf_counter()
                precedents(engine, request, summary)
                ts.append(time.perf_counter() - start)
            per.append(statistics.median(ts))
    except Exception as exc:
        return {"skipped": f"precedents failed: {exc!r}"}
    finally:
        engine.close()
    return {"p50_ms": pct(per, 50) * 1000, "p95_ms": pct(per, 95) * 1000}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(
    index: Path, query_time_limit: float, cache_size: int = 0
) -> tuple[subprocess.Popen[bytes], str]:
    """A real server (``python -m imr_search.server``, its default workers) on a free loopback
    port, once it answers; its output goes to a temporary file, read only to say why one did
    not start (a pipe nobody reads would stall a server that logs)."""
    import httpx

    port = _free_port()
    env = dict(
        os.environ,
        IMR_SEARCH_QUERY_TIME_LIMIT=str(query_time_limit),
        IMR_SEARCH_CACHE_SIZE=str(cache_size),  # 0: every request searched (the default here)
    )
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:  # the server keeps its own copy of the file
        proc = subprocess.Popen(
            [sys.executable, "-m", "imr_search.server", "--index", str(index), "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    return proc, base
            time.sleep(0.2)
        stop_server(proc)
        log.seek(0)
        err = log.read().decode(errors="replace")
    raise RuntimeError(f"the server on {index} did not start: {err[-300:]}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _params(q: BenchQuery) -> list[tuple[str, str | int | float | bool | None]]:
    params: list[tuple[str, str | int | float | bool | None]] = [("q", q.text())]
    for name, values in q.filters:
        params += [(name, v) for v in values]
    if q.facets:
        params.append(("facets", "1"))
    if q.letters:
        params.append(("letters", "1"))
    return params


def _memory_mib(pid: int) -> tuple[float, float]:
    """(RSS, anonymous RSS) of ``pid`` and its children, in MiB (Linux ``/proc``). Anonymous
    memory is the heap (Python objects, tantivy's caches); the rest of RSS is the index's
    files mapped in, which the kernel can drop."""
    pids = [pid]
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            children = (task / "children").read_text().split()
            pids += [int(c) for c in children]
    rss = anon = 0
    for p in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1])
                elif line.startswith("RssAnon:"):
                    anon += int(line.split()[1])
    return rss / 1024, anon / 1024


def random_params(
    rng: random.Random, mix: list[BenchQuery]
) -> list[tuple[str, str | int | float | bool | None]]:
    """A request of fresh parts (issue 27's randomised stream): one to three words drawn from
    the mix's words, a phrase of the mix one time in four, a filter of the mix one time in
    three, facets one time in two and letters one time in six; repeats are rare, so a response
    cache meets what a crowd of users would send it."""
    words = sorted({w for q in mix for w in q.words})
    phrases = sorted({q.phrase for q in mix if q.phrase})
    filters = sorted({f for q in mix for f in q.filters})
    text = " ".join(rng.sample(words, rng.randint(1, 3)))
    if phrases and rng.random() < 0.25:
        text += f' "{rng.choice(phrases)}"'
    params: list[tuple[str, str | int | float | bool | None]] = [("q", text)]
    if filters and rng.random() < 1 / 3:
        name, values = rng.choice(filters)
        params += [(name, v) for v in values]
    if rng.random() < 0.5:
        params.append(("facets", "1"))
    if rng.random() < 1 / 6:
        params.append(("letters", "1"))
    return params


def load_server(
    index: Path,
    mix: list[BenchQuery],
    seconds: float,
    clients: int,
    *,
    cache_size: int = 0,
    randomised: bool = False,
) -> dict[str, Any]:
    """Requests/s, latency and memory of ``/api/search`` with ``clients`` threads looping over
    the mix, or sending a randomised stream (``random_params``), the server as ``imr-search
    serve`` runs it (its default workers) with a response cache of ``cache_size`` answers."""
    import httpx

    try:
        proc, base = start_server(index, 30, cache_size)
    except RuntimeError as e:
        return {"skipped": str(e)}
    try:
        latencies: list[float] = []
        errors = [0]
        lock = threading.Lock()
        stop = time.monotonic() + seconds

        def client(k: int) -> None:
            i = k * 7
            rng = random.Random(k)
            with httpx.Client(base_url=base, timeout=60) as c:
                while time.monotonic() < stop:
                    params = random_params(rng, mix) if randomised else _params(mix[i % len(mix)])
                    i += 1
                    start = time.perf_counter()
                    r = c.get("/api/search", params=params)
                    took = time.perf_counter() - start
                    with lock:
                        latencies.append(took)
                        if r.status_code != 200:
                            errors[0] += 1

        began = time.monotonic()
        threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
        for t in threads:
            t.start()
        peak = (0.0, 0.0)
        while any(t.is_alive() for t in threads):
            now = _memory_mib(proc.pid)
            peak = (max(peak[0], now[0]), max(peak[1], now[1]))
            time.sleep(0.5)
        for t in threads:
            t.join()
        elapsed = time.monotonic() - began
        # each worker process has its own cache: ask a few times, keep each pid's answer
        caches = {}
        for _ in range(8):
            with contextlib.suppress(httpx.HTTPError):
                cache = httpx.get(f"{base}/healthz", timeout=10).json().get("cache", {})
                caches[(cache.get("hits"), cache.get("misses"))] = cache
        hits = sum(c.get("hits") or 0 for c in caches.values())
        misses = sum(c.get("misses") or 0 for c in caches.values())
    finally:
        stop_server(proc)
    return {
        "cache_size": cache_size,
        "stream": "randomised" if randomised else "mix",
        "cache_hit_rate": hits / (hits + misses) if hits + misses else None,
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "errors": errors[0],
        "rps": len(latencies) / elapsed,
        "p50_ms": pct(latencies, 50) * 1000,
        "p95_ms": pct(latencies, 95) * 1000,
        "rss_mib": peak[0],
        "heap_mib": peak[1],
    }


def run_size(n: int, args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    mix = query_mix()
    log(f"== {n} letters")
    paths = {engine: args.out / f"index-{engine}-{n}" for engine in args.engines}
    if not (args.reuse and all(p.with_suffix(".json").exists() for p in paths.values())):
        # Checking the cache reads every chunk (minutes at 1.8 million letters): a run that
        # reuses every index needs none of it.
        corpus.prepare(n, args.seed, out=args.out, jobs=args.prepare_jobs)
    out: dict[str, Any] = {"letters": n, "items": 0, "engines": {}}
    out["parse_letters_per_s"] = corpus.parse_rate(n, args.seed)
    log(f"  parse: {out['parse_letters_per_s']:.0f} letters/s")
    searchers: dict[str, Any] = {}
    for engine in args.engines:
        path = paths[engine]
        meta = path.with_suffix(".json")
        if args.reuse and meta.exists() and path.exists():
            b = BuildResult(**json.loads(meta.read_text()))
            log(f"  {engine}: reusing the index built earlier")
        else:
            b = build(engine, n, args.seed, path, args.out)
            meta.write_text(json.dumps(asdict(b)))
        log(
            f"  {engine}: built in {b.seconds:.1f} s ({b.letters / b.seconds:.0f} letters/s), "
            f"{b.size_bytes / 2**20:.1f} MiB, peak RSS {b.rss_peak_mib:.0f} MiB"
        )
        out["engines"][engine] = {"build": asdict(b)}
        out["items"] = b.items
        searchers[engine] = open_searcher(engine, path)
    cold: dict[str, list[float]] = {}
    times, outcomes = time_queries(searchers, mix, args.rounds, cold)
    facet_idx = [i for i, q in enumerate(mix) if q.facets]
    letter_idx = [i for i, q in enumerate(mix) if q.letters]
    for engine, ts in times.items():
        e = out["engines"][engine]
        e["query_p50_ms"] = pct(ts, 50) * 1000
        e["query_p95_ms"] = pct(ts, 95) * 1000
        e["facet_p50_ms"] = pct([ts[i] for i in facet_idx], 50) * 1000
        e["facet_p95_ms"] = pct([ts[i] for i in facet_idx], 95) * 1000
        e["letters_p95_ms"] = pct([ts[i] for i in letter_idx], 95) * 1000
        e["query_max_ms"] = max(ts) * 1000
        e["cold_p50_ms"] = pct(cold[engine], 50) * 1000
        e["cold_p95_ms"] = pct(cold[engine], 95) * 1000
        e["slowest"] = sorted(zip(ts, (q.qid for q in mix), strict=True), reverse=True)[:5]
        e["per_query_ms"] = {q.qid: t * 1000 for q, t in zip(mix, ts, strict=True)}
        e["totals"] = [o.total for o in outcomes[engine]]
        log(
            f"  {engine}: query p50 {e['query_p50_ms']:.1f} ms, p95 {e['query_p95_ms']:.1f} ms; "
            f"facets p95 {e['facet_p95_ms']:.1f} ms; first pass (cold) p50 "
            f"{e['cold_p50_ms']:.1f} ms, p95 {e['cold_p95_ms']:.1f} ms"
        )
    box_times(searchers, out, args.rounds, log)
    for engine in searchers:
        searchers[engine].close()
    for engine in args.engines:
        if engine not in IMR_ENGINES:
            continue
        index = args.out / f"index-{engine}-{n}"
        e = out["engines"][engine]
        e["precedents"] = time_precedents(index, args.rounds)
        log(f"  {engine} precedents: {e['precedents']}")
        if args.server_seconds > 0:
            e["server"] = load_server(
                index,
                mix,
                args.server_seconds,
                args.clients,
                cache_size=args.cache_size,
                randomised=args.stream == "random",
            )
            log(f"  {engine} server: {e['server']}")
    return out


ROWS: tuple[tuple[str, Callable[[dict[str, Any], dict[str, Any]], float | None], str], ...] = (
    ("build letters/s", lambda s, e: e["build"]["letters"] / e["build"]["seconds"], "{:.0f}"),
    ("build items/s", lambda s, e: e["build"]["items"] / e["build"]["seconds"], "{:.0f}"),
    ("build time s", lambda s, e: e["build"]["seconds"], "{:.1f}"),
    ("index size MiB", lambda s, e: e["build"]["size_bytes"] / 2**20, "{:.1f}"),
    ("build peak RSS MiB", lambda s, e: e["build"]["rss_peak_mib"], "{:.0f}"),
    (
        "build RSS growth MiB",
        lambda s, e: e["build"]["rss_peak_mib"] - e["build"]["rss_before_mib"],
        "{:.0f}",
    ),
    ("query p50 ms", lambda s, e: e["query_p50_ms"], "{:.1f}"),
    ("query p95 ms", lambda s, e: e["query_p95_ms"], "{:.1f}"),
    ("facet query p50 ms", lambda s, e: e["facet_p50_ms"], "{:.1f}"),
    ("facet query p95 ms", lambda s, e: e["facet_p95_ms"], "{:.1f}"),
    ("letter-grouped p95 ms", lambda s, e: e.get("letters_p95_ms"), "{:.1f}"),
    ("slowest query ms", lambda s, e: e["query_max_ms"], "{:.1f}"),
    ("cold query p50 ms", lambda s, e: e.get("cold_p50_ms"), "{:.1f}"),
    ("cold query p95 ms", lambda s, e: e.get("cold_p95_ms"), "{:.1f}"),
    ("search box p95 ms", lambda s, e: e.get("searchbox_p95_ms"), "{:.1f}"),
    ("reason filter p95 ms", lambda s, e: e.get("reason_p95_ms"), "{:.1f}"),
    ("case number p95 ms", lambda s, e: e.get("case_p95_ms"), "{:.1f}"),
    ("precedents p50 ms", lambda s, e: e.get("precedents", {}).get("p50_ms"), "{:.0f}"),
    ("precedents p95 ms", lambda s, e: e.get("precedents", {}).get("p95_ms"), "{:.0f}"),
    ("server req/s", lambda s, e: e.get("server", {}).get("rps"), "{:.1f}"),
    ("server p50 ms", lambda s, e: e.get("server", {}).get("p50_ms"), "{:.0f}"),
    ("server p95 ms", lambda s, e: e.get("server", {}).get("p95_ms"), "{:.0f}"),
    ("server RSS MiB", lambda s, e: e.get("server", {}).get("rss_mib"), "{:.0f}"),
    ("server heap MiB", lambda s, e: e.get("server", {}).get("heap_mib"), "{:.0f}"),
)


def _base(engines: list[str]) -> str | None:
    """The engine the others are compared with: raw tantivy, else imr-search's Whoosh."""
    return next((e for e in ("tantivy", "whoosh") if e in engines), None)


def table(size: dict[str, Any]) -> str:
    """The Markdown table of one size: each engine's figure and its ratio to the base."""
    engines = list(size["engines"])
    base_engine = _base(engines)
    head = [
        "measure",
        *[e + ("" if e == base_engine else f" (x {base_engine})") for e in engines],
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, get, fmt in ROWS:
        values = {e: get(size, size["engines"][e]) for e in engines}
        if all(v is None for v in values.values()):
            continue
        base = values.get(base_engine) if base_engine else None
        cells = [label]
        for e in engines:
            v = values[e]
            cell = fmt.format(v) if v is not None else "-"
            if e != base_engine and base and v is not None:
                cell += f" ({v / base:.2f})"
            cells.append(cell)
        lines.append("| " + " | ".join(cells) + " |")
    lines.append(f"\nParse: {size['parse_letters_per_s']:.0f} letters/s (one core, all engines).")
    for e in engines:
        sv = size["engines"][e].get("server", {})
        if "rps" in sv:
            lines.append(
                f"Server ({e}): {sv['clients']} clients for {sv['seconds']} s, "
                f"{sv['requests']} requests, {sv['errors']} errors."
            )
    return "\n".join(lines)


def agreement(size: dict[str, Any], mix: list[BenchQuery]) -> list[str]:
    """Queries whose totals differ from imr-search's (Whoosh's, else imr-tantivy's), per engine."""
    notes = []
    ref = next((e for e in ("whoosh", "imr-tantivy") if e in size["engines"]), None)
    w = size["engines"][ref]["totals"] if ref else None
    for e, d in size["engines"].items():
        if e == ref or w is None:
            continue
        diff = [q.qid for q, a, b in zip(mix, w, d["totals"], strict=True) if a != b]
        same = [q.comparable for q, a, b in zip(mix, w, d["totals"], strict=True) if a == b]
        comparable = sum(q.comparable for q in mix)
        notes.append(
            f"{e}: {sum(same)}/{comparable} totals of the queries without words equal to {ref}'s"
        )
        notes.append(f"{e}: {len(mix) - len(diff)}/{len(mix)} totals equal to {ref}'s" + (
            f" (differ: {', '.join(diff[:12])}{' ...' if len(diff) > 12 else ''})" if diff else ""
        ))  # fmt: skip
    return notes


def plot(results: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    for engine in ENGINES:
        have = [r for r in results if "query_p95_ms" in r["engines"].get(engine, {})]
        if not have:
            continue
        sizes = [r["letters"] for r in have]
        a.plot(sizes, [r["engines"][engine]["query_p95_ms"] for r in have], "o-", label=engine)
        b.plot(sizes, [r["engines"][engine]["build"]["seconds"] for r in have], "o-", label=engine)
    for ax, title in ((a, "query p95 (ms)"), (b, "index build (s)")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("letters")
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.suptitle("imr-search (Whoosh, tantivy) vs SQLite FTS5 and raw tantivy (2-core machine)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def tables_markdown(results: list[dict[str, Any]], level: str = "###") -> str:
    mix = query_mix()
    out: list[str] = []
    for r in results:
        out.append(f"\n{level} {r['letters']} letters ({r['items']} items)\n")
        out.append(table(r))
        out.extend(f"\n- {note}" for note in agreement(r, mix))
    return "\n".join(out)


def print_tables(results: list[dict[str, Any]]) -> None:
    print(tables_markdown(results))


DOCS_START = "<!-- make bench: latest run (generated; edits here are overwritten) -->"
DOCS_END = "<!-- make bench: end -->"


def write_docs(path: Path, report: dict[str, Any], plot_path: Path | None) -> None:
    """Replace the generated "latest run" section of ``path`` (appended the first time); the
    hand-written sections around it, with the recorded large runs, are left as they are."""
    lines = [
        DOCS_START,
        "## Latest `make bench` run",
        "",
        f"`{report['command']}` on {report['date']}: {report['machine']}; "
        f"{report['queries']} queries, {report['rounds']} rounds each.",
    ]
    if plot_path is not None:
        lines += ["", f"![query p95 and build time against corpus size]({plot_path.name})"]
    lines += [tables_markdown(report["results"], level="####"), "", DOCS_END]
    replace_section(path, DOCS_START, DOCS_END, "\n".join(lines))


def report_only(paths: list[Path], plot_to: Path | None) -> int:
    """Tables (and the plot) of earlier runs; runs of the same size with different engines
    are merged (e.g. a slow baseline measured separately with fewer rounds)."""
    by_size: dict[int, dict[str, Any]] = {}
    for path in paths:
        for r in json.loads(path.read_text())["results"]:
            merged = by_size.setdefault(r["letters"], {**r, "engines": {}})
            engines = {**merged["engines"], **r["engines"]}
            merged.update(
                {k: v for k, v in r.items() if k not in merged or "whoosh" in r["engines"]}
            )
            merged["engines"] = {e: engines[e] for e in ENGINES if e in engines}
    results = [by_size[n] for n in sorted(by_size)]
    print_tables(results)
    if plot_to:
        plot(results, plot_to)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--letters", default="2000", help="corpus sizes, comma-separated")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--rounds", type=int, default=3, help="timed runs of each query")
    ap.add_argument("--server-seconds", type=float, default=15.0, help="0 skips the server load")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument(
        "--cache-size", type=int, default=0, help="the server's response cache (0: off)"
    )
    ap.add_argument(
        "--stream",
        choices=("mix", "random"),
        default="mix",
        help="the server load: the mix in a loop, or fresh words, phrases and filters each time",
    )
    ap.add_argument(
        "--prepare-jobs", type=int, default=1, help="processes that parse the corpus cache"
    )
    ap.add_argument("--out", type=Path, default=corpus.OUT)
    ap.add_argument("--reuse", action="store_true", help="reuse indexes built by an earlier run")
    ap.add_argument("--json", type=Path, help="write results here too")
    ap.add_argument("--plot", type=Path, help="PNG of query p95 and build time against size")
    ap.add_argument(
        "--docs", type=Path, help="rewrite the 'latest run' section of this markdown file"
    )
    ap.add_argument(
        "--report",
        type=Path,
        nargs="+",
        help="measure nothing: print the tables (and --plot) of earlier results.json files",
    )
    args = ap.parse_args(argv)
    if args.report:
        return report_only(args.report, args.plot)
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(args.engines) - set(ENGINES)
    if unknown:
        ap.error(f"unknown engines: {', '.join(sorted(unknown))} (engines: {', '.join(ENGINES)})")
    args.out.mkdir(parents=True, exist_ok=True)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    sizes = [int(s.replace("_", "")) for s in args.letters.split(",") if s.strip()]
    results = []
    mix = query_mix()
    for n in sizes:
        results.append(run_size(n, args, log))
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores (shared), Python "
        f"{platform.python_version()}",
        "command": " ".join(["python -m benchmarks.run", *(argv or sys.argv[1:])]),
        "date": time.strftime("%Y-%m-%d"),
        "queries": len(mix),
        "rounds": args.rounds,
        "results": results,
    }
    print_tables(results)
    (args.out / "results.json").write_text(json.dumps(report, indent=1))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    if args.plot:
        plot(results, args.plot)
    if args.docs:
        write_docs(args.docs, report, args.plot)
    for e in args.engines:  # the indexes are large; keep only what --reuse needs
        if not args.reuse:
            for r in results:
                shutil.rmtree(args.out / f"index-{e}-{r['letters']}", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
