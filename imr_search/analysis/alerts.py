"""Saved searches and alerts: a small SQLite database beside the index folder
(``<index>.alerts.sqlite``), so ``index --rebuild`` or a change of engine, which replace the
folder, keep it.

A saved search is a name, a query and filters. When it is saved, every item it matches is
recorded as seen (the baseline); after each ``imr-search index`` run, ``record_run`` records the
items it matches that were never seen before, under that run: those are the run's new items
(``new_items``), what the index summary lists and what the Atom feed puts first. Items are
identified by case and item (the item id), so a letter indexed again is not new again. Every
change is one transaction: an interrupted run records nothing.
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

from imr_search.errors import ConfigError, NotFoundError, QueryError, UsageError
from imr_search.search.backend import Engine
from imr_search.search.request import SearchRequest
from imr_search.search.results import ItemRecord
from imr_search.search.service import prepare

ALERTS_FILE = "alerts.sqlite"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    name TEXT PRIMARY KEY,
    query TEXT NOT NULL,
    filters TEXT NOT NULL,          -- JSON: filter name -> values
    date_from TEXT,
    date_to TEXT,
    created TEXT NOT NULL
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
        try:
            if readonly:
                self._db = sqlite3.connect(
                    f"file:{path}?mode=ro", uri=True, check_same_thread=False
                )
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(path)
                self._db.executescript(_SCHEMA)
            self._db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise ConfigError(f"cannot open the alerts database {path}: {exc}") from None

    def __enter__(self) -> AlertStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        # sqlite3's context manager commits on success and rolls back on an exception.
        with self._db:
            yield self._db

    # -- saved searches ---------------------------------------------------------------------

    def add(self, engine: Engine, search: SavedSearch) -> int:
        """Save ``search``; every item it matches now is its baseline. Returns that count.
        UsageError if the name is taken, QueryError for a bad query or filter."""
        check_name(search.name)
        # Checked as a search is (a bad query, or a value no item has, fails here, saved not)
        # and stored resolved: ``--region lumbar`` is saved as 'lumbar spine', which items carry.
        prepared = prepare(engine, search.request())
        search = replace(search, filters=dict(prepared.request.filters))
        engine.search(replace(prepared.request, size=1))
        created = _now()
        with self._transaction() as db:
            if db.execute("SELECT 1 FROM alerts WHERE name = ?", (search.name,)).fetchone():
                raise UsageError(
                    f"an alert named {search.name!r} exists: remove it first "
                    f"(imr-search alerts remove {search.name}) or choose another name"
                )
            db.execute(
                "INSERT INTO alerts VALUES (?, ?, ?, ?, ?, ?)",
                (
                    search.name,
                    search.query,
                    json.dumps({k: list(v) for k, v in search.filters.items()}),
                    search.date_from.isoformat() if search.date_from else None,
                    search.date_to.isoformat() if search.date_to else None,
                    created,
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
        return len(rows)

    def remove(self, name: str) -> None:
        with self._transaction() as db:
            if not db.execute("DELETE FROM alerts WHERE name = ?", (name,)).rowcount:
                raise NotFoundError(f"no alert named {name!r} (see imr-search alerts list)")

    def get(self, name: str) -> SavedSearch:
        row = self._db.execute(
            "SELECT name, query, filters, date_from, date_to, created FROM alerts WHERE name = ?",
            (name,),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no alert named {name!r} (see imr-search alerts list)")
        return _saved(row)

    def saved(self) -> list[SavedSearch]:
        rows = self._db.execute(
            "SELECT name, query, filters, date_from, date_to, created FROM alerts ORDER BY name"
        )
        return [_saved(r) for r in rows]

    # -- runs -------------------------------------------------------------------------------

    def record_run(self, engine: Engine) -> RunReport:
        """After an index run: each saved search's items never seen before, recorded under a
        new run (one transaction for all of them)."""
        searches = self.saved()
        at = _now()
        with self._transaction() as db:
            run = db.execute("INSERT INTO runs (at) VALUES (?)", (at,)).lastrowid
            assert run is not None
            report = RunReport(run)
            for s in searches:
                known = {
                    r[0] for r in db.execute("SELECT item_id FROM seen WHERE name = ?", (s.name,))
                }
                try:
                    matched = list(engine.iter_items(prepare(engine, s.request()).request))
                except QueryError as exc:
                    report.errors[s.name] = str(exc)
                    continue
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
        last = self._db.execute("SELECT MAX(id) FROM runs").fetchone()[0]
        if last is None:
            return []
        return self._seen("WHERE name = ? AND run = ?", (name, last))

    def items(self, name: str, *, limit: int = 100) -> list[SeenItem]:
        """Every item recorded for the saved search, newest first: latest run first, then the
        latest decision."""
        self.get(name)
        return self._seen("WHERE name = ?", (name,), limit=limit)

    def _seen(self, where: str, args: Sequence[object], *, limit: int = -1) -> list[SeenItem]:
        rows = self._db.execute(
            "SELECT item_id, letter_id, case_number, decided, decision, service, run, seen_at "
            f"FROM seen {where} ORDER BY run DESC, decided DESC, item_id LIMIT ?",
            (*args, limit),
        )
        return [
            SeenItem(r[0], r[1], r[2], dt.date.fromisoformat(r[3]) if r[3] else None, r[4],
                     r[5], r[6], r[7])
            for r in rows
        ]  # fmt: skip


def _saved(row: Sequence[str | None]) -> SavedSearch:
    name, query, filters, date_from, date_to, created = row
    assert name is not None
    assert query is not None
    assert filters is not None
    loaded: Mapping[str, list[str]] = json.loads(filters)
    return SavedSearch(
        name=name,
        query=query,
        filters={k: tuple(v) for k, v in loaded.items()},
        date_from=dt.date.fromisoformat(date_from) if date_from else None,
        date_to=dt.date.fromisoformat(date_to) if date_to else None,
        created=created or "",
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
