"""A client that leaves never ties a worker up for long (issue 13).

The handlers are plain ``def`` functions run in the threadpool; a thread cannot be stopped when
its client disconnects, so what frees the worker is the time limit bounding everything a
request does (``imr_search.search.deadline``). Shown on a real server on loopback, with one worker
process: slow requests sent and abandoned leave the process idle (no CPU spent) from the limit
plus one second on, and a new request is answered at once.
"""

from __future__ import annotations

import os
import random
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
import pytest

from imr_search.engines.registry import open_engine
from imr_search.search.request import SearchRequest

# isort: split
from server_fixtures import ServerIndex, ServerProcess, server_process

pytest_plugins = ["server_fixtures"]

LIMIT = 0.5  # seconds: the server's query time limit here


def slow_query() -> str:
    """The probe's query: about 200 words no letter has, 999 characters. Each word costs a
    spelling-correction search (seconds in all, without a limit)."""
    rng = random.Random(13)
    words = ["".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(4)) for _ in range(200)]
    return " ".join(words)[:999]


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of process ``pid`` (Linux /proc)."""
    after_name = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    utime, stime = int(after_name[11]), int(after_name[12])  # fields 14 and 15
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


@pytest.fixture(scope="module")
def one_worker(
    server_index: ServerIndex, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    log = tmp_path_factory.mktemp("disconnect") / "server.log"
    args = ("--workers", "1", "--query-time-limit", str(LIMIT))
    with server_process(server_index.path, log, *args) as server:
        yield server


def send_and_leave(url: str, path: str) -> socket.socket:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    sock = socket.create_connection((host, port), timeout=5)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
    return sock


def test_abandoned_slow_requests_leave_the_worker_free_within_the_limit(
    one_worker: ServerProcess, server_index: ServerIndex
) -> None:
    q = slow_query()
    # The requests must be slow without the limit, or the test shows nothing.
    with open_engine(server_index.path) as engine:
        started = time.monotonic()
        engine.search(SearchRequest(query=q, facets=True))
        unlimited = time.monotonic() - started
    paths = [
        "/api/search?" + urlencode({"q": q, "facets": "1", "rates": "1"}),
        "/?" + urlencode({"q": q, "rates": "1"}),
        "/citator?" + urlencode({"q": q}),
        "/api/crosstab?" + urlencode({"q": q, "rows": "category", "cols": "decision"}),
    ]
    assert len(paths) * unlimited > LIMIT + 2.5, f"the query took only {unlimited:.2f} s"

    pid = one_worker.process.pid
    before = cpu_seconds(pid)
    socks = [send_and_leave(one_worker.url, p) for p in paths]
    time.sleep(0.2)  # read and started
    for sock in socks:
        sock.close()  # the clients are gone

    time.sleep(LIMIT + 1.0)
    busy = cpu_seconds(pid) - before
    time.sleep(1.0)
    idle = cpu_seconds(pid) - before - busy
    # Some work, however loaded the box (each request stops at LIMIT of wall time).
    assert busy > 0.05, "the server never worked on the requests"
    assert idle < 0.25, f"the worker still spent {idle:.2f} s of CPU in the second after"
    # A new request is answered at once.
    started = time.monotonic()
    r = httpx.get(f"{one_worker.url}/api/search", params={"q": "knee"}, timeout=10)
    assert r.status_code == 200
    assert time.monotonic() - started < 1.0
