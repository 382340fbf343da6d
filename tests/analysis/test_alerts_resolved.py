"""Saved searches are checked and stored resolved (issue 25, point 3): a query's field values
as the flags name them, an alias saved that fires exactly as the value would, a value no item
has refused, and databases of the earlier version (no ``typed`` column) still read and run.

A real SQLite alerts file beside a real index on each engine; which items an alert matches and
which a later index run adds are worked out from the records, never from the store.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from lxml import etree
from server_fixtures import serve_in_thread

from imr_search.analysis.alerts import AlertStore, SavedSearch, alerts_path
from imr_search.cli import main
from imr_search.config import Settings
from imr_search.errors import QueryError, StoreError
from imr_search.model import Item, Letter
from imr_search.server import create_app

# isort: split
from conftest import EngineFactory
from factories import index_letters, sample_corpus

pytest_plugins = ["server_fixtures"]

Match = Callable[[Letter, Item], bool]

ORTHO = "Orthopedic Surgery"
PT = "Physical Therapy/Occupational Therapy (PT/OT)"

# (query as typed with aliases, the same query written with the values, what it matches).
# The second form is what the first must be stored as, word for word.
PAIRS: list[tuple[str, str, Match]] = [
    (
        "decision:denied AND specialty:ortho",
        f'decision:upheld AND specialty:"{ORTHO}"',
        lambda le, it: it.decision == "upheld" and ORTHO in le.reviewer.specialties,
    ),
    (
        "region:(lumbar OR cervical)",
        'region:("lumbar spine" OR "cervical spine")',
        lambda le, it: bool({"lumbar spine", "cervical spine"} & set(it.body_regions)),
    ),
    ("sex:F", "sex:female", lambda le, it: le.patient.sex == "female"),
    (
        "subcategory:PT/OT NOT decision:approved",
        f'subcategory:"{PT}" NOT decision:overturned',
        lambda le, it: it.subcategory == PT and it.decision != "overturned",
    ),
]


def expected(letters: list[Letter], match: Match) -> set[str]:
    return {le.item_id(it) for le in letters for it in le.items if match(le, it)}


def seen(store: AlertStore, name: str, run: int | None = None) -> set[str]:
    return {i.item_id for i in store.items(name, limit=100_000) if run is None or i.run == run}


@pytest.fixture
def halves() -> tuple[list[Letter], list[Letter]]:
    letters = sample_corpus()
    return letters[: len(letters) // 2], letters[len(letters) // 2 :]


@pytest.mark.parametrize(("typed", "canonical", "match"), PAIRS, ids=[p[0] for p in PAIRS])
def test_an_alias_is_stored_as_its_value_and_fires_as_it_does(
    engine_factory: EngineFactory,
    tmp_path: Path,
    halves: tuple[list[Letter], list[Letter]],
    typed: str,
    canonical: str,
    match: Match,
) -> None:
    first, second = halves
    everything = first + second
    # Each form matches something in each run, so the comparison below can fail.
    assert expected(first, match)
    assert expected(second, match) - expected(first, match)
    index = tmp_path / "index"
    engine = engine_factory(index)
    try:
        index_letters(engine, first)
        with AlertStore(alerts_path(index)) as store:
            added = store.add(engine, SavedSearch(name="typed", query=typed, filters={}))
            store.add(engine, SavedSearch(name="value", query=canonical, filters={}))
            assert added.search.query == canonical
            assert added.search.typed == typed
            assert added.matched == len(expected(first, match))
            stored = store.get("typed")
            assert (stored.query, stored.typed) == (canonical, typed)
            assert store.get("value").typed == ""  # nothing was read another way
            assert seen(store, "typed") == seen(store, "value") == expected(first, match)

            index_letters(engine, second)
            report = store.record_run(engine)
            assert report.errors == {}
            fresh = expected(everything, match) - expected(first, match)
            assert {i.item_id for i in report.new["typed"]} == fresh
            assert {i.item_id for i in report.new["value"]} == fresh
            assert seen(store, "typed") == seen(store, "value") == expected(everything, match)
    finally:
        engine.close()


def test_the_notes_are_the_flags_notes(engine_factory: EngineFactory, tmp_path: Path) -> None:
    engine = engine_factory(tmp_path / "index")
    try:
        index_letters(engine, sample_corpus())
        with AlertStore(alerts_path(tmp_path / "index")) as store:
            added = store.add(
                engine,
                SavedSearch(name="a", query="decision:Denied specialty:ortho", filters={}),
            )
            flags = store.add(
                engine,
                SavedSearch(
                    name="b", query="", filters={"decision": ("Denied",), "specialty": ("ortho",)}
                ),
            )
    finally:
        engine.close()
    assert (
        added.notes
        == flags.notes
        == (
            "decision: 'Denied' read as 'upheld'",
            f"specialty: 'ortho' read as {ORTHO!r}",
        )
    )
    assert flags.search.filters == {"decision": ("upheld",), "specialty": (ORTHO,)}


@pytest.mark.parametrize("query", ["region:lumbr", "decision:overturnd", "specialty:orthopedc"])
def test_a_value_no_item_has_is_refused_and_nothing_saved(
    engine_factory: EngineFactory, tmp_path: Path, query: str
) -> None:
    engine = engine_factory(tmp_path / "index")
    try:
        index_letters(engine, sample_corpus())
        with AlertStore(alerts_path(tmp_path / "index")) as store:
            with pytest.raises(QueryError) as exc:
                store.add(engine, SavedSearch(name="typo", query=query, filters={}))
            assert store.saved() == []
    finally:
        engine.close()
    assert "the closest values are" in str(exc.value)


# -- databases of the earlier version ----------------------------------------------------------

# The schema as the version before the ``typed`` column wrote it.
OLD_SCHEMA = """
CREATE TABLE alerts (
    name TEXT PRIMARY KEY,
    query TEXT NOT NULL,
    filters TEXT NOT NULL,
    date_from TEXT,
    date_to TEXT,
    created TEXT NOT NULL
);
CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL);
CREATE TABLE seen (
    name TEXT NOT NULL REFERENCES alerts(name) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    run INTEGER NOT NULL,
    seen_at TEXT NOT NULL,
    letter_id TEXT NOT NULL,
    case_number TEXT,
    decided TEXT,
    decision TEXT NOT NULL,
    service TEXT NOT NULL,
    PRIMARY KEY (name, item_id)
);
"""


def old_database(path: Path, letters: list[Letter], match: Match) -> None:
    """An alerts file as the earlier version left it: a search saved as typed, its baseline."""
    db = sqlite3.connect(path)
    with db:
        db.executescript(OLD_SCHEMA)
        db.execute(
            "INSERT INTO alerts VALUES ('lumbar', 'region:lumbar', ?, NULL, NULL, "
            "'2026-01-01T00:00:00Z')",
            (json.dumps({"decision": ["upheld"]}),),
        )
        db.executemany(
            "INSERT INTO seen VALUES ('lumbar', ?, 0, '2026-01-01T00:00:00Z', ?, ?, NULL, ?, ?)",
            [
                (le.item_id(it), le.id, le.case_number, it.decision, it.service)
                for le in letters
                for it in le.items
                if match(le, it)
            ],
        )
    db.close()


def lumbar_upheld(le: Letter, it: Item) -> bool:
    return "lumbar spine" in it.body_regions and it.decision == "upheld"


def test_an_old_database_is_read_as_it_was_then_stored_resolved(
    engine_factory: EngineFactory, tmp_path: Path, halves: tuple[list[Letter], list[Letter]]
) -> None:
    first, second = halves
    fresh = expected(first + second, lumbar_upheld) - expected(first, lumbar_upheld)
    assert fresh
    index = tmp_path / "index"
    path = alerts_path(index)
    old_database(path, first, lumbar_upheld)
    # The server opens it read-only: it reads it as it is, and changes nothing.
    with AlertStore(path, readonly=True) as store:
        assert store.get("lumbar").query == "region:lumbar"
        assert store.get("lumbar").typed == ""
        assert seen(store, "lumbar") == expected(first, lumbar_upheld)
    assert "typed" not in _columns(path)
    engine = engine_factory(index)
    try:
        index_letters(engine, first + second)
        with AlertStore(path) as store:  # a writer: the column is added
            assert "typed" in _columns(path)
            report = store.record_run(engine)
            assert {i.item_id for i in report.new["lumbar"]} == fresh
            stored = store.get("lumbar")
    finally:
        engine.close()
    assert (stored.query, stored.typed) == ('region:"lumbar spine"', "region:lumbar")
    assert stored.filters == {"decision": ("upheld",)}


def test_an_interrupted_migration_leaves_the_database_readable(
    tmp_path: Path, halves: tuple[list[Letter], list[Letter]]
) -> None:
    # Another connection holds the file's write lock the whole time a writer opens it: the
    # column cannot be added, the writer says so, and the file is the earlier version's still.
    first, _ = halves
    path = alerts_path(tmp_path / "index")
    old_database(path, first, lumbar_upheld)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    failed: list[BaseException] = []

    def open_writer() -> None:
        try:
            AlertStore(path).close()
        except StoreError as exc:
            failed.append(exc)

    writer = threading.Thread(target=open_writer)
    writer.start()
    writer.join(timeout=60)
    holder.execute("ROLLBACK")
    holder.close()
    assert not writer.is_alive()
    assert len(failed) == 1
    assert str(path) in str(failed[0])
    assert "typed" not in _columns(path)
    with AlertStore(path, readonly=True) as store:
        assert store.get("lumbar").query == "region:lumbar"
        assert seen(store, "lumbar") == expected(first, lumbar_upheld)
    with AlertStore(path) as store:  # the next writer adds it
        assert store.get("lumbar").query == "region:lumbar"
    assert "typed" in _columns(path)


def _columns(path: Path) -> set[str]:
    db = sqlite3.connect(path)
    try:
        return {str(r[1]) for r in db.execute("PRAGMA table_info(alerts)")}
    finally:
        db.close()


def _feed(client: httpx.Client, name: str) -> tuple[str, set[str]]:
    """The feed's subtitle and its entries' ids (an item: the letter and the item number)."""
    response = client.get(f"/alerts/{name}.atom")
    assert response.status_code == 200, response.text
    root = etree.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    subtitle = root.xpath("string(/a:feed/a:subtitle)", namespaces=ns)
    ids = root.xpath("/a:feed/a:entry/a:id/text()", namespaces=ns)
    assert isinstance(ids, list)
    return str(subtitle), {str(i) for i in ids}


def test_the_feeds_of_an_alias_and_of_its_value_are_the_same(
    engine_factory: EngineFactory, tmp_path: Path, halves: tuple[list[Letter], list[Letter]]
) -> None:
    typed, canonical, match = PAIRS[1]  # region:(lumbar OR cervical)
    first, second = halves
    index = tmp_path / "index"
    engine = engine_factory(index)
    try:
        index_letters(engine, first)
        with AlertStore(alerts_path(index)) as store:
            store.add(engine, SavedSearch(name="typed", query=typed, filters={}))
            store.add(engine, SavedSearch(name="value", query=canonical, filters={}))
            index_letters(engine, second)
            store.record_run(engine)
    finally:
        engine.close()
    wanted = {
        f"urn:imr-search:item:{le.id}:{it.number}"
        for le in first + second
        for it in le.items
        if match(le, it)
    }
    assert 0 < len(wanted) <= 100  # the feed's length
    app = create_app(Settings(index_dir=index))
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        by_alias, by_value = _feed(client, "typed"), _feed(client, "value")
    assert by_alias[1] == by_value[1] == wanted
    assert by_alias[0] == by_value[0] == f"IMR decisions matching {canonical}"


def test_the_cli_says_the_notes_and_lists_the_query_as_typed(
    engine_factory: EngineFactory, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    letters = sample_corpus()
    engine = engine_factory(index)
    try:
        index_letters(engine, letters)
    finally:
        engine.close()
    typed, canonical, match = PAIRS[0]  # decision:denied AND specialty:ortho
    runner = CliRunner()
    added = runner.invoke(main, ["alerts", "add", "ortho", typed, "--index", str(index)])
    assert added.exit_code == 0, added.output
    assert added.stderr.splitlines() == [
        "note: decision: 'denied' read as 'upheld'",
        f"note: specialty: 'ortho' read as {ORTHO!r}",
    ]
    matched = len(expected(letters, match))
    assert added.stdout.splitlines()[0] == (
        f"saved ortho: {canonical} (typed: {typed}) ({matched} items match now)"
    )
    listed = runner.invoke(main, ["alerts", "list", "--index", str(index)])
    assert listed.stdout == f"ortho: {canonical} (typed: {typed})\n"
    as_json = runner.invoke(main, ["alerts", "list", "--format", "json", "--index", str(index)])
    [saved] = json.loads(as_json.stdout)
    assert (saved["query"], saved["typed"]) == (canonical, typed)
    refused = runner.invoke(
        main, ["alerts", "add", "typo", "specialty:orthopedc", "--index", str(index)]
    )
    assert refused.exit_code == 2
    assert "no item has 'orthopedc'; the closest values are" in refused.stderr
    assert repr(ORTHO) in refused.stderr
    listed = runner.invoke(main, ["alerts", "list", "--index", str(index)])
    assert "typo" not in listed.stdout
