"""Every write failure is one line naming the folder and the cause, exit 1, the previous
content still readable, and nothing left behind that blocks the next write (issue 13).

A full disk is a file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored so a write fails with EFBIG
the way ENOSPC does) set in a child process running the real CLI; a read-only folder is a
chmod (for root, the immutable attribute: chattr +i binds root too).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from imr_search.cli import main
from imr_search.engines.registry import folder_engines
from imr_search.ingest.cache import cache_version

# isort: split
from factories import FIXTURES

SEEDS = str(FIXTURES / "seeds")
LETTERS = str(FIXTURES / "letters")

_LIMITED = """
import resource, signal, sys
if __name__ == "__main__":
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    from imr_search.cli import main
    sys.argv = ["imr-search", *sys.argv[2:]]
    main()
"""


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def letters_in(index: Path) -> int:
    code, out = cli("stats", "--index", str(index))
    assert code == 0, out
    return int(out.split("letters:")[1].split()[0])


# Two sizes per engine, both below the largest file the 20 letters make (Whoosh's segment is
# ~1 MB; tantivy's largest, its doc store, 45-57 KB by how its threads split the segments),
# so the disk is always full before the run ends: early, or in the middle of the commit.
@pytest.mark.slow
@pytest.mark.parametrize(
    ("engine", "limit"),
    [("whoosh", 20_000), ("whoosh", 200_000), ("tantivy", 10_000), ("tantivy", 30_000)],
)
def test_a_full_disk_is_one_line_and_the_index_survives(
    engine: str, limit: int, tmp_path: Path
) -> None:
    index = tmp_path / "ix"
    code, out = cli("index", "--no-cache", "--engine", engine, "--index", str(index), SEEDS)
    assert code == 0, out
    script = tmp_path / "limited.py"
    script.write_text(_LIMITED)
    run = subprocess.run(
        [sys.executable, str(script), str(limit), "index", "--no-cache", "--jobs", "1",
         "--index", str(index), LETTERS],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 1, run.stderr
    # A run slower than the progress interval (a loaded machine) says how far it got first:
    # those lines are progress, not the failure, which is one line of its own.
    said = [line for line in run.stderr.splitlines() if not PROGRESS.match(line)]
    assert len(said) == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert said[0].startswith(f"imr-search: cannot write the index in {index}: ")
    assert letters_in(index) == 5  # the previous content, readable
    # With space again the next run writes, and nothing of the failed run is left.
    code, out = cli("index", "--no-cache", "--index", str(index), LETTERS)
    assert code == 0, out
    assert letters_in(index) == 25


def _make_read_only(folder: Path) -> Callable[[], None]:
    """Make ``folder`` unwritable for this user and return the undo. A chmod binds every user
    but root; root gets the immutable attribute (chattr +i), which binds root too."""
    if os.geteuid() != 0:
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
        return lambda: folder.chmod(stat.S_IRWXU)
    done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
    if done.returncode != 0:  # no chattr, or a file system without the attribute
        pytest.skip(f"root cannot make {folder} read-only here: {done.stderr.decode().strip()}")

    def undo() -> None:
        subprocess.run(["chattr", "-i", str(folder)], check=True)

    return undo


# A progress line of a run without a terminal (imr_search.cli.progress.Progress).
PROGRESS = re.compile(r"imr-search: \d+/\d+ files, [\d.]+/s, \d+ failed")


@pytest.mark.parametrize("engine", folder_engines())
def test_a_read_only_folder_is_one_line_and_exit_1(engine: str, tmp_path: Path) -> None:
    index = tmp_path / "ix"
    assert cli("index", "--no-cache", "--engine", engine, "--index", str(index), SEEDS)[0] == 0
    undo = _make_read_only(index)
    try:
        code, out = cli("index", "--no-cache", "--index", str(index), LETTERS)
        assert code == 1
        assert out.strip().count("\n") == 0, out
        assert str(index) in out
        assert letters_in(index) == 5
    finally:
        undo()


# -- the record cache ----------------------------------------------------------------------------


def _garbage(cache: Path) -> None:
    cache.write_bytes(b"\x00not a database\xff" * 500)


def _pages_overwritten(cache: Path) -> None:
    data = bytearray(cache.read_bytes())
    data[1024:] = b"\xa5" * (len(data) - 1024)  # the header survives, every b-tree page not
    cache.write_bytes(bytes(data))


def _folder(cache: Path) -> None:
    cache.unlink()
    cache.mkdir()


def _foreign(cache: Path) -> None:
    cache.unlink()
    db = sqlite3.connect(cache)
    with db:
        db.execute("CREATE TABLE records (digest TEXT PRIMARY KEY, note TEXT)")
    db.close()


@pytest.mark.parametrize("damage", [_garbage, _pages_overwritten, _folder, _foreign])
def test_a_damaged_cache_says_how_to_go_on_and_loses_nothing(
    damage: Callable[[Path], None], tmp_path: Path
) -> None:
    index = tmp_path / "ix"
    cache = tmp_path / "ix.records.sqlite"
    code, out = cli("index", "--index", str(index), SEEDS)
    assert code == 0, out
    assert cache.is_file()
    damage(cache)
    code, out = cli("index", "--index", str(index), LETTERS)
    assert code == 1
    assert out.count("\n") == 1, out
    assert out.startswith(f"imr-search: the record cache {cache}: ")
    assert "delete it" in out
    assert "--no-cache" in out
    assert letters_in(index) == 5
    # Both ways out work.
    code, out = cli("index", "--no-cache", "--index", str(index), LETTERS)
    assert code == 0, out
    shutil.rmtree(cache) if cache.is_dir() else cache.unlink()
    assert letters_in(index) == 25
    code, out = cli("index", "--index", str(index), SEEDS, LETTERS)
    assert code == 0, out
    assert "unchanged 25" in out


# A file-size limit below the cache's size and above the index's largest file (Whoosh's ~1 MB
# segment): the cache is given 1.5 MB of rows of its own first, so any row the run adds is past
# the limit. The cache is committed before the index, so the index is still as it was.
FILLER = 1_500_000


@pytest.mark.slow
@pytest.mark.parametrize("engine", folder_engines())
def test_a_full_disk_with_the_cache_on_is_one_line(engine: str, tmp_path: Path) -> None:
    index = tmp_path / "ix"
    code, out = cli("index", "--engine", engine, "--index", str(index), SEEDS)
    assert code == 0, out
    db = sqlite3.connect(f"{index}.records.sqlite")
    with db:
        db.execute(
            "INSERT INTO records VALUES ('filler', ?, 'filler', NULL, ?)",
            (cache_version("pdfium"), "x" * FILLER),
        )
    db.close()
    script = tmp_path / "limited.py"
    script.write_text(_LIMITED)
    run = subprocess.run(
        [sys.executable, str(script), str(FILLER - 200_000), "index", "--jobs", "1", "--index",
         str(index),
         LETTERS],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 1, run.stderr
    said = [line for line in run.stderr.splitlines() if not PROGRESS.match(line)]
    assert len(said) == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert said[0].startswith(f"imr-search: the record cache {index}.records.sqlite: ")
    assert said[0].endswith("; free space, or index with --no-cache")
    assert letters_in(index) == 5
    # The cache kept what it had (its transaction rolled back) and the next run goes on.
    code, out = cli("index", "--index", str(index), LETTERS)
    assert code == 0, out
    assert letters_in(index) == 25


def test_a_read_only_parent_folder_is_exit_1_for_every_store(tmp_path: Path) -> None:
    # A failure of the machine, not bad usage (exit 2): the index, its record cache and its
    # alerts database beside it cannot be created.
    parent = tmp_path / "shelf"
    parent.mkdir()
    built = parent / "built"
    assert cli("index", "--no-cache", "--index", str(built), SEEDS)[0] == 0
    undo = _make_read_only(parent)
    try:
        for args, names in (
            (("index", "--index", str(parent / "new"), SEEDS), f"{parent}/new.records.sqlite"),
            (("index", "--no-cache", "--index", str(parent / "new"), SEEDS), f"{parent}/new"),
            (("alerts", "add", "ot", "--index", str(built)), f"{built}.alerts.sqlite"),
        ):
            code, out = cli(*args)
            assert code == 1, (args, out)
            assert out.count("\n") == 1, out
            assert names in out, out
            assert "Traceback" not in out
        assert letters_in(built) == 5
    finally:
        undo()


def test_a_damaged_whoosh_index_says_so_and_rebuild_replaces_it(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    assert cli("index", "--no-cache", "--engine", "whoosh", "--index", str(index), SEEDS)[0] == 0
    for toc in index.glob("_MAIN_*.toc"):  # Whoosh's table of contents, a pickle
        toc.write_bytes(bytes(range(256)) * 3)
    code, out = cli("search", "therapy", "--index", str(index))
    assert code == 1
    assert out.count("\n") == 1, out
    assert out.startswith(f"imr-search: the index in {index} is damaged (")
    assert f"--rebuild --index {index}" in out
    # The way out it gives works.
    code, out = cli("index", "--no-cache", "--rebuild", "--index", str(index), SEEDS)
    assert code == 0, out
    assert letters_in(index) == 5


@pytest.mark.parametrize("damage", ["meta.json garbled", "a segment file gone"])
def test_a_damaged_tantivy_index_says_so_and_rebuild_replaces_it(
    tmp_path: Path, damage: str
) -> None:
    index = tmp_path / "ix"
    assert cli("index", "--no-cache", "--engine", "tantivy", "--index", str(index), SEEDS)[0] == 0
    if damage == "meta.json garbled":
        (index / "meta.json").write_text('{"segments": [', encoding="utf-8")
    else:
        for idx in index.glob("*.idx"):
            idx.unlink()
    code, out = cli("search", "therapy", "--index", str(index))
    assert code == 1
    assert out.count("\n") == 1, out
    assert out.startswith(f"imr-search: the index in {index} is damaged (")
    assert f"--rebuild --index {index}" in out
    assert "Traceback" not in out
    code, out = cli("index", "--no-cache", "--rebuild", "--index", str(index), SEEDS)
    assert code == 0, out
    assert letters_in(index) == 5
