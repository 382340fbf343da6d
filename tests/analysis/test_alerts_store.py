"""The alerts database when it cannot be used: damaged in eight ways, a folder in its place,
empty, on a full disk. The CLI says so in one line that names the file and the way out (exit
1) and loses nothing; the feed answers a clean 503 in the error shape that never shows the
server's path. A real SQLite file beside a real index; the feed from a real server on loopback.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from server_fixtures import serve_in_thread

from imr_search.analysis.alerts import AlertStore, SavedSearch, alerts_path
from imr_search.cli import main
from imr_search.config import Settings
from imr_search.engines.registry import open_engine
from imr_search.errors import StoreError
from imr_search.model import Letter
from imr_search.server import create_app

# isort: split
from factories import index_letters, make_item, make_letter

pytest_plugins = ["server_fixtures"]


def _letters() -> list[Letter]:
    return [
        make_letter(f"CM16-80000{n:02d}", items=[make_item(decision="overturned")])
        for n in range(30)
    ]


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index with one saved search, "ot", that a later run found 15 new items for; returns
    a pristine copy of its alerts file."""
    index = tmp_path_factory.mktemp("alerts-store") / "index"
    engine = open_engine(index, create=True)
    try:
        letters = _letters()
        index_letters(engine, letters[:15])
        with AlertStore(alerts_path(index)) as store:
            store.add(engine, SavedSearch(name="ot", query="", filters={}))
            index_letters(engine, letters[15:])
            assert len(store.record_run(engine).new["ot"]) == 15
    finally:
        engine.close()
    pristine = index.parent / "pristine.sqlite"
    shutil.copy(alerts_path(index), pristine)
    return pristine


def _index_of(pristine: Path) -> Path:
    return pristine.parent / "index"


# -- the ways a file goes bad (each takes the alerts file in place) ---------------------------


def empty(f: Path) -> None:
    f.write_bytes(b"")


def folder(f: Path) -> None:
    f.unlink()
    f.mkdir()


def garbage(f: Path) -> None:
    f.write_bytes(b"\x13\x37 not SQLite \xff" * 700)


def pages_overwritten(f: Path) -> None:
    data = bytearray(f.read_bytes())
    data[4096:] = b"\x5a" * (len(data) - 4096)
    f.write_bytes(bytes(data))


def truncated(f: Path) -> None:
    data = f.read_bytes()
    f.write_bytes(data[: len(data) // 2])


def foreign(f: Path) -> None:
    f.unlink()
    db = sqlite3.connect(f)
    with db:
        db.execute("CREATE TABLE notes (body TEXT)")
    db.close()


def _sql(sql: str) -> Callable[[Path], None]:
    def damage(f: Path) -> None:
        db = sqlite3.connect(f)
        with db:
            db.execute(sql)
        db.close()

    damage.__name__ = sql.split()[1] + "_" + sql.split("SET ")[1].split(" ")[0]
    return damage


filters_not_json = _sql("UPDATE alerts SET filters = '{not json'")
date_not_a_date = _sql("UPDATE seen SET decided = 'the 5th of May'")
name_not_text = _sql("UPDATE seen SET service = x'00ff'")

DAMAGES = [
    empty,
    folder,
    garbage,
    pages_overwritten,
    truncated,
    foreign,
    filters_not_json,
    date_not_a_date,
    name_not_text,
]


@pytest.fixture
def alerts_file(saved: Path) -> Iterator[Path]:
    """The index's alerts file, restored from the pristine copy around each test."""
    target = alerts_path(_index_of(saved))

    def restore() -> None:
        if target.is_dir():
            shutil.rmtree(target)
        shutil.copy(saved, target)

    restore()
    yield target
    restore()


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize("damage", DAMAGES, ids=lambda d: d.__name__)
def test_the_cli_says_the_database_is_unusable_in_one_line(
    damage: Callable[[Path], None], alerts_file: Path
) -> None:
    index = str(_index_of(alerts_file.parent / "pristine.sqlite"))
    code, out = cli("alerts", "new", "ot", "--index", index)
    assert code == 0, out  # the pristine file works
    damage(alerts_file)
    for command in (("alerts", "new", "ot"), ("alerts", "list", "--format", "json")):
        code, out = cli(*command, "--index", index)
        if damage in (date_not_a_date, name_not_text) and command[1] == "list":
            assert code == 0, out  # only the recorded items are damaged
            continue
        assert code == 1, out
        assert out.count("\n") == 1, out
        assert out.startswith(f"imr-search: the alerts database {alerts_file}: "), out
        assert "Traceback" not in out
        assert "restore it from a backup, or delete it" in out
    if damage is empty:
        assert "empty (0 bytes)" in out


def test_an_empty_file_is_not_taken_for_a_new_database(alerts_file: Path) -> None:
    index = _index_of(alerts_file.parent / "pristine.sqlite")
    alerts_file.write_bytes(b"")
    code, out = cli("alerts", "add", "again", "--index", str(index))
    assert code == 1
    assert "empty (0 bytes)" in out
    assert alerts_file.stat().st_size == 0  # left for the user to restore


def test_a_full_disk_is_a_store_error(alerts_file: Path) -> None:
    # SQLite's page limit makes it answer SQLITE_FULL, the error a full disk gives it.
    index = _index_of(alerts_file.parent / "pristine.sqlite")
    engine = open_engine(index)
    try:
        store = AlertStore(alerts_file)
        assert store._db is not None
        pages = store._db.execute("PRAGMA page_count").fetchone()[0]
        store._db.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(StoreError) as caught:
            store.add(engine, SavedSearch(name="big", query="", filters={}))
        store.close()
    finally:
        engine.close()
    assert str(caught.value) == (
        f"the alerts database {alerts_file}: the disk is full; free space and try again "
        "(nothing was saved)"
    )
    code, out = cli("alerts", "list", "--format", "json", "--index", str(index))
    assert code == 0, out
    assert '"ot"' in out
    assert '"big"' not in out


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


def test_a_file_size_limit_during_alerts_add_is_one_line(alerts_file: Path, tmp_path: Path) -> None:
    # RLIMIT_FSIZE at the file's size: the new search's rows cannot be written (EFBIG, as a full
    # disk gives ENOSPC), in a child process running the real CLI.
    index = _index_of(alerts_file.parent / "pristine.sqlite")
    script = tmp_path / "limited.py"
    script.write_text(_LIMITED)
    run = subprocess.run(
        [sys.executable, str(script), str(alerts_file.stat().st_size), "alerts", "add", "big",
         "--index", str(index)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    assert run.stderr.count("\n") == 1, run.stderr
    assert run.stderr.startswith(f"imr-search: the alerts database {alerts_file}: the disk ")
    assert "free space and try again (nothing was saved)" in run.stderr
    code, out = cli("alerts", "list", "--format", "json", "--index", str(index))
    assert code == 0, out
    assert '"ot"' in out
    assert '"big"' not in out


# -- the feed -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def feed(saved: Path) -> Iterator[httpx.Client]:
    app = create_app(Settings(index_dir=_index_of(saved)))
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


@pytest.mark.parametrize("damage", DAMAGES, ids=lambda d: d.__name__)
def test_the_feed_of_an_unusable_database_is_a_clean_503(
    damage: Callable[[Path], None], alerts_file: Path, feed: httpx.Client
) -> None:
    assert feed.get("/alerts/ot.atom").status_code == 200
    damage(alerts_file)
    response = feed.get("/alerts/ot.atom")
    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["status"] == 503
    assert error["message"].startswith("the alerts database: ")
    assert str(alerts_file.parent) not in response.text
    assert "/" not in error["message"]
    if damage is empty:
        assert "empty (0 bytes)" in error["message"]
    assert feed.get("/healthz").status_code == 200  # the server is unharmed
