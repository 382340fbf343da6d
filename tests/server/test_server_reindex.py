"""An index rebuilt by another process while the server answers a stream of requests: the
server picks up each new generation without a restart, and no request fails.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest
from factories import FIXTURES, letter_paths
from server_fixtures import server_process

from imr_search.engines.registry import open_engine
from imr_search.ingest.indexer import index_paths

pytest_plugins = ["server_fixtures"]
pytestmark = pytest.mark.server

CLIENTS = 4
REQUESTS = [
    ("/api/search", {"q": "mri", "facets": "1"}),
    ("/api/search", {"q": "lumbar", "sort": "-decided", "letters": "1"}),
    ("/", {"q": "knee", "decision": "upheld"}),
    ("/api/stats", {}),
]


@pytest.mark.slow
def test_rebuilding_the_index_fails_no_request(tmp_path: Path) -> None:
    seeds = [str(p) for p in sorted((FIXTURES / "seeds").glob("*.txt"))]
    everything = [str(p) for p in letter_paths()]
    index_dir = tmp_path / "index"
    writer_engine = open_engine(index_dir, create=True)
    index_paths(writer_engine, seeds, rebuild=True)
    letter_id = next(iter(writer_engine.sources().values())).letter_id

    failures: list[str] = []
    counts = [0] * CLIENTS
    seen_letters: set[int] = set()
    stop = threading.Event()

    def client(n: int, url: str) -> None:
        with httpx.Client(base_url=url, timeout=30) as http:
            i = n
            while not stop.is_set():
                path, params = REQUESTS[i % len(REQUESTS)]
                if i % 5 == 0:
                    path, params = f"/api/letters/{letter_id}", {}
                i += 1
                try:
                    response = http.get(path, params=params)
                except httpx.HTTPError as exc:
                    failures.append(f"{path}: {exc!r}")
                    continue
                counts[n] += 1
                if response.status_code != 200:
                    failures.append(f"{path} {params}: {response.status_code} {response.text}")
                elif path == "/api/stats":
                    seen_letters.add(response.json()["letters"])

    with server_process(index_dir, tmp_path / "server.log") as server:
        threads = [
            threading.Thread(target=client, args=(n, server.url), daemon=True)
            for n in range(CLIENTS)
        ]
        for t in threads:
            t.start()
        try:
            for round_ in range(4):
                time.sleep(0.5)
                index_paths(writer_engine, everything if round_ % 2 == 0 else seeds, rebuild=True)
            time.sleep(0.5)
            index_paths(writer_engine, everything, rebuild=True)
            deadline = time.monotonic() + 10
            while len(seen_letters) < 2 and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=30)
        final = httpx.get(f"{server.url}/api/stats", timeout=30).json()
    writer_engine.close()

    assert failures == []
    assert min(counts) > 10
    assert {len(seeds), len(everything)} <= seen_letters
    assert final["letters"] == len(everything)
