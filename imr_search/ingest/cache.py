"""The record cache: what extraction and parsing made of a file, keyed by its content hash.

One SQLite file, beside the index (``<index>.records.sqlite``) or in a folder the user names,
so ``index --rebuild``, a new engine or a second index reads no PDF for a file it has seen.
Failures are kept too (a corrupt PDF stays corrupt), except those that say nothing about the
file (a time limit, a lost worker).

Every row carries the version of what made it (``PARSER_VERSION`` and the PDF extractor): a
parser upgrade never re-uses an older parser's records, and opening the cache with a new
version drops the old rows.

A cache that cannot be used (a full disk, a read-only folder, a damaged or foreign file) is a
``StoreError`` naming the file and the way out: it only saves work, so deleting it or indexing
with ``--no-cache`` loses nothing. A row that does not decode is a miss (the file is parsed
again and the row replaced).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from types import TracebackType

from imr_search.errors import ImrSearchError, store_error
from imr_search.model import Letter
from imr_search.parse import PARSER_VERSION, STDIN, PdfExtractor

CACHE_FILE = "records.sqlite"
# Rows per transaction: a commit per record would make the cache the slowest part of a run.
_COMMIT_EVERY = 500

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    digest TEXT PRIMARY KEY,
    version TEXT NOT NULL,
    source TEXT NOT NULL,
    record TEXT,
    reason TEXT
);
"""


def cache_version(extractor: PdfExtractor, parser_version: int = PARSER_VERSION) -> str:
    return f"parser {parser_version}, pdf {extractor}"


def default_cache_path(index_dir: Path) -> Path:
    """Beside the index folder, not inside it: a rebuild or a new engine may clear the folder."""
    return index_dir.parent / f"{index_dir.name}.{CACHE_FILE}"


@dataclass(frozen=True, slots=True)
class Cached:
    """A cached result: the record, or the reason the file failed."""

    letter: Letter | None
    reason: str | None


def _stem(source: str) -> str:
    return "stdin" if source == STDIN else PurePath(source).stem


class RecordCache:
    """Records and failures by content hash, for one ``version``. Not thread-safe: the one
    writer of a run owns it."""

    def __init__(self, path: Path, *, version: str) -> None:
        self.path = path
        self.version = version
        self.hits = 0
        self._pending = 0
        self._db: sqlite3.Connection | None = None
        with self._guard():
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=30)
            self._db.executescript(_SCHEMA)
            row = self._db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            if row is None or row[0] != version:
                # Another parser's records can never be used again: drop them, keep the file.
                with self._db:
                    self._db.execute("DELETE FROM records WHERE version != ?", (version,))
                    self._db.execute(
                        "INSERT OR REPLACE INTO meta VALUES ('version', ?)", (version,)
                    )

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """SQLite's and the file system's errors as one line with the way out."""
        try:
            yield
        except (sqlite3.Error, OSError) as e:
            if self._db is not None:
                self._db.close()
                self._db = None  # a failed cache is not written again (close does nothing)
            raise store_error(
                "the record cache",
                self.path,
                e,
                full="free space, or index with --no-cache",
                read_only="name a writable folder with --cache DIR, or index with --no-cache",
                damaged="delete it (it only saves parsing letters again; nothing is lost) "
                "or index with --no-cache",
            ) from None

    @property
    def _conn(self) -> sqlite3.Connection:
        assert self._db is not None, "the record cache is closed"
        return self._db

    def get(self, digest: str, source: str) -> Cached | None:
        """The cached result for these bytes, named as ``source``; None if there is none."""
        with self._guard():
            row = self._conn.execute(
                "SELECT source, record, reason FROM records WHERE digest = ? AND version = ?",
                (digest, self.version),
            ).fetchone()
        if row is None:
            return None
        made_from, record, reason = row
        if record is None:
            self.hits += 1
            return Cached(None, reason)
        try:
            letter = Letter.from_dict(json.loads(record))
        except (ValueError, TypeError, ImrSearchError):
            return None  # a damaged row: parse the file again, and the put replaces the row
        if made_from != source:
            # A letter without a case number takes its id from the file name: the same bytes
            # under another name are another record. Otherwise only ``source`` changes.
            if letter.id == _stem(made_from):
                return None
            letter = replace(letter, source=source)
        self.hits += 1
        return Cached(letter, None)

    def put(self, digest: str, source: str, letter: Letter) -> None:
        self._write(digest, source, letter.to_json(), None)

    def put_failure(self, digest: str, source: str, reason: str) -> None:
        self._write(digest, source, None, reason)

    def _write(self, digest: str, source: str, record: str | None, reason: str | None) -> None:
        with self._guard():
            self._conn.execute(
                "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?)",
                (digest, self.version, source, record, reason),
            )
        self._pending += 1
        if self._pending >= _COMMIT_EVERY:
            self.commit()

    def commit(self) -> None:
        with self._guard():
            self._conn.commit()
        self._pending = 0

    def __len__(self) -> int:
        with self._guard():
            row = self._conn.execute(
                "SELECT count(*) FROM records WHERE version = ?", (self.version,)
            ).fetchone()
        return int(row[0])

    def close(self) -> None:
        """Commit and close; after a failure (already reported) there is nothing to do."""
        if self._db is None:
            return
        try:
            self.commit()
        finally:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __enter__(self) -> RecordCache:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
