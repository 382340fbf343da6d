"""Every write failure is one line naming the folder and the cause, exit 1, the previous
content still readable, and nothing left behind that blocks the next write (issue 13).

A full disk is a file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored so a write fails with EFBIG
the way ENOSPC does) set in a child process running the real CLI; a read-only folder is a
chmod, which binds only a user other than root.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from imr_search.cli import main

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


@pytest.mark.parametrize("engine", ["whoosh", "tantivy"])
@pytest.mark.parametrize("limit", [20_000, 60_000])
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
    if run.returncode == 0:
        pytest.skip(f"{engine} wrote every file under {limit} bytes: no failure to observe")
    assert run.returncode == 1, run.stderr
    assert run.stderr.count("\n") == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith(f"imr-search: cannot write the index in {index}: ")
    assert letters_in(index) == 5  # the previous content, readable
    # With space again the next run writes, and nothing of the failed run is left.
    code, out = cli("index", "--no-cache", "--index", str(index), LETTERS)
    assert code == 0, out
    assert letters_in(index) == 25


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through a chmod; needs another user")
def test_a_read_only_folder_is_one_line_and_exit_1(tmp_path: Path) -> None:
    index = tmp_path / "ix"
    assert cli("index", "--no-cache", "--index", str(index), SEEDS)[0] == 0
    index.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        code, out = cli("index", "--no-cache", "--index", str(index), LETTERS)
        assert code == 1
        assert out.strip().count("\n") == 0, out
        assert str(index) in out
        assert letters_in(index) == 5
    finally:
        index.chmod(stat.S_IRWXU)
