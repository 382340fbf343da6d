"""HEAD wherever GET answers, and connections whose headers never arrive are closed: a real
server on loopback, real sockets."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx
import pytest
from server_fixtures import ServerIndex, serve_in_thread, server_process

from imr_search.config import Settings
from imr_search.server import create_app

pytest_plugins = ["server_fixtures"]


def test_head_answers_wherever_get_does(server_index: ServerIndex) -> None:
    letter = next(iter(server_index.records))
    paths = [
        "/", "/?q=therapy", "/healthz", "/api/search?q=therapy", "/api/search.csv?q=therapy",
        "/api/facets", "/api/stats", f"/api/letters/{letter}", f"/letters/{letter}",
        f"/letters/{letter.lower()}", "/crosstab?rows=era", "/citator", "/api-docs",
        "/openapi.json", "/static/style.css", "/letters/CM99-0000000", "/api/search?q=(",
        "/no/such/page",
    ]  # fmt: skip
    app = create_app(Settings(index_dir=server_index.path))
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        for path in paths:
            got, head = client.get(path), client.head(path)
            assert head.status_code == got.status_code, path
            assert head.status_code != 405, path
            assert head.content == b"", path
            assert head.headers.get("content-type") == got.headers.get("content-type"), path


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    """True when the server closes ``sock`` (EOF) within ``seconds``."""
    sock.settimeout(seconds)
    try:
        while sock.recv(4096):
            pass
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True
    return True


@pytest.mark.server
def test_connections_whose_headers_never_arrive_are_closed(
    server_index: ServerIndex, tmp_path: Path
) -> None:
    # A 1 s limit; 30 s of patience, for a loaded box. Without the limit uvicorn waits forever.
    with server_process(
        server_index.path, tmp_path / "log", "--header-time-limit", "1", "--workers", "1"
    ) as server:
        host, port = server.url.removeprefix("http://").split(":")
        address = (host, int(port))
        silent = socket.create_connection(address)
        partial = socket.create_connection(address)
        partial.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        # A slow-loris: a header line every half second, never the blank line that ends them.
        trickle = socket.create_connection(address)
        trickle.sendall(b"GET /healthz HTTP/1.1\r\n")
        started = time.monotonic()
        trickle.settimeout(0.5)
        closed = False
        while time.monotonic() - started < 30 and not closed:
            try:
                trickle.sendall(b"X-Slow: 1\r\n")
                closed = trickle.recv(1) == b""
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                closed = True
        assert closed, "a client trickling header lines held its connection"
        assert _closed_within(silent, 30)
        assert _closed_within(partial, 30)
        # A keep-alive connection's next request is held to the same limit.
        kept = socket.create_connection(address)
        kept.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        kept.settimeout(30)
        assert kept.recv(4096).startswith(b"HTTP/1.1 200")
        kept.sendall(b"GET /healthz HTTP/1.1\r\n")
        assert _closed_within(kept, 30)
        # And a client that sends its headers at once is served.
        assert httpx.get(f"{server.url}/healthz", timeout=30).status_code == 200
        for s in (silent, partial, trickle, kept):
            s.close()
