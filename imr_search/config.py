"""Settings, built once at the edge (CLI or server start-up) and passed down.

Precedence: defaults < ``IMR_SEARCH_*`` environment < command-line flags. No other module reads
the environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from imr_search.errors import ConfigError

DEFAULT_INDEX = Path("index")
# Defaults the library's own functions use too (the one place each number is written).
MAX_QUERY_LENGTH = 1000  # characters of a query
MAX_FILE_BYTES = 50 * 1024 * 1024  # bytes of one letter's file


@dataclass(frozen=True, slots=True)
class Settings:
    index_dir: Path = DEFAULT_INDEX
    # The engine of a new index ("whoosh" or "tantivy"); None: Whoosh, or what the folder holds.
    engine: str | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    # Server worker processes over the same index; None: one per core, at most two (the
    # benchmark's box has two cores, and each worker holds its own engine's caches).
    workers: int | None = None
    # Per-query time limit (seconds) for the server; the CLI runs without one.
    query_time_limit: float = 5.0
    max_query_length: int = MAX_QUERY_LENGTH
    max_file_bytes: int = MAX_FILE_BYTES
    # Per-file limit (seconds) on extraction and parsing, in `parse` and `index` (any --jobs).
    # The parser is linear, so a real letter takes well under a second; a file past this is
    # reported as failed and the run goes on.
    file_time_limit: float = 5.0
    # -- what one letter may be (issue 13): past a limit the file is reported as failed --------
    # PDF pages read: the longest real letters have a few dozen pages.
    max_pages: int = 200
    # Characters of extracted text (about 1,500 pages of prose).
    max_chars: int = 2_000_000
    # Disputed items in one letter (real letters hold 1 to 20+; about 1.6 on average).
    max_items: int = 100
    # -- what one request may be --------------------------------------------------------------
    # Bytes of the request target (path and query string); longer is 414.
    max_url_length: int = 8192
    # Bytes of a request body (no route takes one beyond small forms); larger is 413.
    max_body_bytes: int = 64 * 1024


_ENV: dict[str, tuple[str, type]] = {
    "IMR_SEARCH_INDEX": ("index_dir", Path),
    "IMR_SEARCH_ENGINE": ("engine", str),
    "IMR_SEARCH_HOST": ("host", str),
    "IMR_SEARCH_PORT": ("port", int),
    "IMR_SEARCH_WORKERS": ("workers", int),
    "IMR_SEARCH_QUERY_TIME_LIMIT": ("query_time_limit", float),
    "IMR_SEARCH_FILE_TIME_LIMIT": ("file_time_limit", float),
    "IMR_SEARCH_MAX_PAGES": ("max_pages", int),
    "IMR_SEARCH_MAX_CHARS": ("max_chars", int),
    "IMR_SEARCH_MAX_ITEMS": ("max_items", int),
    "IMR_SEARCH_MAX_URL_LENGTH": ("max_url_length", int),
    "IMR_SEARCH_MAX_BODY_BYTES": ("max_body_bytes", int),
    "IMR_SEARCH_MAX_QUERY_LENGTH": ("max_query_length", int),
    "IMR_SEARCH_MAX_FILE_BYTES": ("max_file_bytes", int),
}


def load_settings(environ: Mapping[str, str], **overrides: Any) -> Settings:
    """Settings from the environment, then the non-None ``overrides`` (command-line flags)."""
    values: dict[str, Any] = {}
    for var, (name, kind) in _ENV.items():
        raw = environ.get(var)
        if raw is None or raw == "":
            continue
        try:
            values[name] = kind(raw)
        except ValueError:
            raise ConfigError(f"{var}={raw!r} is not a valid {kind.__name__}") from None
    values.update({k: v for k, v in overrides.items() if v is not None})
    return replace(Settings(), **values)
