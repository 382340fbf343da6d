"""Baseline: SQLite FTS5, roughly what a Datasette user would build.

One FTS5 table of items (service, rationale, summary, guideline; ``porter unicode61``
tokenizer) whose rowid is the ``items`` row; plain tables for the filter values
(``filter_values(field, value, item)``) and facet values (``facet_values(item, facet, value)``),
and facets as ``GROUP BY`` over the matched items, as Datasette's facets do. Each search runs
the count, the page and the facet queries separately, as Datasette does.

Translation of a ``BenchQuery`` (see ``benchmarks/queries.py``):

- words and the phrase: ``"w1" AND "w2" AND "the phrase"`` against the whole FTS5 table (every
  column is one of the four text fields); ranking ``bm25(items_fts, 2.0, 1, 1, 1)`` (service
  boosted like Whoosh's ``service^2``); page snippets by ``snippet()`` on the rationale;
- filters: ``rowid IN (SELECT item FROM filter_values WHERE field = ? AND value IN (...))``, one
  per filter;
- letter grouping: ``GROUP BY letter_id`` ordered by the best bm25, total ``count(DISTINCT
  letter_id)``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from benchmarks.baselines.common import TEXT_FIELDS, Outcome, item_rows, letter_json
from benchmarks.queries import BenchQuery
from imr_search.model import Letter

DB_FILE = "items.db"
PAGE = 20

_SCHEMA = """
CREATE TABLE letters(id TEXT PRIMARY KEY, stored TEXT NOT NULL);
CREATE TABLE items(id INTEGER PRIMARY KEY, item_id TEXT NOT NULL, letter_id TEXT NOT NULL,
                   stored TEXT NOT NULL);
CREATE INDEX items_letter ON items(letter_id);
CREATE VIRTUAL TABLE items_fts USING fts5(service, rationale, summary, guideline,
                                          tokenize = 'porter unicode61');
CREATE TABLE filter_values(field TEXT, value TEXT, item INTEGER,
                           PRIMARY KEY(field, value, item)) WITHOUT ROWID;
CREATE TABLE facet_values(item INTEGER, facet TEXT, value TEXT,
                          PRIMARY KEY(item, facet, value)) WITHOUT ROWID;
"""


def build(path: Path, letters: Iterable[Letter]) -> None:
    """Create the database in the folder ``path`` (one transaction, like sqlite-utils)."""
    path.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path / DB_FILE)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.executescript(_SCHEMA)
    rowid = 0
    with db:
        for letter in letters:
            db.execute("INSERT INTO letters VALUES (?, ?)", (letter.id, letter_json(letter)))
            for row in item_rows(letter):
                rowid += 1
                db.execute(
                    "INSERT INTO items VALUES (?, ?, ?, ?)",
                    (rowid, row.item_id, row.letter_id, row.stored),
                )
                db.execute(
                    "INSERT INTO items_fts(rowid, service, rationale, summary, guideline) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (rowid, *(row.text[f] for f in TEXT_FIELDS)),
                )
                db.executemany(
                    "INSERT OR IGNORE INTO filter_values VALUES (?, ?, ?)",
                    [(f, v, rowid) for f, vs in row.filters.items() for v in vs],
                )
                db.executemany(
                    "INSERT OR IGNORE INTO facet_values VALUES (?, ?, ?)",
                    [(rowid, f, v) for f, vs in row.facets.items() for v in vs],
                )
    db.execute("INSERT INTO items_fts(items_fts) VALUES ('optimize')")
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def fts_expression(q: BenchQuery) -> str | None:
    """The FTS5 MATCH expression of the query's words and phrase (None: no text part)."""
    parts = [f'"{w}"' for w in q.words]
    if q.phrase:
        parts.append(f'"{q.phrase}"')
    return " AND ".join(parts) if parts else None


def _filters(q: BenchQuery, column: str) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for name, values in q.filters:
        marks = ", ".join("?" * len(values))
        clauses.append(
            f"{column} IN (SELECT item FROM filter_values WHERE field = ? AND value IN ({marks}))"
        )
        params += [name, *(v.lower() for v in values)]
    return " AND ".join(clauses), params


class SqliteSearcher:
    """Runs benchmark queries against a database built by ``build``."""

    name = "sqlite-fts5"

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path / DB_FILE, check_same_thread=False)

    def close(self) -> None:
        self.db.close()

    def _matched(self, q: BenchQuery) -> tuple[str, list[Any]]:
        """A subquery of the matching item ids, and its parameters."""
        expr = fts_expression(q)
        where, params = _filters(q, "rowid" if expr else "id")
        if expr:
            sql = "SELECT rowid FROM items_fts WHERE items_fts MATCH ?"
            return sql + (f" AND {where}" if where else ""), [expr, *params]
        return "SELECT id FROM items" + (f" WHERE {where}" if where else ""), params

    @staticmethod
    def _ranked(matched: str) -> str:
        """The text-match subquery with each row's bm25 as ``r``."""
        return matched.replace(
            "SELECT rowid FROM",
            "SELECT rowid AS id, bm25(items_fts, 2.0, 1.0, 1.0, 1.0) AS r FROM",
            1,
        )

    def run(self, q: BenchQuery) -> Outcome:
        matched, params = self._matched(q)
        expr = fts_expression(q)
        where, fparams = _filters(q, "f.rowid" if expr else "id")
        if q.letters:
            total = self.db.execute(
                f"SELECT count(DISTINCT letter_id) FROM items WHERE id IN ({matched})", params
            ).fetchone()[0]
            if expr:
                page = self.db.execute(
                    f"WITH m AS MATERIALIZED ({self._ranked(matched)}) "
                    "SELECT i.letter_id, min(m.r) AS best FROM m "
                    f"JOIN items i ON i.id = m.id GROUP BY i.letter_id ORDER BY best LIMIT {PAGE}",
                    params,
                ).fetchall()
            else:
                page = self.db.execute(
                    f"SELECT letter_id, min(id) FROM items WHERE id IN ({matched}) "
                    f"GROUP BY letter_id ORDER BY min(id) LIMIT {PAGE}",
                    params,
                ).fetchall()
            ids = [r[0] for r in page]
            if ids:
                marks = ", ".join("?" * len(ids))
                self.db.execute(
                    f"SELECT id, stored FROM items WHERE letter_id IN ({marks}) "
                    f"AND id IN ({matched})",
                    [*ids, *params],
                ).fetchall()
            shown = len(page)
        else:
            total = self.db.execute(f"SELECT count(*) FROM ({matched})", params).fetchone()[0]
            if expr:
                rows = self.db.execute(
                    "SELECT f.rowid, snippet(items_fts, 1, '[', ']', '…', 24), i.stored "
                    "FROM items_fts f JOIN items i ON i.id = f.rowid WHERE items_fts MATCH ?"
                    + (f" AND {where}" if where else "")
                    + f" ORDER BY bm25(items_fts, 2.0, 1.0, 1.0, 1.0) LIMIT {PAGE}",
                    [expr, *fparams],
                ).fetchall()
            else:
                rows = self.db.execute(
                    "SELECT id, stored FROM items"
                    + (f" WHERE {where}" if where else "")
                    + f" ORDER BY id LIMIT {PAGE}",
                    fparams,
                ).fetchall()
            shown = len(rows)
        facets: dict[str, dict[str, int]] = {}
        if q.facets:
            for facet, value, count in self.db.execute(
                f"SELECT facet, value, count(*) FROM facet_values WHERE item IN ({matched}) "
                "GROUP BY facet, value",
                params,
            ):
                facets.setdefault(facet, {})[value] = count
        return Outcome(total=total, shown=shown, facets=facets)


def size_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.iterdir() if p.is_file())
