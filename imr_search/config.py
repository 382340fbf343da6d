"""Settings, built once at the edge (CLI or server start-up) and passed down.

Precedence: defaults < ``IMR_SEARCH_*`` environment < command-line flags. No other module reads
the environment.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, get_args, get_type_hints

from imr_search.errors import ConfigError

DEFAULT_INDEX = Path("index")
# Defaults the library's own functions use too (the one place each number is written).
MAX_QUERY_LENGTH = 1000  # characters of a query
MAX_FILE_BYTES = 50 * 1024 * 1024  # bytes of one letter's file


def _setting(
    default: Any,
    env: str,
    flag: str,
    help: str,
    where: str = "imr-search",
    bounds: tuple[int, int] | None = None,
) -> Any:
    """A field of ``Settings`` with its environment variable, its flag and its help text (the
    one description ``imr-search --help``, the CLI's flags and the README use). ``where`` is
    the command that takes the flag (``imr-search`` itself, before the command, for a limit
    every command shares); ``bounds`` the range a number may take, if not any positive number
    (a limit of 0 would let nothing through)."""
    meta = {"env": env, "flag": flag, "help": help, "where": where, "bounds": bounds}
    return field(default=default, metadata=meta)


@dataclass(frozen=True, slots=True)
class Settings:
    index_dir: Path = _setting(
        DEFAULT_INDEX, "IMR_SEARCH_INDEX", "--index", "The index folder.", where="each command"
    )
    # None: Whoosh for a new index, or what the folder holds.
    engine: str | None = _setting(
        None,
        "IMR_SEARCH_ENGINE",
        "--engine",
        "The engine of a new index: whoosh or tantivy; unset, whoosh or what the folder holds.",
        where="index",
    )
    host: str = _setting("127.0.0.1", "IMR_SEARCH_HOST", "--host", "Address to listen on.", "serve")
    port: int = _setting(
        8080, "IMR_SEARCH_PORT", "--port", "Port to listen on.", "serve", bounds=(0, 65535)
    )
    # None: one per core, at most two (the benchmark's box has two cores, and each worker
    # holds its own engine's caches).
    workers: int | None = _setting(
        None,
        "IMR_SEARCH_WORKERS",
        "--workers",
        "Server processes over the same index; unset, one per core, at most 2.",
        "serve",
        bounds=(1, 64),
    )
    # The CLI runs without one.
    query_time_limit: float = _setting(
        5.0,
        "IMR_SEARCH_QUERY_TIME_LIMIT",
        "--query-time-limit",
        "Seconds a request may take in the server; past it the answer is partial, with a warning.",
        "serve",
    )
    max_query_length: int = _setting(
        MAX_QUERY_LENGTH,
        "IMR_SEARCH_MAX_QUERY_LENGTH",
        "--max-query-length",
        "Characters of a query; a longer one is refused.",
    )
    max_file_bytes: int = _setting(
        MAX_FILE_BYTES,
        "IMR_SEARCH_MAX_FILE_BYTES",
        "--max-file-bytes",
        "Bytes of one letter's file; a larger file is reported as failed.",
        "parse, index",
    )
    # The parser is linear, so a real letter takes well under a second; a file past this is
    # reported as failed and the run goes on (any --jobs).
    file_time_limit: float = _setting(
        5.0,
        "IMR_SEARCH_FILE_TIME_LIMIT",
        "--time-limit",
        "Seconds to extract and parse one file; a slower file is reported as failed.",
        "parse, index",
    )
    # -- what one letter may be (issue 13): past a limit the file is reported as failed --------
    # The longest real letters have a few dozen pages.
    max_pages: int = _setting(
        200,
        "IMR_SEARCH_MAX_PAGES",
        "--max-pages",
        "PDF pages of one letter (counted first).",
        "parse, index",
    )
    # About 1,500 pages of prose.
    max_chars: int = _setting(
        2_000_000,
        "IMR_SEARCH_MAX_CHARS",
        "--max-chars",
        "Characters of one letter's text.",
        "parse, index",
    )
    # Real letters hold 1 to 20+ items; about 1.6 on average.
    max_items: int = _setting(
        100, "IMR_SEARCH_MAX_ITEMS", "--max-items", "Disputed items in one letter.", "parse, index"
    )
    # -- what one request may be --------------------------------------------------------------
    max_url_length: int = _setting(
        8192,
        "IMR_SEARCH_MAX_URL_LENGTH",
        "--max-url-length",
        "Bytes of a request's path and query string; longer is 414.",
        "serve",
    )
    # No route takes a body beyond small forms.
    max_body_bytes: int = _setting(
        64 * 1024,
        "IMR_SEARCH_MAX_BODY_BYTES",
        "--max-body-bytes",
        "Bytes of a request body; larger is 413.",
        "serve",
    )


@dataclass(frozen=True, slots=True)
class SettingInfo:
    """One setting as users see it: ``imr-search --help`` lists these."""

    name: str  # the field of Settings
    env: str
    flag: str
    where: str  # the command whose flag it is ("imr-search": before any command)
    help: str
    default: Any
    kind: Callable[[str], Any]  # reads the environment's text
    bounds: tuple[int, int] | None  # None: any positive number


def describe() -> list[SettingInfo]:
    """Every setting, in the order of ``Settings``."""
    hints = get_type_hints(Settings)
    out = []
    for f in fields(Settings):
        # "int | None" reads as int; every setting's type is one of str, int, float, Path.
        kind = next(a for a in (*get_args(hints[f.name]), hints[f.name]) if a is not type(None))
        m = f.metadata
        info = SettingInfo(
            f.name, m["env"], m["flag"], m["where"], m["help"], f.default, kind, m["bounds"]
        )
        out.append(info)
    return out


def in_bounds(info: SettingInfo, value: Any) -> bool:
    """Whether a number is one the setting can take (its flag checks the same range)."""
    if info.kind not in (int, float):
        return True
    if info.bounds is not None:
        return bool(info.bounds[0] <= value <= info.bounds[1])
    return bool(value > 0)


def bounds_text(info: SettingInfo) -> str:
    if info.bounds is not None:
        return f"from {info.bounds[0]} to {info.bounds[1]}"
    return "a number above 0"


def load_settings(environ: Mapping[str, str], **overrides: Any) -> Settings:
    """Settings from the environment, then the non-None ``overrides`` (command-line flags)."""
    values: dict[str, Any] = {}
    for info in describe():
        raw = environ.get(info.env)
        if raw is None or raw == "":
            continue
        try:
            value = info.kind(raw)
        except ValueError:
            raise ConfigError(f"{info.env}={raw!r} is not a valid {info.kind.__name__}") from None
        if not in_bounds(info, value):
            raise ConfigError(f"{info.env}={raw!r} is out of range: {bounds_text(info)}")
        values[info.name] = value
    values.update({k: v for k, v in overrides.items() if v is not None})
    return replace(Settings(), **values)
