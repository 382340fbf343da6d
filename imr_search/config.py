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
    max_query_length: int = 1000
    max_file_bytes: int = 50 * 1024 * 1024
    # Per-file limit (seconds) on extraction and parsing when indexing or parsing in workers.
    file_time_limit: float = 60.0


_ENV: dict[str, tuple[str, type]] = {
    "IMR_SEARCH_INDEX": ("index_dir", Path),
    "IMR_SEARCH_ENGINE": ("engine", str),
    "IMR_SEARCH_HOST": ("host", str),
    "IMR_SEARCH_PORT": ("port", int),
    "IMR_SEARCH_WORKERS": ("workers", int),
    "IMR_SEARCH_QUERY_TIME_LIMIT": ("query_time_limit", float),
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
