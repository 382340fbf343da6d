"""The one error hierarchy of imr-search.

Library code raises only these; the edges translate them (the CLI to messages and exit codes,
the server to one JSON error shape and an HTML error page)::

    ImrSearchError                  anything imr-search reports on purpose
    ├── ParseError                  a file could not be read or is not an IMR letter (exit 1)
    ├── UsageError                  bad input from the user: exit 2, HTTP 400
    │   ├── QueryError              a query that cannot be run (unknown field, bad range ...)
    │   ├── ConfigError             a bad setting (index path, port, ...)
    │   └── RecordError             a JSON record that is not a letter record
    ├── NotFoundError               no letter or item with that id (exit 1, HTTP 404)
    ├── StoreError                  the record cache or the alerts database cannot be read or
    │                               written: full disk, read-only folder, damaged file (exit 1,
    │                               HTTP 503)
    ├── IndexError_                 the index cannot be opened or written (exit 1, HTTP 503)
    │   ├── IndexBusyError          another process holds the write lock
    │   ├── DamagedIndexError       its files cannot be read: rebuild it
    │   └── OutdatedIndexError      made by an older imr-search: rebuild it
    └── FetchError                  DWC's decision search could not be read (exit 1)
        ├── SiteError               the site did not answer usably after every retry
        └── ProtocolError           a page that does not look like DWC-SEARCH.md says (saved)

``IndexError_`` carries a trailing underscore so it never shadows the builtin ``IndexError``
(a mistake Whoosh itself makes).
"""

from __future__ import annotations

import errno
import re
import sqlite3
from pathlib import Path


class ImrSearchError(Exception):
    """Base of every error imr-search raises on purpose; ``str()`` is the user-facing message."""

    exit_code = 1
    http_status = 500

    @property
    def public(self) -> str:
        """The message for a web client: by default the same (a subclass leaves out what
        only the operator should see, such as the server's file paths)."""
        return str(self)


class ParseError(ImrSearchError):
    """A source could not be turned into a letter record.

    ``path`` names the source as given (``-`` for standard input); ``reason`` says why, in words
    a user can act on ("encrypted PDF needs a password", "not an IMR letter: ..."). ``lasting``
    is False when the failure depends on a setting (a limit on pages, characters or items), so
    the record cache does not keep it past a change of that setting.
    """

    def __init__(self, path: str, reason: str, *, lasting: bool = True) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.lasting = lasting


class UsageError(ImrSearchError):
    """Bad usage or input from the user."""

    exit_code = 2
    http_status = 400


class QueryError(UsageError):
    """A query that cannot be run. ``position`` is the 0-based offset of the problem, if known."""

    def __init__(self, message: str, *, position: int | None = None, hint: str | None = None):
        super().__init__(message)
        self.position = position
        self.hint = hint


class ConfigError(UsageError):
    """A setting that cannot be used."""


class RecordError(UsageError):
    """A JSON record (``index --from-records``, a stored record) that does not fit the record's
    description; the message names each field that is wrong, on one line."""


class NotFoundError(ImrSearchError):
    """No letter or item with the requested id."""

    http_status = 404


# An absolute path in a message: from a "/" that starts a word to the next space, quote,
# bracket or separator ("no index in /srv/imr/index (build ...)", "cannot read /x/meta.json: ").
# A folder name with a space goes on while the next word holds a "/" ("/srv/my letters/index").
_SERVER_PATH = re.compile(r"(?<![\w/.~-])/[^\s'\"()<>,;:]+(?: [^\s'\"()<>,;:/]*/[^\s'\"()<>,;:]*)*")
SERVER_PATH_SHOWN = "[server folder]"


class IndexError_(ImrSearchError):  # trailing underscore: never shadow the builtin
    """The index cannot be opened, read or written."""

    http_status = 503

    @property
    def public(self) -> str:
        """The operator's message with the server's paths left out: a web client sees why the
        index is unavailable, not where the server keeps it (the log names the folder)."""
        return _SERVER_PATH.sub(SERVER_PATH_SHOWN, str(self))


class IndexBusyError(IndexError_):
    """Another process is writing the index."""

    def __init__(self, path: str) -> None:
        super().__init__(f"the index is being written by another process ({path})")
        self.path = path


class DamagedIndexError(IndexError_):
    """The index's files cannot be read (a damaged table of contents); ``index --rebuild``
    builds a new one beside it and replaces it."""

    def __init__(self, path: str, why: str) -> None:
        super().__init__(
            f"the index in {path} is damaged ({why}); build it again: imr-search index "
            f"PATHS... --rebuild --index {path} (the record cache spares parsing the PDFs)"
        )
        self.path = path


class OutdatedIndexError(IndexError_):
    """The index was made by an older imr-search whose documents this one cannot search
    correctly (``imr-search index ... --rebuild`` makes it anew)."""

    def __init__(self, path: str, why: str) -> None:
        super().__init__(
            f"{path} holds an index made by an older imr-search ({why}); rebuild it: "
            f"imr-search index PATHS... --rebuild --index {path}"
        )
        self.path = path


class StoreError(ImrSearchError):
    """A file imr-search keeps beside the index (the record cache, the alerts database) cannot
    be read or written. ``str()`` names the file and the way out, on one line; ``public`` says
    the same without the server's path."""

    http_status = 503

    def __init__(self, message: str, *, public: str) -> None:
        super().__init__(message)
        self._public = public

    @property
    def public(self) -> str:
        return self._public


# SQLite's primary result codes (the low byte of an extended code).
_SQLITE_FULL = {sqlite3.SQLITE_FULL}
_SQLITE_READ_ONLY = {sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_CANTOPEN}
_SQLITE_DAMAGED = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_OS_FULL = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
_OS_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}


def store_error(
    what: str,
    path: Path,
    exc: BaseException,
    *,
    full: str,
    read_only: str,
    damaged: str,
) -> StoreError:
    """``exc`` (an ``sqlite3.Error`` or ``OSError`` from ``what``, the file at ``path``) as one
    line: what happened in words and the way out given for it (``full``: the disk is full;
    ``read_only``: the folder or file may not be written; ``damaged``: the file is not a
    database, or a damaged one)."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    number = exc.errno if isinstance(exc, OSError) else None
    if path.is_dir():
        cause, way = "it is a folder, not a database file", damaged
    elif primary in _SQLITE_FULL or number in _OS_FULL:
        cause, way = "the disk is full", full
    elif primary == sqlite3.SQLITE_IOERR:
        # A write the file system refused (EFBIG past a file-size limit, EIO): like a full
        # disk for the user, and SQLite does not say which.
        cause, way = "the disk refused the write (full, or failing)", full
    elif primary in _SQLITE_READ_ONLY or number in _OS_READ_ONLY:
        cause, way = "it or its folder is read-only for this user", read_only
    elif path.is_file() and path.stat().st_size == 0:
        cause, way = "the file is empty (0 bytes): whatever it held is lost", damaged
    elif primary in _SQLITE_DAMAGED or isinstance(exc, ValueError):
        cause, way = "the file is damaged or not a database", damaged
    else:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        cause, way = reason, damaged
    return StoreError(f"{what} {path}: {cause}; {way}", public=f"{what}: {cause}")


class FetchError(ImrSearchError):
    """Letters or DWC's rows could not be fetched from DWC's decision search."""


class SiteError(FetchError):
    """The site did not answer usably (connection refused, 5xx, 429, timeouts) after every
    allowed try."""


class ProtocolError(FetchError):
    """A response that does not look like the protocol (``imr_search/fetch/protocol.py``):
    ``what`` names the difference, ``saved`` the file the response was saved to, so that a
    maintainer can compare it with the module and update it."""

    def __init__(self, what: str, saved: str | None = None) -> None:
        where = f" (page saved to {saved}; the protocol is imr_search/fetch/protocol.py)"
        super().__init__(f"DWC's site differs from the protocol: {what}" + (where if saved else ""))
        self.what = what
        self.saved = saved
