"""Server fixtures, shared by the server, browser and load tests (``pytest_plugins``).

``server_index`` is one index built once per session from the fixture letters (through the real
parser and ``index_paths``) plus a hostile letter whose text carries HTML; ``live_server`` is a
real uvicorn process on loopback serving it (``python -m imr_search.server --port 0``, which
prints the address it bound). ``records`` are the same letters, parsed independently of the
index, for computing expected answers.

Test modules both name this module in ``pytest_plugins`` and import its helpers; the marker
PYTEST_DONT_REWRITE keeps pytest from warning that it was imported before it could rewrite it
(it holds no assertions).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from imr_search.engines.registry import open_engine
from imr_search.model import Citation, Item, Letter, Patient, Reviewer
from imr_search.parse import parse_path
from imr_search.server.app import bind_socket

# isort: split
from factories import letter_paths

REPO = Path(__file__).parent.parent
ARTIFACTS = Path(__file__).parent / "artifacts"

XSS_ID = "XSS-0000001"
XSS_SERVICE = 'Acupuncture <img src=x onerror=alert(1)> x6 <script>alert("svc")</script>'
XSS_RATIONALE = (
    "The request for acupuncture is not supported. <script>alert('rationale')</script> "
    'See <img src=x onerror=alert(2)> and <a href="javascript:alert(3)">this</a>.'
)


def xss_letter() -> Letter:
    """A letter whose text is hostile HTML: it must always render as text."""
    return Letter(
        id=XSS_ID,
        source="hostile.txt",
        layout="2014",
        case_number=XSS_ID,
        decision_date=dt.date(2017, 1, 15),
        reviewer=Reviewer(specialties=["Acupuncture <b>bold</b>"], license_states=["CA"]),
        patient=Patient(age=44, sex="female"),
        summary='The injured worker <script>alert("summary")</script> has neck pain.',
        items=[
            Item(
                number=1,
                service=XSS_SERVICE,
                decision="overturned",
                category="Rehabilitation",
                subcategory="Acupuncture",
                imr_guideline="MTUS <script>alert('g')</script> Acupuncture 2007",
                imr_citations=[
                    Citation(source="MTUS", part="Acupuncture <i>Treatment</i>", edition=2007)
                ],
                rationale=XSS_RATIONALE,
            )
        ],
    )


@dataclass(frozen=True)
class ServerIndex:
    path: Path
    records: dict[str, Letter]  # letter id -> the record, parsed without the index


def build_index(index_dir: Path, paths: list[Path], extra: list[Letter]) -> None:
    """Index ``paths`` with the real indexer, then put ``extra`` letters directly."""
    from imr_search.ingest.indexer import index_paths

    engine = open_engine(index_dir, create=True)
    try:
        index_paths(engine, [str(p) for p in paths], rebuild=True)
        if extra:
            with engine.writer() as w:
                for letter in extra:
                    w.put(letter, source_key=f"test:{letter.id}", content_hash=letter.id)
    finally:
        engine.close()


@pytest.fixture(scope="session")
def server_index(tmp_path_factory: pytest.TempPathFactory) -> ServerIndex:
    path = tmp_path_factory.mktemp("server") / "index"
    paths = letter_paths()
    build_index(path, paths, [xss_letter()])
    records = {letter.id: letter for letter in (parse_path(p) for p in paths)}
    records[XSS_ID] = xss_letter()
    return ServerIndex(path, records)


# -- a real server process ------------------------------------------------------------------

# The markers of the test being set up or run (None outside pytest): a server process is
# started only for a test marked ``server``, so that ``make check`` (-m "not server") starts none.
_test_markers: set[str] | None = None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    global _test_markers
    _test_markers = {m.name for m in item.iter_markers()}


@dataclass
class ServerProcess:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def server_process(
    index_dir: Path, log: Path, *args: str, command: tuple[str, ...] = ("imr_search.server",)
) -> Iterator[ServerProcess]:
    """``python -m imr_search.server`` (or ``python -m`` + ``command``, e.g. ``("imr_search",
    "serve")``) on a free loopback port; stops it on exit."""
    if _test_markers is not None and "server" not in _test_markers:
        raise RuntimeError("a test that starts a server process must be marked server")
    env = {k: v for k, v in os.environ.items() if not k.startswith("IMR_SEARCH_")}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", *command, "--index", str(index_dir)),
                *("--host", "127.0.0.1", "--port", "0", *args),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=REPO,
            env=env,
        )
    server = ServerProcess("", process, log)
    try:
        server.url = _wait_for_address(server)
        _wait_until_healthy(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:  # pragma: no cover - a hung shutdown
            process.kill()
            process.wait()


# Generous: these wait for a server to start, not time it. Six test workers beside other work
# on a 2-core box (load 20) took over 30 s to answer the first /healthz.
STARTUP_SECONDS = 120


def _wait_for_address(server: ServerProcess, timeout: float = STARTUP_SECONDS) -> str:
    prefix = "Serving imr-search on "
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in server.output().splitlines():
            if line.startswith(prefix):
                return line[len(prefix) :].strip()
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited:\n{server.output()}")
        time.sleep(0.05)
    raise RuntimeError(f"the server printed no address:\n{server.output()}")


def _wait_until_healthy(server: ServerProcess, timeout: float = STARTUP_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{server.url}/healthz", timeout=10).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited:\n{server.output()}")
        time.sleep(0.05)
    raise RuntimeError(f"the server never became healthy:\n{server.output()}")


@pytest.fixture(scope="session")
def live_server(
    server_index: ServerIndex, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    log = tmp_path_factory.mktemp("server-log") / "server.log"
    with server_process(server_index.path, log) as server:
        yield server


@pytest.fixture(scope="session")
def api(live_server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, timeout=30) as client:
        yield client


# -- an app in this process (for fakes and settings) ----------------------------------------


@contextmanager
def serve_in_thread(app: FastAPI) -> Iterator[str]:
    """Run ``app`` under uvicorn in a thread on a free loopback port; yields its URL."""
    sock = bind_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the in-process server did not start")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
