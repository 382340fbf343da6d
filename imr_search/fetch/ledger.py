"""The fetch state and DWC's rows: one SQLite database beside the letters (``DIR/dwc.sqlite``).

It holds DWC's rows (``cases``: one per letter; ``treatments``: its disputed treatments in
DWC's order), what a run has read (``runs``, ``windows``, the rows of each result page read so
far in ``page_rows``) and the letters on disk with their hash (``letters``). WAL, and every step
is one transaction (a page and its rows, a window's rows, a letter), so ``kill -9`` at any
moment loses at most the step it interrupted, which a rerun does again.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from imr_search.errors import ConfigError
from imr_search.model import Decision, LetterOutcome

STATE_FILE = "dwc.sqlite"
SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cases (
    case_number TEXT PRIMARY KEY,
    pdf_url TEXT NOT NULL,
    outcome TEXT,
    decided TEXT NOT NULL,
    injured TEXT,
    received TEXT,
    specialty TEXT
);
CREATE INDEX IF NOT EXISTS cases_decided ON cases (decided);
CREATE TABLE IF NOT EXISTS treatments (
    case_number TEXT NOT NULL,
    position INTEGER NOT NULL,
    category TEXT NOT NULL,
    subcategory TEXT,
    decision TEXT NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (case_number, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    params TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT
);
CREATE TABLE IF NOT EXISTS windows (
    run INTEGER NOT NULL,
    search TEXT NOT NULL,
    first TEXT NOT NULL,
    last TEXT NOT NULL,
    total INTEGER,
    pages_read INTEGER NOT NULL DEFAULT 0,
    more INTEGER NOT NULL DEFAULT 1,  -- the last page read offered a next one
    listed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run, search, first, last)
);
CREATE TABLE IF NOT EXISTS page_rows (
    run INTEGER NOT NULL,
    search TEXT NOT NULL,
    first TEXT NOT NULL,
    last TEXT NOT NULL,
    page INTEGER NOT NULL,
    position INTEGER NOT NULL,
    row TEXT NOT NULL,
    PRIMARY KEY (run, search, first, last, page, position)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS letters (
    case_number TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    fetched TEXT NOT NULL,
    indexed INTEGER NOT NULL DEFAULT 0
);
-- the letters a run has written and not yet indexed: a handful among 1.8 million
CREATE INDEX IF NOT EXISTS letters_unindexed ON letters (path) WHERE indexed = 0;
CREATE TABLE IF NOT EXISTS problems (
    case_number TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """DWC's row of one case (a letter)."""

    case_number: str
    pdf_url: str
    outcome: LetterOutcome | None
    decided: dt.date
    injured: dt.date | None
    received: dt.date | None
    specialty: str | None


@dataclass(frozen=True, slots=True)
class Treatment:
    """DWC's row of one disputed treatment, mapped to dwc-taxonomy.json's names."""

    category: str
    subcategory: str | None
    decision: Decision
    label: str


@dataclass(frozen=True, slots=True)
class LetterFile:
    case_number: str
    path: str  # relative to the store's folder
    sha256: str
    size: int
    indexed: bool


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def find_state(path: Path) -> Path | None:
    """The state database of the store that holds ``path`` (a letter or a folder): the first
    ``dwc.sqlite`` in it or a folder above it."""
    here = path.resolve()
    for folder in (here, *here.parents) if here.is_dir() else here.parents:
        candidate = folder / STATE_FILE
        if candidate.is_file():
            return candidate
    return None


class State:
    """The store's database. Not thread-safe: one fetch owns it; readers may open it too."""

    def __init__(self, path: Path, *, create: bool = True) -> None:
        self.path = path
        if not create and not path.is_file():
            raise ConfigError(f"{path}: no fetch state here (imr-search fetch --out makes one)")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
            held = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if held is None:
                self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            elif held[0] != SCHEMA_VERSION:
                raise ConfigError(f"{path}: fetch state of another version ({held[0]})")
        except sqlite3.DatabaseError as e:
            raise ConfigError(f"{path}: cannot open the fetch state ({e})") from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> State:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _tx(self) -> sqlite3.Connection:
        """``with self._tx():`` one transaction (the connection runs in autocommit otherwise)."""
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def commit(self) -> None:
        self.db.execute("COMMIT")

    # --- runs and windows -------------------------------------------------------------------

    def open_run(self, params: dict[str, object]) -> int:
        """The unfinished run with these parameters (a rerun after a kill resumes it), or a
        new one."""
        key = json.dumps(params, sort_keys=True, default=str)
        row = self.db.execute(
            "SELECT id FROM runs WHERE params = ? AND finished IS NULL ORDER BY id DESC", (key,)
        ).fetchone()
        if row is not None:
            return int(row[0])
        cur = self.db.execute("INSERT INTO runs (params, started) VALUES (?, ?)", (key, _now()))
        return int(cur.lastrowid or 0)

    def finish_run(self, run: int) -> None:
        self.db.execute("UPDATE runs SET finished = ? WHERE id = ?", (_now(), run))

    def window(
        self, run: int, search: str, first: dt.date, last: dt.date
    ) -> tuple[int | None, int, bool]:
        """(total, pages read, listed) of a window of a run."""
        total, read, _, listed = self.window_progress(run, search, first, last)
        return total, read, listed

    def window_progress(
        self, run: int, search: str, first: dt.date, last: dt.date
    ) -> tuple[int | None, int, bool, bool]:
        """(total, pages read, whether the last page read offered a next one, listed)."""
        row = self.db.execute(
            "SELECT total, pages_read, more, listed FROM windows WHERE run=? AND search=? "
            "AND first=? AND last=?",
            (run, search, first.isoformat(), last.isoformat()),
        ).fetchone()
        if row is None:
            return None, 0, True, False
        return row[0], int(row[1]), bool(row[2]), bool(row[3])

    def save_page(
        self,
        run: int,
        search: str,
        first: dt.date,
        last: dt.date,
        page: int,
        total: int,
        rows: Sequence[dict[str, object]],
        more: bool = True,
    ) -> None:
        """One page read, its rows with it, in one transaction."""
        key = (run, search, first.isoformat(), last.isoformat())
        db = self._tx()
        try:
            db.execute(
                "INSERT INTO windows (run, search, first, last, total, pages_read, more) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET total=excluded.total, "
                "pages_read=excluded.pages_read, more=excluded.more",
                (*key, total, page, int(more)),
            )
            db.execute(
                "DELETE FROM page_rows WHERE run=? AND search=? AND first=? AND last=? AND page=?",
                (*key, page),
            )
            db.executemany(
                "INSERT INTO page_rows VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(*key, page, i, json.dumps(r, default=str)) for i, r in enumerate(rows)],
            )
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self.commit()

    def page_rows(
        self, run: int, search: str, first: dt.date, last: dt.date
    ) -> list[dict[str, object]]:
        """Every row read of a window, in page order."""
        rows = self.db.execute(
            "SELECT row FROM page_rows WHERE run=? AND search=? AND first=? AND last=? "
            "ORDER BY page, position",
            (run, search, first.isoformat(), last.isoformat()),
        )
        out: list[dict[str, object]] = [json.loads(r[0]) for r in rows]
        return out

    def store_window(
        self,
        run: int,
        search: str,
        first: dt.date,
        last: dt.date,
        cases: Sequence[CaseRecord],
        treatments: dict[str, list[Treatment]],
    ) -> None:
        """A listed window's cases and treatments (each case's whole list replaces what was
        held), and the window marked listed, in one transaction."""
        db = self._tx()
        try:
            self._put_cases(cases, treatments)
            db.execute(
                "INSERT INTO windows (run, search, first, last, listed) VALUES (?, ?, ?, ?, 1) "
                "ON CONFLICT DO UPDATE SET listed=1",
                (run, search, first.isoformat(), last.isoformat()),
            )
            db.execute(
                "DELETE FROM page_rows WHERE run=? AND search=? AND first=? AND last=?",
                (run, search, first.isoformat(), last.isoformat()),
            )
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self.commit()

    def put_cases(
        self, cases: Sequence[CaseRecord], treatments: dict[str, list[Treatment]]
    ) -> None:
        db = self._tx()
        try:
            self._put_cases(cases, treatments)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self.commit()

    def _put_cases(
        self, cases: Sequence[CaseRecord], treatments: dict[str, list[Treatment]]
    ) -> None:
        self.db.executemany(
            "INSERT INTO cases VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
            "pdf_url=excluded.pdf_url, outcome=coalesce(excluded.outcome, outcome), "
            "decided=excluded.decided, injured=excluded.injured, received=excluded.received, "
            "specialty=coalesce(excluded.specialty, specialty)",
            [
                (
                    c.case_number,
                    c.pdf_url,
                    c.outcome,
                    c.decided.isoformat(),
                    c.injured.isoformat() if c.injured else None,
                    c.received.isoformat() if c.received else None,
                    c.specialty,
                )
                for c in cases
            ],
        )
        for number, rows in treatments.items():
            self.db.execute("DELETE FROM treatments WHERE case_number = ?", (number,))
            self.db.executemany(
                "INSERT INTO treatments VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (number, i, t.category, t.subcategory, t.decision, t.label)
                    for i, t in enumerate(rows, 1)
                ],
            )

    # --- DWC's rows ---------------------------------------------------------------------------

    def case(self, number: str) -> CaseRecord | None:
        row = self.db.execute("SELECT * FROM cases WHERE case_number = ?", (number,)).fetchone()
        return None if row is None else _case(row)

    def cases_between(self, first: dt.date, last: dt.date) -> list[CaseRecord]:
        rows = self.db.execute(
            "SELECT * FROM cases WHERE decided BETWEEN ? AND ? ORDER BY decided, case_number",
            (first.isoformat(), last.isoformat()),
        )
        return [_case(r) for r in rows]

    def all_cases(self) -> Iterator[CaseRecord]:
        for row in self.db.execute("SELECT * FROM cases ORDER BY decided, case_number"):
            yield _case(row)

    def treatments(self, number: str) -> list[Treatment]:
        rows = self.db.execute(
            "SELECT category, subcategory, decision, label FROM treatments WHERE case_number = ? "
            "ORDER BY position",
            (number,),
        )
        return [Treatment(r[0], r[1], r[2], r[3]) for r in rows]

    def held_between(self, first: dt.date, last: dt.date) -> int:
        """Letters on disk of cases decided from ``first`` to ``last``."""
        row = self.db.execute(
            "SELECT count(*) FROM letters JOIN cases USING (case_number) "
            "WHERE decided BETWEEN ? AND ?",
            (first.isoformat(), last.isoformat()),
        ).fetchone()
        return int(row[0])

    def latest_decided(self) -> dt.date | None:
        row = self.db.execute("SELECT max(decided) FROM cases").fetchone()
        return _day(row[0]) if row else None

    def counts(self) -> tuple[int, int, int]:
        """(cases, treatments, letters on disk)."""
        row = self.db.execute(
            "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM treatments), "
            "(SELECT count(*) FROM letters)"
        ).fetchone()
        return int(row[0]), int(row[1]), int(row[2])

    # --- letters ------------------------------------------------------------------------------

    def letter(self, number: str) -> LetterFile | None:
        row = self.db.execute(
            "SELECT case_number, path, sha256, bytes, indexed FROM letters WHERE case_number = ?",
            (number,),
        ).fetchone()
        return (
            None if row is None else LetterFile(row[0], row[1], row[2], int(row[3]), bool(row[4]))
        )

    def put_letter(self, number: str, path: str, sha256: str, size: int) -> None:
        self.db.execute(
            "INSERT INTO letters VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT DO UPDATE SET "
            "path=excluded.path, sha256=excluded.sha256, bytes=excluded.bytes, indexed=0",
            (number, path, sha256, size, _now()),
        )
        self.db.execute("DELETE FROM problems WHERE case_number = ?", (number,))

    def unindexed(self) -> list[LetterFile]:
        rows = self.db.execute(
            "SELECT case_number, path, sha256, bytes, indexed FROM letters WHERE indexed = 0 "
            "ORDER BY path"
        )
        return [LetterFile(r[0], r[1], r[2], int(r[3]), False) for r in rows]

    def mark_indexed(self, numbers: Sequence[str]) -> None:
        self.db.executemany(
            "UPDATE letters SET indexed = 1 WHERE case_number = ?", [(n,) for n in numbers]
        )

    def put_problem(self, number: str, kind: str, reason: str) -> None:
        self.db.execute(
            "INSERT INTO problems VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
            "kind=excluded.kind, reason=excluded.reason, at=excluded.at",
            (number, kind, reason, _now()),
        )


def _case(row: sqlite3.Row | tuple[object, ...]) -> CaseRecord:
    number, url, outcome, decided, injured, received, specialty = row
    day = _day(str(decided))
    assert day is not None
    return CaseRecord(
        case_number=str(number),
        pdf_url=str(url),
        outcome=outcome,  # type: ignore[arg-type]
        decided=day,
        injured=_day(injured),  # type: ignore[arg-type]
        received=_day(received),  # type: ignore[arg-type]
        specialty=specialty,  # type: ignore[arg-type]
    )
