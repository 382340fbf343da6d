"""A bounded load test on loopback: a handful of concurrent clients for 30 seconds against the
real server, with zero errors allowed. Latency percentiles are printed and written to
load.json in the test's temporary folder (the path is printed; ``--basetemp DIR`` keeps it
where you choose), never into the repository.
"""

from __future__ import annotations

import json
import platform
import statistics
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from server_fixtures import ServerIndex, ServerProcess

pytest_plugins = ["server_fixtures"]

CLIENTS = 6
SECONDS = 30.0


def request_mix(letter_ids: list[str]) -> list[tuple[str, str, dict[str, Any]]]:
    """(kind, path, params): what a research session does, roughly in proportion."""
    mix: list[tuple[str, str, dict[str, Any]]] = [
        ("api_search", "/api/search", {"q": "mri", "facets": "1"}),
        ("api_search", "/api/search", {"q": "lumbar spine", "decision": "upheld"}),
        ("api_search", "/api/search", {"q": '"physical therapy"', "sort": "-decided"}),
        ("api_search", "/api/search", {"category": "Surgery", "facets": "1", "page": "2"}),
        ("api_search", "/api/search", {"q": "knee", "letters": "1", "facets": "1"}),
        ("page_search", "/", {"q": "mri", "decision": "upheld"}),
        ("page_search", "/", {"q": "opioid OR norco", "sort": "-decided"}),
        ("page_search", "/", {}),
        ("csv", "/api/search.csv", {"q": "mri"}),
        ("stats", "/api/stats", {}),
    ]
    for letter_id in letter_ids[:4]:
        mix.append(("api_letter", f"/api/letters/{letter_id}", {}))
        mix.append(("page_letter", f"/letters/{letter_id}", {}))
    return mix


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
    return ordered[index]


def summary(latencies: list[float]) -> dict[str, float]:
    ms = [x * 1000 for x in latencies]
    return {
        "requests": len(ms),
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
        "max_ms": round(max(ms), 2),
    }


@pytest.mark.slow
def test_concurrent_clients_for_30_seconds_make_no_errors(
    live_server: ServerProcess, server_index: ServerIndex, tmp_path: Path
) -> None:
    mix = request_mix(sorted(server_index.records))
    latencies: dict[str, list[float]] = {kind: [] for kind, _, _ in mix}
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS

    def client(n: int) -> None:
        with httpx.Client(base_url=live_server.url, timeout=30) as http:
            i = n * 3
            while time.monotonic() < deadline:
                kind, path, params = mix[i % len(mix)]
                i += 1
                started = time.perf_counter()
                try:
                    response = http.get(path, params=params)
                    ok = response.status_code == 200
                    problem = f"{path} {params}: {response.status_code}"
                except httpx.HTTPError as exc:
                    ok, problem = False, f"{path} {params}: {exc!r}"
                elapsed = time.perf_counter() - started
                with lock:
                    if ok:
                        latencies[kind].append(elapsed)
                    else:
                        errors.append(problem)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=SECONDS + 60)
    wall = time.monotonic() - began

    everything = [x for values in latencies.values() for x in values]
    overall = summary(everything)
    report: dict[str, Any] = {
        "clients": CLIENTS,
        "seconds": round(wall, 1),
        "errors": len(errors),
        "throughput_rps": round(len(everything) / wall, 1),
        "overall": overall,
        "by_kind": {kind: summary(v) for kind, v in sorted(latencies.items()) if v},
        "index": {"letters": len(server_index.records)},
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
    }
    out = tmp_path / "load.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(
        f"\nload: {CLIENTS} clients, {overall['requests']} requests in {wall:.0f} s "
        f"({report['throughput_rps']} req/s), p50 {overall['p50_ms']} ms, "
        f"p95 {overall['p95_ms']} ms, errors {len(errors)}; figures in {out}"
    )
    assert errors == []
    assert all(latencies.values())
