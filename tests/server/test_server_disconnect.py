"""A client that leaves never ties a worker up for long (issue 13).

The handlers are plain ``def`` functions run in the threadpool; a thread cannot be stopped when
its client disconnects, so what frees the worker is the time limit bounding everything a
request does (``imr_search.search.deadline``). Shown on a real server on loopback, with one worker
process: slow requests sent and abandoned cost the process about the limit each, not what they
cost without it, after which it is idle (no thread runnable), and a new request is answered at
once.

Measured in CPU seconds, not in a window of wall time: the limit is wall time, but what a
request does past it (the search it is in, the setup of one more search started with no time
left, the rendering) is CPU work that no clock cuts short. A loaded box stretches that work in
wall time (and a slower one makes it larger), so "idle one second after the limit" failed on a
busy two-core box; the CPU the worker spends until it is idle is the same however loaded the
box, and the bound scales with the box's speed through ``cut_short``.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx
import pytest

from imr_search.analysis.citator import citator
from imr_search.analysis.crosstab import crosstab
from imr_search.engines.registry import open_engine
from imr_search.search.request import SearchRequest

# isort: split
from server_fixtures import ServerIndex, ServerProcess, server_process

pytest_plugins = ["server_fixtures"]
pytestmark = pytest.mark.server

LIMIT = 0.5  # seconds: the server's query time limit here


def slow_query() -> str:
    """The probe's query: OR-ed two-letter prefixes up to 999 characters, within the patterns'
    budget. It matches most items, so every path does its whole work (facets and rates, a
    citator search per row, a cross-tab's rows), each search compiling hundreds of patterns.
    (Words no item has were the probe until only a query's first few unknown words got a
    spelling-correction search: they no longer cost seconds.)"""
    prefixes = [a + b + "*" for a in "abcdefghilmnoprstu" for b in "aeiloru"]
    return " OR ".join(prefixes)[:999].rpartition(" OR ")[0]


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


def runnable_threads(pid: int) -> int:
    """Threads of process ``pid`` running or waiting for a core (state R; Linux /proc)."""
    count = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            state = (task / "stat").read_text().rpartition(")")[2].split()[0]
        except FileNotFoundError:  # the thread ended between the listing and the read
            continue
        count += state == "R"
    return count


def cpu_when_idle(pid: int, quiet: float = 0.5, timeout: float = 120.0) -> float:
    """The CPU seconds of ``pid`` once it has been idle for ``quiet`` seconds: no thread
    runnable at any look (every 50 ms) and at most two clock ticks of CPU in that time. A
    thread with work is runnable even while the box gives it no core, so a loaded box delays
    this but does not fool it."""
    tick = 1 / os.sysconf("SC_CLK_TCK")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        start, calm = cpu_seconds(pid), time.monotonic() + quiet
        while time.monotonic() < calm and not runnable_threads(pid):
            time.sleep(0.05)
        if time.monotonic() >= calm and cpu_seconds(pid) - start <= 2 * tick:
            return cpu_seconds(pid)
        time.sleep(0.05)
    pytest.fail(f"the worker was still busy {timeout:.0f} s after the requests")


def best_latency(url: str, tries: int = 3) -> float:
    """The best of ``tries`` wall times of a small search (a neighbour's burst of work is not
    the server)."""
    best = float("inf")
    for _ in range(tries):
        started = time.monotonic()
        r = httpx.get(f"{url}/api/search", params={"q": "knee"}, timeout=10)
        assert r.status_code == 200
        best = min(best, time.monotonic() - started)
    return best


def test_abandoned_slow_requests_leave_the_worker_free_within_the_limit(
    one_worker: ServerProcess, server_index: ServerIndex
) -> None:
    q = slow_query()
    with open_engine(server_index.path) as engine:
        # What a search costs once its time is up (compiling the query, opening its
        # matchers), which no clock interrupts. CPU of this process, best of three.
        cut_short = float("inf")
        for _ in range(3):
            started = time.process_time()
            engine.search(SearchRequest(query=q, facets=True, time_limit=1e-6))
            cut_short = min(cut_short, time.process_time() - started)
        # What the four requests' work costs without a limit: a search with facets (the API's
        # and the page's), the citator, a two-way cross-tab (two searches a row: the 40 cited
        # guideline sections by category). Since the citator became two searches whatever its
        # rows, that cross-tab is what keeps the whole far above what cut-short requests cost.
        started = time.process_time()
        engine.search(SearchRequest(query=q, facets=True))
        engine.search(SearchRequest(query=q, facets=True))
        citator(engine, SearchRequest(query=q))
        crosstab(engine, SearchRequest(query=q), "citation", "category")
        unlimited = (time.process_time() - started) / 4
    paths = [
        "/api/search?" + urlencode({"q": q, "facets": "1", "rates": "1"}),
        "/?" + urlencode({"q": q, "rates": "1"}),
        "/citator?" + urlencode({"q": q}),
        "/api/crosstab?" + urlencode({"q": q, "rows": "citation", "cols": "category"}),
    ]
    # What the abandoned requests may cost: the limit once (one process, one core's worth of
    # Python at a time), and per request four searches cut short: its first search (the
    # four requests share that core, so their first searches' setups alone outlast the
    # limit), the one or two more an answer starts with no time left, and the page; two more
    # for what a request does between them (the plan, the page's rendering, the threads' turns
    # at the GIL), which took four requests 2.2 s against 2.06 s for four searches each on a
    # busy box. Without the limit each would cost at least the search alone, and that must be
    # far more, or the test shows nothing.
    bound = LIMIT + len(paths) * 6 * cut_short
    assert len(paths) * unlimited > 3 * bound, (
        f"the query costs only {unlimited:.2f} s of CPU without a limit (bound {bound:.2f} s)"
    )

    pid = one_worker.process.pid
    assert best_latency(one_worker.url) < 1.0  # warm, and answering
    before = cpu_when_idle(pid)
    socks = [send_and_leave(one_worker.url, p) for p in paths]
    time.sleep(0.2)  # sent
    for sock in socks:
        sock.close()  # the clients are gone
    spent = cpu_when_idle(pid) - before
    # The requests were worked on (each at least starts a search)...
    assert spent > cut_short, f"the worker spent only {spent:.2f} s of CPU on the requests"
    # ...and stopped at about the limit.
    assert spent < bound, (
        f"the worker spent {spent:.2f} s of CPU on {len(paths)} abandoned requests before it "
        f"was idle: more than {bound:.2f} s ({LIMIT:g} s, and {cut_short:.2f} s six times a "
        f"request for a search cut short); {unlimited:.2f} s each without a limit"
    )
    # A new request is answered at once: nothing is left holding the worker.
    assert best_latency(one_worker.url) < 1.0
