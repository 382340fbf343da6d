"""Killed runs leave nothing that a later run does not clean, and a full disk is named as one
(issue 28): a killed engine switch left its half-built folder beside the index forever, a
killed tantivy commit its temporary file, and tantivy reported a full disk as "An index
writer was killed".
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from imr_search.engines.registry import ENGINES, open_engine, replacing
from imr_search.ingest.indexer import index_paths

# isort: split
from factories import LETTER_SOURCES

FOLDER_ENGINES = sorted(name for name, entry in ENGINES.items() if entry.in_folders)
ROOT = Path(__file__).resolve().parents[2]


def _index(folder: Path, engine: str, source: str = LETTER_SOURCES[0]) -> int:
    opened = open_engine(folder, engine=engine, create=True)
    try:
        index_paths(opened, [source])
        return opened.stats().items
    finally:
        opened.close()


def _items(folder: Path) -> int:
    opened = open_engine(folder)
    try:
        return opened.stats().items
    finally:
        opened.close()


def _builds_beside(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


@pytest.mark.parametrize("engine", FOLDER_ENGINES)
def test_a_killed_engine_switch_leaves_nothing_the_next_write_keeps(
    tmp_path: Path, engine: str
) -> None:
    index = tmp_path / "index"
    other = next(name for name in FOLDER_ENGINES if name != engine)
    items = _index(index, other)
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import os, signal
                from pathlib import Path
                from imr_search.engines.registry import replacing
                with replacing(Path({str(index)!r}), {engine!r}):
                    os.kill(os.getpid(), signal.SIGKILL)
                """
            ),
        ],
        cwd=ROOT,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL
    assert len(_builds_beside(index)) == 1  # what the switch left, as large as an index
    assert _items(index) == items  # the previous index, as it was
    open_engine(index, create=True).close()  # what every write (`index`) opens with
    assert _builds_beside(index) == []
    assert _items(index) == items


def test_a_build_under_way_is_left_alone(tmp_path: Path) -> None:
    index = tmp_path / "index"
    items = _index(index, "whoosh")
    with replacing(index, "tantivy") as new:
        index_paths(new, [LETTER_SOURCES[1]])
        open_engine(index, create=True).close()  # another write meanwhile
        assert len(_builds_beside(index)) == 1
    assert _builds_beside(index) == []
    assert _items(index) != items  # the switch went through


def test_a_killed_tantivy_commit_s_temporary_file_is_removed_by_the_next_write(
    tmp_path: Path,
) -> None:
    index = tmp_path / "index"
    items = _index(index, "tantivy")
    # What tantivy's atomic write leaves when killed between writing and renaming.
    (index / ".tmpQ7xZ2k").write_bytes(b'{"segments": [')
    assert _items(index) == items  # readers never looked at it
    after = _index(index, "tantivy", LETTER_SOURCES[1])
    assert not (index / ".tmpQ7xZ2k").exists()
    assert after > items


def test_a_full_disk_is_named_as_one_on_tantivy(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("a small filesystem of its own needs root (a tmpfs in a mount namespace)")
    disk = tmp_path / "disk"
    disk.mkdir()
    # 100 KB: the index of the fixture letters needs about 300 (a segment flush fails first).
    script = 'mount -t tmpfs -o size=100k tmpfs "$0" && exec "$@"'
    mount = ["unshare", "--mount", "sh", "-c", script]
    probe = subprocess.run([*mount, str(disk), "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"no tmpfs could be mounted here: {probe.stderr!r}")
    run = subprocess.run(
        [
            *mount,
            str(disk),
            *(sys.executable, "-m", "imr_search", "index", *LETTER_SOURCES),
            *("--index", str(disk / "index"), "--engine", "tantivy", "--no-cache"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )
    assert run.returncode == 1, (run.stdout, run.stderr)
    last = run.stderr.strip().splitlines()[-1]
    assert last.startswith(
        f"imr-search: cannot write the index in {disk / 'index'}: the disk is full"
    )
    assert "free space and run again" in last
    assert "Traceback" not in run.stderr
