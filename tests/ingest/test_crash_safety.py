"""A killed writer never costs the committed content; a second writer is refused at once.

Every test runs against each registered engine (``imr_search.engines.registry.ENGINES``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from imr_search.engines import registry
from imr_search.engines.registry import folder_engines
from imr_search.errors import IndexBusyError
from imr_search.search.backend import Engine
from imr_search.search.request import SearchRequest

# isort: split
from factories import index_letters, make_letter

TESTS = Path(__file__).resolve().parent.parent

# Puts ``count`` new letters in one batch, says "ready" and waits inside the writer block (or,
# with "commit", commits and says "done").
WRITER = """
import sys
from pathlib import Path
from factories import make_letter
from imr_search.engines.registry import open_engine

index, count, mode, name = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
engine = open_engine(index, engine=name)
with engine.writer() as w:
    print("locked", flush=True)
    for i in range(count):
        w.put(make_letter(f"NEW-{i:06d}"), source_key=f"new/{i}", content_hash="x")
    print("ready", flush=True)
    if mode == "wait":
        sys.stdin.readline()
print("done", flush=True)
"""

OLD = [f"OLD-{i:04d}" for i in range(20)]


@pytest.fixture(params=folder_engines())
def name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def open_engine(folder: Path, name: str, *, create: bool = False) -> Engine:
    return registry.open_engine(folder, engine=name, create=create)


@pytest.fixture
def index_dir(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / "index"
    engine = open_engine(folder, name, create=True)
    index_letters(engine, [make_letter(letter_id) for letter_id in OLD])
    engine.close()
    return folder


def start_writer(index_dir: Path, count: int, mode: str, name: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(index_dir), str(count), mode, name],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_for(proc: subprocess.Popen[str], line: str) -> None:
    assert proc.stdout is not None
    for got in proc.stdout:
        if got.strip() == line:
            return
    raise AssertionError(f"the writer exited before saying {line!r}")


@pytest.fixture
def killed() -> Iterator[list[subprocess.Popen[str]]]:
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()


def letter_ids(index_dir: Path, name: str) -> set[str]:
    engine = open_engine(index_dir, name)
    try:
        ids = {state.letter_id for state in engine.sources().values()}
        result = engine.search(SearchRequest(letters=True, size=1))
        assert result.total == len(ids) == engine.stats().letters
        for letter_id in sorted(ids)[:: max(1, len(ids) // 10)]:
            assert engine.get_letter(letter_id).id == letter_id
        return ids
    finally:
        engine.close()


@pytest.mark.slow
def test_sigkill_mid_batch_leaves_the_previous_letters(
    index_dir: Path, name: str, killed: list[subprocess.Popen[str]]
) -> None:
    proc = start_writer(index_dir, 1500, "wait", name)
    killed.append(proc)
    wait_for(proc, "ready")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert letter_ids(index_dir, name) == set(OLD)
    # the lock died with the process: the next writer works and cleans up after the dead one
    engine = open_engine(index_dir, name)
    index_letters(engine, [make_letter("AFTER-0001")])
    assert engine.stats().letters == len(OLD) + 1
    engine.close()
    assert not [p for p in index_dir.iterdir() if p.is_dir()]  # no stray temp folder


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.05, 0.3, 0.6, 0.9])
def test_sigkill_at_any_moment_leaves_old_or_new_content_never_a_mix(
    index_dir: Path, name: str, killed: list[subprocess.Popen[str]], delay: float
) -> None:
    proc = start_writer(index_dir, 400, "commit", name)
    killed.append(proc)
    wait_for(proc, "locked")
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    ids = letter_ids(index_dir, name)
    new = {f"NEW-{i:06d}" for i in range(400)}
    assert ids in (set(OLD), set(OLD) | new)


def test_a_second_writer_is_refused_at_once(
    index_dir: Path, name: str, killed: list[subprocess.Popen[str]]
) -> None:
    proc = start_writer(index_dir, 1, "wait", name)
    killed.append(proc)
    wait_for(proc, "ready")
    engine = open_engine(index_dir, name)
    # Refused at once, not after waiting for the lock (which the writer holds until told):
    # the best of three tries, so a burst of a neighbour's work on a busy box is not a wait.
    fastest = float("inf")
    for _ in range(3):
        started = time.monotonic()
        with pytest.raises(IndexBusyError, match="the index is being written by another process"):
            engine.writer().__enter__()
        fastest = min(fastest, time.monotonic() - started)
    assert fastest < 1.0
    # readers are not blocked by the writer
    assert engine.stats().letters == len(OLD)
    assert proc.stdin is not None
    proc.stdin.write("\n")
    proc.stdin.flush()
    wait_for(proc, "done")
    proc.wait()
    assert engine.stats().letters == len(OLD) + 1  # seen without reopening
    index_letters(engine, [make_letter("AFTER-0001")])
    engine.close()


def test_two_writers_in_one_process_are_refused_too(index_dir: Path, name: str) -> None:
    engine = open_engine(index_dir, name)
    with engine.writer(), pytest.raises(IndexBusyError):
        engine.writer().__enter__()
    engine.close()
