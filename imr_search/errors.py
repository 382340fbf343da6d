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
    ├── IndexError_                 the index cannot be opened or written (exit 1, HTTP 503)
    │   ├── IndexBusyError          another process holds the write lock
    │   └── OutdatedIndexError      made by an older imr-search: rebuild it
    └── FetchError                  DWC's decision search could not be read (exit 1)
        ├── SiteError               the site did not answer usably after every retry
        └── ProtocolError           a page that does not look like DWC-SEARCH.md says (saved)

``IndexError_`` carries a trailing underscore so it never shadows the builtin ``IndexError``
(a mistake Whoosh itself makes).
"""

from __future__ import annotations


class ImrSearchError(Exception):
    """Base of every error imr-search raises on purpose; ``str()`` is the user-facing message."""

    exit_code = 1
    http_status = 500


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


class IndexError_(ImrSearchError):  # trailing underscore: never shadow the builtin
    """The index cannot be opened, read or written."""

    http_status = 503


class IndexBusyError(IndexError_):
    """Another process is writing the index."""

    def __init__(self, path: str) -> None:
        super().__init__(f"the index is being written by another process ({path})")
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
