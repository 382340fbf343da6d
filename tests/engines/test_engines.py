"""Choosing the engine: recorded in the index folder when it is made, opened by every command and
the server from what the folder holds; switching engines is a rebuild that keeps the old index
until the new one has committed.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from imr_search.cli import main
from imr_search.cli.options import size_note
from imr_search.config import Settings
from imr_search.engines.registry import (
    ENGINES,
    MARKER,
    EngineName,
    folder_engine,
    folder_engines,
    open_engine,
    outdated,
    replacing,
)
from imr_search.errors import IndexError_, UsageError
from imr_search.search.backend import Backend

# isort: split
from factories import FIXTURES, index_letters, make_letter
from server_fixtures import server_process

pytest_plugins = ["server_fixtures"]

SEEDS = str(FIXTURES / "seeds")


def letters_in(path: Path) -> set[str]:
    engine = open_engine(path)
    try:
        return {s.letter_id for s in engine.sources().values()}
    finally:
        engine.close()


@pytest.mark.parametrize("name", folder_engines())
def test_a_new_index_records_its_engine(tmp_path: Path, name: str) -> None:
    engine = open_engine(tmp_path / "ix", engine=name, create=True)
    engine.close()
    assert json.loads((tmp_path / "ix" / MARKER).read_text())["engine"] == name
    assert folder_engine(tmp_path / "ix") == name


def test_the_default_engine_is_whoosh(tmp_path: Path) -> None:
    open_engine(tmp_path / "ix", create=True).close()
    assert folder_engine(tmp_path / "ix") == "whoosh"


def test_a_folder_without_the_record_is_known_by_its_files(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "ix", engine="tantivy", create=True)
    index_letters(engine, [make_letter("CM-1")])
    engine.close()
    (tmp_path / "ix" / MARKER).unlink()
    assert folder_engine(tmp_path / "ix") == "tantivy"
    assert letters_in(tmp_path / "ix") == {"CM-1"}


def test_an_older_whoosh_index_asks_for_a_rebuild_and_gets_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Before index format 2, Whoosh's text fields dropped stop words ("not", "is").
    from imr_search.engines.whoosh import schema
    from imr_search.engines.whoosh._whoosh import analysis

    ix = tmp_path / "ix"
    with monkeypatch.context() as patch:
        patch.setattr(schema, "_text_analyzer", analysis.StemmingAnalyzer)
        old = open_engine(ix, engine="whoosh", create=True)
        index_letters(old, [make_letter("CM-OLD")])
        old.close()
    assert folder_engine(ix) == "whoosh"
    assert outdated(ix)
    code, out = cli("stats", "--index", str(ix))
    assert code == 1
    assert "made by an older imr-search (its text fields drop stop words); rebuild it" in out
    code, out = cli("index", SEEDS, "--index", str(ix), "--rebuild")
    assert code == 0, out
    assert not outdated(ix)
    assert len(letters_in(ix)) == 5


@pytest.mark.parametrize("name", ENGINES)
def test_an_index_without_the_outcome_and_dates_asks_for_a_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: EngineName
) -> None:
    # Index format 3 (issue 12) added the letter outcome and the received / UR denial dates:
    # an index made before cannot answer outcome: or received: queries.
    import imr_search.engines.whoosh as whoosh_package
    from imr_search.engines.tantivy import schema as tantivy_schema
    from imr_search.engines.whoosh import schema as whoosh_schema

    added = ("outcome", "received", "urdenial")
    ix = tmp_path / "ix"
    with monkeypatch.context() as patch:
        if name == "whoosh":
            build = whoosh_schema.build_schema

            def older() -> object:
                held = build()
                for field in added:
                    held.remove(field)
                return held

            patch.setattr(whoosh_package, "build_schema", older)
        else:
            keywords = tuple(f for f in tantivy_schema.KEYWORD_FIELDS if f not in added)
            ints = tuple(f for f in tantivy_schema.INT_FIELDS if f not in added)
            patch.setattr(tantivy_schema, "KEYWORD_FIELDS", keywords)
            patch.setattr(tantivy_schema, "INT_FIELDS", ints)
        open_engine(ix, engine=name, create=True).close()
    assert outdated(ix)
    code, out = cli("stats", "--index", str(ix))
    assert code == 1
    assert "made by an older imr-search" in out
    code, out = cli("index", SEEDS, "--index", str(ix), "--rebuild", "--engine", name)
    assert code == 0, out
    assert not outdated(ix)
    code, out = cli("search", 'outcome:"partially overturned"', "--index", str(ix))
    assert code == 0, out


def test_no_index_is_an_index_error(tmp_path: Path) -> None:
    with pytest.raises(IndexError_, match="no index in"):
        open_engine(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(IndexError_, match="no index in"):
        open_engine(tmp_path / "empty")


@pytest.mark.parametrize("name", folder_engines())
def test_each_engine_package_opens_only_an_index_it_finds_or_makes(
    tmp_path: Path, name: str
) -> None:
    from imr_search.engines import tantivy as tantivy_engine
    from imr_search.engines import whoosh as whoosh_engine

    package = whoosh_engine if name == "whoosh" else tantivy_engine
    open_package: Callable[..., Backend] = package.open_backend
    with pytest.raises(IndexError_, match="no index in"):
        open_package(tmp_path / "nowhere")
    open_package(tmp_path / "new", create=True).close()
    assert open_package(tmp_path / "new").stats().letters == 0


def test_asking_for_the_other_engine_names_the_way_out(tmp_path: Path) -> None:
    open_engine(tmp_path / "ix", create=True).close()
    with pytest.raises(UsageError, match="holds a whoosh index, not tantivy: add --rebuild"):
        open_engine(tmp_path / "ix", engine="tantivy", create=True)


def test_replacing_swaps_in_the_new_engine_only_when_the_block_ends(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    engine = open_engine(path, create=True)
    index_letters(engine, [make_letter("CM-OLD")])
    engine.close()
    with replacing(path, "tantivy") as fresh:
        index_letters(fresh, [make_letter("CM-NEW")])
        assert folder_engine(path) == "whoosh"
        assert letters_in(path) == {"CM-OLD"}
    assert folder_engine(path) == "tantivy"
    assert letters_in(path) == {"CM-NEW"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ix"]


def test_a_failed_replacement_leaves_the_old_index(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    engine = open_engine(path, create=True)
    index_letters(engine, [make_letter("CM-OLD")])
    engine.close()

    def interrupted_rebuild() -> None:
        with replacing(path, "tantivy") as fresh:
            index_letters(fresh, [make_letter("CM-NEW")])
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        interrupted_rebuild()
    assert folder_engine(path) == "whoosh"
    assert letters_in(path) == {"CM-OLD"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ix"]


def test_a_swap_interrupted_between_its_renames_is_undone(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    engine = open_engine(path, create=True)
    index_letters(engine, [make_letter("CM-OLD")])
    engine.close()
    path.rename(tmp_path / ".ix.old")  # the first rename happened, the second did not
    assert letters_in(path) == {"CM-OLD"}  # a reader reads it where it is ...
    assert not path.exists()
    open_engine(path, create=True).close()  # ... and the next writer puts it back
    assert path.is_dir()
    assert not (tmp_path / ".ix.old").exists()
    assert letters_in(path) == {"CM-OLD"}


# -- the CLI ---------------------------------------------------------------------------------


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_indexing_into_the_other_engines_folder_needs_rebuild(tmp_path: Path) -> None:
    ix = str(tmp_path / "ix")
    assert cli("index", SEEDS, "--index", ix)[0] == 0
    code, out = cli("index", SEEDS, "--index", ix, "--engine", "tantivy")
    assert code == 2
    assert "holds a whoosh index, not tantivy: add --rebuild" in out
    code, out = cli("index", SEEDS, "--index", ix, "--engine", "tantivy", "--rebuild")
    assert code == 0, out
    assert folder_engine(Path(ix)) == "tantivy"
    # later commands open what the folder holds, whatever the environment asks new indexes for
    result = CliRunner().invoke(
        main, ["stats", "--index", ix, "--format", "json"], env={"IMR_SEARCH_ENGINE": "whoosh"}
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["letters"] == 5


def test_the_engine_can_come_from_the_environment(tmp_path: Path) -> None:
    ix = str(tmp_path / "ix")
    result = CliRunner().invoke(
        main, ["index", SEEDS, "--index", ix], env={"IMR_SEARCH_ENGINE": "tantivy"}
    )
    assert result.exit_code == 0, result.output
    assert folder_engine(Path(ix)) == "tantivy"


def test_a_large_whoosh_index_suggests_tantivy(tmp_path: Path) -> None:
    open_engine(tmp_path / "w", create=True).close()
    open_engine(tmp_path / "t", engine="tantivy", create=True).close()
    comfortable = ENGINES["whoosh"].comfortable_letters
    assert comfortable is not None
    note = size_note(Settings(index_dir=tmp_path / "w"), comfortable + 1)
    assert note is not None
    assert "--rebuild --engine tantivy" in note
    assert size_note(Settings(index_dir=tmp_path / "w"), comfortable) is None
    assert size_note(Settings(index_dir=tmp_path / "t"), comfortable * 10) is None


# -- the server ------------------------------------------------------------------------------


@pytest.mark.slow
def test_opening_an_index_while_it_is_swapped_again_and_again_never_finds_none(
    tmp_path: Path,
) -> None:
    # A reader that looked at the folder just before a swap renamed it away used to report
    # "no index in ..." (the server answered 503 once in a few runs under load).
    path = tmp_path / "ix"
    engine = open_engine(path, create=True)
    index_letters(engine, [make_letter("CM-0")])
    engine.close()
    stop = threading.Event()
    swaps = [0]

    def swapper() -> None:
        while not stop.is_set():
            with replacing(path, ("tantivy", "whoosh")[swaps[0] % 2]) as fresh:
                index_letters(fresh, [make_letter(f"CM-{swaps[0] + 1}")])
            swaps[0] += 1

    thread = threading.Thread(target=swapper)
    thread.start()
    failures: list[str] = []
    opened = 0
    try:
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline or swaps[0] < 5:
            try:
                open_engine(path).close()
                opened += 1
            except IndexError_ as exc:
                failures.append(str(exc))
    finally:
        stop.set()
        thread.join()
    assert failures == []
    assert opened > swaps[0] >= 5


@pytest.mark.server
def test_the_server_follows_a_switch_of_engine_without_a_failed_request(tmp_path: Path) -> None:
    path = tmp_path / "ix"
    engine = open_engine(path, create=True)
    index_letters(engine, [make_letter("CM-OLD")])
    engine.close()
    failures: list[str] = []
    seen: set[int] = set()
    stop = threading.Event()

    def client(url: str) -> None:
        with httpx.Client(base_url=url, timeout=30) as http:
            while not stop.is_set():
                r = http.get("/api/stats")
                if r.status_code != 200:
                    failures.append(f"{r.status_code} {r.text}")
                else:
                    seen.add(r.json()["letters"])
                s = http.get("/api/search", params={"q": "therapy", "facets": "1"})
                if s.status_code != 200:
                    failures.append(f"{s.status_code} {s.text}")

    with server_process(path, tmp_path / "server.log") as server:
        threads = [threading.Thread(target=client, args=(server.url,)) for _ in range(3)]
        for t in threads:
            t.start()
        try:
            time.sleep(0.5)
            with replacing(path, "tantivy") as fresh:
                index_letters(fresh, [make_letter("CM-A"), make_letter("CM-B")])
            deadline = time.monotonic() + 10
            while 2 not in seen and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            stop.set()
            for t in threads:
                t.join()
    assert failures == []
    assert seen == {1, 2}
