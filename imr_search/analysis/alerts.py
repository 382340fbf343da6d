"""Saved searches and alerts: a small SQLite database beside the index folder
(``<index>.alerts.sqlite``), so ``index --rebuild`` or a change of engine, which replace the
folder, keep it.

A saved search is a name, a query and filters, checked as a search is and stored resolved: a
value no item has is refused with the closest values, and an alias is stored as the value it
stands for, in the filters (``--region lumbar`` as 'lumbar spine') and in the query text
(``decision:denied`` as ``decision:upheld``, the query as typed kept beside it for display),
so a search saved with an alias fires exactly as one saved with the value. When it is saved,
every item it matches is recorded as seen (the baseline); after each ``imr-search index``
run, ``record_run`` records the items it matches that were never seen before, under that run:
those are the run's new items (``new_items``), what the index summary lists and what the Atom
feed puts first. Items are identified by case and item (the item id), so a letter indexed
again is not new again. Every change is one transaction: an interrupted run records nothing.

A database that cannot be used (a full disk, a read-only folder, a damaged, empty or foreign
file, a folder in its place) is a ``StoreError`` naming the file and the way out; its
``public`` message, which the server shows, leaves out the path.

Databases of earlier versions (no ``typed`` column) are read as they are, by the server too;
the first writer adds the column (one ``ALTER TABLE``, atomic: an interrupted one leaves the
file as it was), and the next index run stores their queries resolved.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType

from imr_search.errors import NotFoundError, QueryError, UsageError, store_error
from imr_search.search.backend import Engine
from imr_search.search.request import SearchRequest
from imr_search.search.results import ItemRecord
from imr_search.search.service import Prepared, prepare

ALERTS_FILE = "alerts.sqlite"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    name TEXT PRIMARY KEY,
    query TEXT NOT NULL,
    filters TEXT NOT NULL,          -- JSON: filter name -> values
    date_from TEXT,
    date_to TEXT,
    created TEXT NOT NULL,
    typed TEXT                      -- the query as typed, when stored resolved otherwise
);
CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS seen (
    name TEXT NOT NULL REFERENCES alerts(name) ON DELETE CASCADE,
    item_id TEXT NOT NULL,
    run INTEGER NOT NULL,           -- 0: matched when the search was saved
    seen_at TEXT NOT NULL,
    letter_id TEXT NOT NULL,
    case_number TEXT,
    decided TEXT,
    decision TEXT NOT NULL,
    service TEXT NOT NULL,
    PRIMARY KEY (name, item_id)
);
"""


def alerts_path(index_dir: Path) -> Path:
    """Beside the index folder, not inside it: a rebuild replaces the folder."""
    return index_dir.parent / f"{index_dir.name}.{ALERTS_FILE}"


@dataclass(frozen=True, slots=True)
class SavedSearch:
    name: str
    query: str
    filters: dict[str, tuple[str, ...]]
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    created: str = ""
    # The query as the user typed it, when it is stored another way (its field values
    # resolved: ``specialty:ortho`` typed, ``specialty:"Orthopedic Surgery"`` stored); "" else.
    typed: str = ""

    def request(self) -> SearchRequest:
        return SearchRequest(
            query=self.query,
            filters=self.filters,
            date_from=self.date_from,
            date_to=self.date_to,
            sort="-decided",
        )

    def describe(self) -> str:
        parts = [self.query] if self.query else []
        parts += [f"--{k} {v!r}" for k, vs in self.filters.items() for v in vs]
        parts += [f"--from {self.date_from}"] if self.date_from else []
        parts += [f"--to {self.date_to}"] if self.date_to else []
        return " ".join(parts) or "(every item)"


@dataclass(frozen=True, slots=True)
class Added:
    """A search as saved (resolved), the items it matched then, and the notes on the values
    read another way (the flags' wording: "decision: 'denied' read as 'upheld'")."""

    search: SavedSearch
    matched: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SeenItem:
    """An item as an alert recorded it (enough to list it and link to its letter)."""

    item_id: str
    letter_id: str
    case_number: str | None
    decision_date: dt.date | None
    decision: str
    service: str
    run: int
    seen_at: str


@dataclass(slots=True)
class RunReport:
    run: int
    new: dict[str, list[SeenItem]] = field(default_factory=dict)  # alert name -> new items
    # alert name -> why it could not run (a saved query this version no longer accepts)
    errors: dict[str, str] = field(default_factory=dict)


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise UsageError(
            f"alert name {name!r}: use 1-64 letters, digits, '_', '-' or '.', starting with a "
            "letter or digit (it becomes the feed's URL, /alerts/NAME.atom)"
        )
    return name


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _seen_row(record: ItemRecord) -> tuple[str, str, str | None, str | None, str, str]:
    decided = record.decision_date.isoformat() if record.decision_date else None
    return (
        record.item_id,
        record.letter_id,
        record.case_number,
        decided,
        record.item.decision,
        record.item.service,
    )


class AlertStore:
    """The database of one index's saved searches. ``readonly`` (the server) never creates or
    changes the file."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._typed = "NULL"  # the column of the query as typed (absent from old databases)
        with self._guard():
            if path.is_file() and path.stat().st_size == 0:
                # SQLite takes an empty file for a new database and would say nothing: but a
                # file this store made is never empty, so its saved searches were lost.
                raise sqlite3.DatabaseError("empty file")
            if readonly:
                db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path)
            self._db = db
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
            if tables and "alerts" not in tables:
                # Another program's database: never add our tables to it.
                raise sqlite3.DatabaseError("not an imr-search alerts database")
            if not readonly:
                db.executescript(_SCHEMA)
                if "typed" not in _columns(db):  # a database of an earlier version
                    with db:
                        db.execute("ALTER TABLE alerts ADD COLUMN typed TEXT")
            self._typed = "typed" if "typed" in _columns(db) else "NULL"
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("SELECT 1 FROM alerts LIMIT 1").fetchall()  # a foreign or damaged file

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """SQLite's and the file system's errors (and rows that do not decode) as one line with
        the way out; the transaction in progress is rolled back, so nothing is half saved."""
        try:
            yield
        except (sqlite3.Error, OSError, ValueError) as exc:
            if self._db is not None:
                self._db.close()
                self._db = None
            raise store_error(
                "the alerts database",
                self.path,
                exc,
                full="free space and try again (nothing was saved)",
                read_only="run as a user who may write it and its folder (nothing was saved)",
                damaged="restore it from a backup, or delete it and save the searches again "
                "(imr-search alerts add)",
            ) from None

    @property
    def _conn(self) -> sqlite3.Connection:
        assert self._db is not None, "the alerts database is closed"
        return self._db

    def __enter__(self) -> AlertStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        # sqlite3's context manager commits on success and rolls back on an exception.
        with self._guard(), self._conn as db:
            yield db

    def _query(self, sql: str, args: Sequence[object] = ()) -> list[tuple[object, ...]]:
        with self._guard():
            return list(self._conn.execute(sql, args))

    # -- saved searches ---------------------------------------------------------------------

    def add(self, engine: Engine, search: SavedSearch) -> Added:
        """Save ``search``; every item it matches now is its baseline. Returns it as saved,
        that count and the notes on its aliases. UsageError if the name is taken, QueryError
        for a bad query or filter."""
        check_name(search.name)
        # Checked as a search is (a bad query, or a value no item has, fails here, saved not)
        # and stored resolved: ``--region lumbar`` is saved as 'lumbar spine', which items
        # carry, and ``region:lumbar`` as ``region:"lumbar spine"``.
        prepared = prepare(engine, search.request())
        search = _resolved(search, prepared)
        engine.search(replace(prepared.request, size=1))
        created = _now()
        with self._transaction() as db:
            if db.execute("SELECT 1 FROM alerts WHERE name = ?", (search.name,)).fetchone():
                raise UsageError(
                    f"an alert named {search.name!r} exists: remove it first "
                    f"(imr-search alerts remove {search.name}) or choose another name"
                )
            db.execute(
                "INSERT INTO alerts (name, query, filters, date_from, date_to, created, typed) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    search.name,
                    search.query,
                    json.dumps({k: list(v) for k, v in search.filters.items()}),
                    search.date_from.isoformat() if search.date_from else None,
                    search.date_to.isoformat() if search.date_to else None,
                    created,
                    search.typed or None,
                ),
            )
            rows = [
                (search.name, *_seen_row(r), created) for r in engine.iter_items(prepared.request)
            ]
            db.executemany(
                "INSERT INTO seen (name, item_id, letter_id, case_number, decided, decision, "
                "service, run, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)",
                rows,
            )
        return Added(replace(search, created=created), len(rows), tuple(prepared.all_notes))

    def remove(self, name: str) -> None:
        with self._transaction() as db:
            if not db.execute("DELETE FROM alerts WHERE name = ?", (name,)).rowcount:
                raise NotFoundError(f"no alert named {name!r} (see imr-search alerts list)")

    def get(self, name: str) -> SavedSearch:
        rows = self._query(
            f"SELECT name, query, filters, date_from, date_to, created, {self._typed} "
            "FROM alerts WHERE name = ?",
            (name,),
        )
        if not rows:
            raise NotFoundError(f"no alert named {name!r} (see imr-search alerts list)")
        with self._guard():
            return _saved(rows[0])

    def saved(self) -> list[SavedSearch]:
        rows = self._query(
            f"SELECT name, query, filters, date_from, date_to, created, {self._typed} "
            "FROM alerts ORDER BY name"
        )
        with self._guard():
            return [_saved(r) for r in rows]

    # -- runs -------------------------------------------------------------------------------

    def record_run(self, engine: Engine, letters: Sequence[str] | None = None) -> RunReport:
        """After an index run: each saved search's items never seen before, recorded under a
        new run (one transaction for all of them).

        ``letters``: the letters the run wrote (``IndexReport.written``). Only their items
        can be new, so each saved search is asked for its matches among them alone, and
        compared with what it has seen of those letters: the cost follows the run, not the
        index (a day's letters against 1.8 million). None (a rebuild, or a caller that cannot
        say): every match is read and compared, as when the search was saved."""
        searches = self.saved()
        at = _now()
        with self._transaction() as db:
            run = db.execute("INSERT INTO runs (at) VALUES (?)", (at,)).lastrowid
            assert run is not None
            report = RunReport(run)
            for s in searches:
                try:
                    prepared = prepare(engine, s.request())
                    request = prepared.request
                    if letters is None:
                        matched = list(engine.iter_items(request))
                        known = _known(db, s.name)
                    else:
                        matched = _matches_among(engine, request, letters)
                        known = _known(db, s.name, [r.item_id for r in matched])
                except QueryError as exc:
                    report.errors[s.name] = str(exc)
                    continue
                resolved = _resolved(s, prepared)
                if resolved != s:  # saved by an earlier version, as typed: now resolved
                    db.execute(
                        "UPDATE alerts SET query = ?, filters = ?, typed = ? WHERE name = ?",
                        (
                            resolved.query,
                            json.dumps({k: list(v) for k, v in resolved.filters.items()}),
                            resolved.typed or None,
                            s.name,
                        ),
                    )
                fresh = [r for r in matched if r.item_id not in known]
                db.executemany(
                    "INSERT INTO seen (name, item_id, letter_id, case_number, decided, decision, "
                    "service, run, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(s.name, *_seen_row(r), run, at) for r in fresh],
                )
                report.new[s.name] = [
                    SeenItem(r.item_id, r.letter_id, r.case_number, r.decision_date,
                             r.item.decision, r.item.service, run, at)
                    for r in fresh
                ]  # fmt: skip
        return report

    def new_items(self, name: str) -> list[SeenItem]:
        """The items the latest index run found new for this saved search."""
        self.get(name)
        last = self._query("SELECT MAX(id) FROM runs")[0][0]
        if last is None:
            return []
        return self._seen("WHERE name = ? AND run = ?", (name, last))

    def items(self, name: str, *, limit: int = 100) -> list[SeenItem]:
        """Every item recorded for the saved search, newest first: latest run first, then the
        latest decision."""
        self.get(name)
        return self._seen("WHERE name = ?", (name,), limit=limit)

    def _seen(self, where: str, args: Sequence[object], *, limit: int = -1) -> list[SeenItem]:
        rows = self._query(
            "SELECT item_id, letter_id, case_number, decided, decision, service, run, seen_at "
            f"FROM seen {where} ORDER BY run DESC, decided DESC, item_id LIMIT ?",
            (*args, limit),
        )
        with self._guard():
            return [
                SeenItem(_text(r[0]), _text(r[1]), _optional(r[2]), _date(r[3]), _text(r[4]),
                         _text(r[5]), int(str(r[6])), _text(r[7]))
                for r in rows
            ]  # fmt: skip


# Letters per search when a run's new items are looked for: one OR of letter ids each, so a
# run of any size is a few bounded queries.
LETTERS_PER_SEARCH = 1000
# Item ids per ``IN (...)`` of one SQLite statement (its default limit is 32,766 variables).
IDS_PER_STATEMENT = 900


def _matches_among(
    engine: Engine, request: SearchRequest, letters: Sequence[str]
) -> list[ItemRecord]:
    """The items of ``letters`` that ``request`` matches (its query, filters and dates), as
    its search over the whole index matches them. Where plain words search depends on the
    whole index (no service matched them, so they searched everywhere, or another spelling),
    so that decision is the whole index's: one search of a single hit tells it."""
    probe = engine.search(replace(request, size=1))
    if probe.respelled:  # searched as another spelling: only the whole search says which
        return [r for r in engine.iter_items(request) if r.letter_id in set(letters)]
    if probe.fallback:
        request = replace(request, scope="everywhere")
    unique = list(dict.fromkeys(letters))
    out: list[ItemRecord] = []
    for i in range(0, len(unique), LETTERS_PER_SEARCH):
        among = replace(request, only_letters=tuple(unique[i : i + LETTERS_PER_SEARCH]))
        if not probe.fallback:
            # No service of these letters matched the words, which the whole search's did:
            # none is new (their search widened to where the whole search did not).
            head = engine.search(replace(among, size=1))
            if head.fallback or head.respelled:
                continue
        out += engine.iter_items(among)
    return out


def _known(db: sqlite3.Connection, name: str, item_ids: Sequence[str] | None = None) -> set[str]:
    """The items ``name`` has seen: all of them, or those of ``item_ids``."""
    if item_ids is None:
        rows = db.execute("SELECT item_id FROM seen WHERE name = ?", (name,))
        return {str(r[0]) for r in rows}
    known: set[str] = set()
    for i in range(0, len(item_ids), IDS_PER_STATEMENT):
        chunk = item_ids[i : i + IDS_PER_STATEMENT]
        marks = ", ".join("?" * len(chunk))
        rows = db.execute(
            f"SELECT item_id FROM seen WHERE name = ? AND item_id IN ({marks})", (name, *chunk)
        )
        known.update(str(r[0]) for r in rows)
    return known


# A row of another shape than the schema's (a damaged file) is a ValueError, which the store
# reports as a damaged database.
def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"a text column holds {value!r}")
    return value


def _optional(value: object) -> str | None:
    return None if value is None else _text(value)


def _date(value: object) -> dt.date | None:
    return None if value is None or value == "" else dt.date.fromisoformat(_text(value))


def _columns(db: sqlite3.Connection) -> set[str]:
    return {str(r[1]) for r in db.execute("PRAGMA table_info(alerts)")}


def _resolved(search: SavedSearch, prepared: Prepared) -> SavedSearch:
    """``search`` as it is stored: its filters and its query's field values as ``prepare``
    resolved them, the query as typed kept when it differs."""
    query = prepared.resolved_query
    if query is None or query == search.query:
        return replace(search, filters=dict(prepared.request.filters))
    return replace(
        search,
        query=query,
        filters=dict(prepared.request.filters),
        typed=search.typed or search.query,
    )


def _saved(row: Sequence[object]) -> SavedSearch:
    name, query, filters, date_from, date_to, created, typed = row
    loaded = json.loads(_text(filters))
    if not isinstance(loaded, dict):
        raise ValueError("the filters are not a JSON object")
    checked: Mapping[str, list[str]] = loaded
    return SavedSearch(
        name=_text(name),
        query=_text(query),
        filters={str(k): tuple(str(x) for x in v) for k, v in checked.items()},
        date_from=_date(date_from),
        date_to=_date(date_to),
        created=_optional(created) or "",
        typed=_optional(typed) or "",
    )


def monthly_rate(engine: Engine, search: SavedSearch) -> tuple[int, int, float] | None:
    """(items matched, months of the indexed period, items a month), or None when the index
    has no decision dates: what the saved search would have brought a month."""
    stats = engine.stats()
    if stats.first_decision is None or stats.last_decision is None:
        return None
    first, last = stats.first_decision, stats.last_decision
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    total = engine.search(replace(prepare(engine, search.request()).request, size=1)).total
    return total, months, total / months
