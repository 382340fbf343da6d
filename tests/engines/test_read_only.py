"""An index this process cannot write is searched, counted and served, on both engines; only
writing needs write access (issue 28: tantivy took a lock file in the index folder to read).

Read-only is made the way a deployment meets it: for a user, a folder without write
permission (``chmod``); for root, which permissions do not stop, a read-only bind mount in a
mount namespace of the command's own (``unshare``), the read-only filesystem a replica or a
container's volume is. Where neither can be made the tests are skipped, never passed.
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from imr_search.engines.registry import ENGINES, open_engine
from imr_search.ingest.indexer import index_paths
from imr_search.search.request import SearchRequest

# isort: split
from factories import FIXTURES, LETTER_SOURCES

FOLDER_ENGINES = sorted(name for name, entry in ENGINES.items() if entry.in_folders)
ROOT = Path(__file__).resolve().parents[2]


def _make_read_only(folder: Path) -> list[str]:
    """The prefix that runs a command where ``folder`` cannot be written."""
    if os.geteuid() != 0:
        for path in [folder, *folder.rglob("*")]:
            mode = path.stat().st_mode
            path.chmod(stat.S_IMODE(mode) & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        return []
    prefix = ["unshare", "--mount", "sh", "-c", 'mount --bind -o ro "$0" "$0" && exec "$@"']
    probe = subprocess.run(
        [*prefix, str(folder), "touch", str(folder / "probe")], capture_output=True, check=False
    )
    if probe.returncode == 0 or (folder / "probe").exists():
        pytest.skip("root ignores permissions and no read-only bind mount could be made here")
    ok = subprocess.run([*prefix, str(folder), "true"], capture_output=True, check=False)
    if ok.returncode != 0:
        pytest.skip("root ignores permissions and no read-only bind mount could be made here")
    return [*prefix, str(folder)]


def _cli(prefix: list[str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, sys.executable, "-m", "imr_search", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )


ReadOnly = tuple[Path, list[str]]  # the index folder, the prefix of a command that reads it


@pytest.fixture(params=FOLDER_ENGINES)
def read_only_index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ReadOnly]:
    index = tmp_path / "index"
    engine = open_engine(index, engine=request.param, create=True)
    try:
        index_paths(engine, [LETTER_SOURCES[1]])
    finally:
        engine.close()
    prefix = _make_read_only(index)
    yield index, prefix
    for path in [index, *index.rglob("*")]:  # let pytest remove it
        path.chmod(stat.S_IMODE(path.stat().st_mode) | stat.S_IWUSR)


@pytest.mark.slow
def test_a_read_only_index_is_searched_and_counted(read_only_index: ReadOnly) -> None:
    index, prefix = read_only_index
    expected = {args: _cli([], *args, "--index", str(index)) for args in _READS}
    for args, before in expected.items():
        assert before.returncode == 0, before.stderr
        after = _cli(prefix, *args, "--index", str(index))
        assert after.returncode == 0, after.stderr
        assert after.stdout == before.stdout


_READS = (("search", "lumb* OR mri", "--facets"), ("stats",))


@pytest.mark.slow
def test_writing_a_read_only_index_fails_in_one_line_and_changes_nothing(
    read_only_index: ReadOnly,
) -> None:
    index, prefix = read_only_index
    before = _cli(prefix, "stats", "--index", str(index))
    run = _cli(prefix, "index", str(FIXTURES / "seeds"), "--index", str(index), "--no-cache")
    assert run.returncode == 1, (run.stdout, run.stderr)
    errors = [line for line in run.stderr.splitlines() if line.startswith("imr-search:")]
    assert errors, run.stderr
    assert str(index) in errors[-1], run.stderr
    assert "Traceback" not in run.stderr
    assert _cli(prefix, "stats", "--index", str(index)).stdout == before.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.mark.server
def test_a_read_only_index_is_served(read_only_index: ReadOnly, tmp_path: Path) -> None:
    index, prefix = read_only_index
    engine = open_engine(index)
    try:
        expected = engine.search(SearchRequest("mri")).total
    finally:
        engine.close()
    port = _free_port()
    command = [sys.executable, "-m", "imr_search.server", "--index", str(index)]
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*prefix, *command, "--host", "127.0.0.1", "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    try:
        answer = None
        deadline = time.monotonic() + 60
        while answer is None and time.monotonic() < deadline and server.poll() is None:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/api/search?q=mri", timeout=10)
            except httpx.TransportError:
                time.sleep(0.1)
        assert answer is not None, log.read_text()
        assert answer.status_code == 200, answer.text
        assert answer.json()["total"] == expected
    finally:
        server.terminate()
        server.wait(timeout=30)
