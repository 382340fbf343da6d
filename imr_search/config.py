"""Settings, built once at the edge (CLI or server start-up) and passed down.

Precedence: defaults < ``IMR_SEARCH_*`` environment < command-line flags. ``Settings`` is the one
description of every setting (its variable, flag, default, bounds and help); pydantic checks the
values and pydantic-settings names and reads the variables. No other module reads the
environment, and neither does ``Settings()``: the edge reads it and hands it to
``load_settings``.

pydantic-settings is imported only when the environment holds an ``IMR_SEARCH_*`` variable: its
import costs more than the rest of a one-hit search's start together (docs/benchmarks.md, "The
CLI's start"), so ``Settings`` is a plain pydantic model and the variables are read through a
settings class made from its fields when there are any to read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, get_args

import annotated_types
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.fields import FieldInfo

from imr_search.errors import ConfigError
from imr_search.setting_list import SettingInfo as SettingInfo

DEFAULT_INDEX = Path("index")
# Defaults the library's own functions use too (the one place each number is written).
MAX_QUERY_LENGTH = 1000  # characters of a query
MAX_FILE_BYTES = 50 * 1024 * 1024  # bytes of one letter's file

ENV_PREFIX = "IMR_SEARCH_"


@dataclass(frozen=True, slots=True)
class Flag:
    """A setting's command-line flag and the command that takes it: ``imr-search`` itself
    (before the command, for a limit every command shares), one command, several ("parse,
    index"), or "each command"."""

    name: str
    where: str = "imr-search"
    metavar: str | None = None  # the value's name in --help, when not SECONDS or N


class Settings(BaseModel):
    """Every setting. A number with no upper bound must be above 0 (a limit of 0 would let
    nothing through). ``Settings()`` holds the defaults; the environment is not read here."""

    model_config = ConfigDict(
        frozen=True,
        populate_by_name=True,  # Settings(index_dir=...) beside its variable's other name
    )

    index_dir: Annotated[Path, Flag("--index", "each command")] = Field(
        default=DEFAULT_INDEX, validation_alias="IMR_SEARCH_INDEX", description="The index folder."
    )
    # None: Whoosh for a new index, or what the folder holds.
    engine: Annotated[str | None, Flag("--engine", "index")] = Field(
        default=None,
        description="The engine of a new index: whoosh or tantivy; unset, whoosh or what the "
        "folder holds.",
    )
    host: Annotated[str, Flag("--host", "serve")] = Field(
        default="127.0.0.1", description="Address to listen on."
    )
    port: Annotated[int, Flag("--port", "serve")] = Field(
        default=8080, ge=0, le=65535, description="Port to listen on."
    )
    # None: one per core, at most two (the benchmark's box has two cores, and each worker
    # holds its own engine's caches).
    # Links that leave the page (feeds, exports, the letter page's printed URL) are absolute:
    # built from this, never from the request's Host header, which the client chooses.
    base_url: Annotated[str | None, Flag("--base-url", "serve, search")] = Field(
        default=None,
        pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$",
        description="Public root URL (http(s)://host[/prefix]) of feed and export links; "
        "unset, the server's own address.",
    )
    workers: Annotated[int | None, Flag("--workers", "serve")] = Field(
        default=None,
        ge=1,
        le=64,
        description="Server processes over the same index; unset, one per core, at most 2.",
    )
    # The CLI runs without one.
    query_time_limit: Annotated[float, Flag("--query-time-limit", "serve")] = Field(
        default=5.0,
        gt=0,
        description="Seconds a request may take in the server; past it the answer is partial, "
        "with a warning.",
    )
    max_query_length: Annotated[int, Flag("--max-query-length")] = Field(
        default=MAX_QUERY_LENGTH,
        gt=0,
        description="Characters of a query; a longer one is refused.",
    )
    # A new commit makes new keys, so nothing is ever stale; 0 turns the cache off. An answer
    # (a page of 20 hits with snippets and facets) is tens of kilobytes.
    cache_size: Annotated[int, Flag("--cache-size", "serve")] = Field(
        default=1000,
        ge=0,
        description="Answers each server process keeps in its response cache (keyed by the "
        "index's commit and the request); 0 turns it off.",
    )
    max_file_bytes: Annotated[int, Flag("--max-file-bytes", "parse, index")] = Field(
        default=MAX_FILE_BYTES,
        gt=0,
        description="Bytes of one letter's file; a larger file is reported as failed.",
    )
    # The parser is linear, so a real letter takes well under a second; a file past this is
    # reported as failed and the run goes on (any --jobs).
    file_time_limit: Annotated[float, Flag("--time-limit", "parse, index")] = Field(
        default=5.0,
        gt=0,
        description="Seconds to extract and parse one file; a slower file is reported as failed.",
    )
    # -- what one letter may be: past a limit the file is reported as failed --------
    # The longest real letters have a few dozen pages.
    max_pages: Annotated[int, Flag("--max-pages", "parse, index")] = Field(
        default=200, gt=0, description="PDF pages of one letter (counted first)."
    )
    # About 1,500 pages of prose.
    max_chars: Annotated[int, Flag("--max-chars", "parse, index")] = Field(
        default=2_000_000, gt=0, description="Characters of one letter's text."
    )
    # Real letters hold 1 to 20+ items; about 1.6 on average.
    max_items: Annotated[int, Flag("--max-items", "parse, index")] = Field(
        default=100, gt=0, description="Disputed items in one letter."
    )
    # -- what one request may be --------------------------------------------------------------
    # A real client sends its headers at once; a slow-loris would hold a connection forever.
    header_time_limit: Annotated[float, Flag("--header-time-limit", "serve")] = Field(
        default=10.0,
        gt=0,
        description="Seconds a client may take to send a request's headers; a slower "
        "connection is closed.",
    )
    max_url_length: Annotated[int, Flag("--max-url-length", "serve")] = Field(
        default=8192, gt=0, description="Bytes of a request's path and query string; longer is 414."
    )
    # No route takes a body beyond small forms.
    max_body_bytes: Annotated[int, Flag("--max-body-bytes", "serve")] = Field(
        default=64 * 1024, gt=0, description="Bytes of a request body; larger is 413."
    )

    # -- imr-search fetch: DWC's decision search ------------------------------------------------
    # Not base_url: that name is the public address of the server's own links.
    dwc_url: Annotated[str, Flag("--base-url", "fetch")] = Field(
        default="https://www.dir.ca.gov",
        description="DWC's site: scheme and host (the decision search's paths are appended).",
    )
    # DWC-SEARCH.md: the site throttles heavy clients; about one request a second is polite.
    fetch_rate: Annotated[float, Flag("--rate", "fetch", metavar="N")] = Field(
        default=1.0, gt=0, description="Requests a second to DWC's site."
    )
    contact: Annotated[str | None, Flag("--contact", "fetch")] = Field(
        default=None,
        description="An e-mail address for the site's administrators, sent in the User-Agent.",
    )
    # A month is about 450 pages of the case search; smaller windows keep each listing short
    # and a restart cheap.
    window_results: Annotated[int, Flag("--window-results", "fetch")] = Field(
        default=1000,
        gt=0,
        description="Results one date window may hold; a larger window is split in two.",
    )
    fetch_timeout: Annotated[float, Flag("--timeout", "fetch")] = Field(
        default=30.0, gt=0, description="Seconds to wait for one answer of DWC's site."
    )


def _info(name: str, field: FieldInfo) -> SettingInfo:
    flag = next(m for m in field.metadata if isinstance(m, Flag))
    kind = next(a for a in (*get_args(field.annotation), field.annotation) if a is not type(None))
    alias = field.validation_alias
    env = alias if isinstance(alias, str) else f"{ENV_PREFIX}{name.upper()}"
    low: int | None = None
    high: int | None = None
    above = False
    for m in field.metadata:  # the bounds are whole numbers (a float setting's too: above 0)
        if isinstance(m, annotated_types.Gt) and isinstance(m.gt, int):
            low, above = m.gt, True
        elif isinstance(m, annotated_types.Ge) and isinstance(m.ge, int):
            low = m.ge
        elif isinstance(m, annotated_types.Le) and isinstance(m.le, int):
            high = m.le
    return SettingInfo(
        name=name,
        env=env,
        flag=flag.name,
        where=flag.where,
        help=field.description or "",
        default=field.default,
        kind=kind,
        minimum=low,
        maximum=high,
        above=above,
        metavar=flag.metavar,
    )


def describe() -> list[SettingInfo]:
    """Every setting, in the order of ``Settings``."""
    return [_info(name, field) for name, field in Settings.model_fields.items()]


def bounds_text(info: SettingInfo) -> str:
    """The range a number may take, in words ("" for a setting that is not a number)."""
    if info.minimum is None:
        return ""
    if info.maximum is not None:
        return f"from {info.minimum} to {info.maximum}"
    return f"a number above {info.minimum}" if info.above else f"{info.minimum} or more"


def _from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """The settings ``environ``'s ``IMR_SEARCH_*`` variables give, by field name, as
    pydantic-settings reads them (the variables' names, case, empty values), over the
    environment the caller gives rather than ``os.environ``."""
    ours = {key.lower(): value for key, value in environ.items() if key.startswith(ENV_PREFIX)}
    if not ours:
        return {}
    from pydantic import create_model
    from pydantic_settings import BaseSettings, EnvSettingsSource, SettingsConfigDict

    class Named(BaseSettings):
        model_config = SettingsConfigDict(
            env_prefix=ENV_PREFIX,
            env_ignore_empty=True,  # IMR_SEARCH_PORT= (empty) leaves the default
        )

    # The same fields (names, variables' aliases), for pydantic-settings to name the variables.
    fields: dict[str, Any] = {
        name: (field.annotation, field) for name, field in Settings.model_fields.items()
    }
    named = create_model("NamedSettings", __base__=Named, **fields)

    class Environment(EnvSettingsSource):
        def _load_env_vars(self) -> Mapping[str, str | None]:
            # The hook pydantic-settings' own DotEnvSettingsSource overrides the same way
            # (names matched in lower case: case_sensitive is off).
            return {k: v for k, v in ours.items() if v or not self.env_ignore_empty}

    source = Environment(named)
    found = {}
    for name, field in named.model_fields.items():
        value, _, _ = source.get_field_value(field, name)
        if value is not None:
            found[name] = value
    return found


def _validated(values: dict[str, Any], said: Callable[[SettingInfo, Any], str]) -> Settings:
    """``Settings(**values)``, or a ``ConfigError`` for the first bad value (``said`` names it,
    as its variable or its flag) with the range it may take (exit 2)."""
    try:
        return Settings(**values)
    except ValidationError as e:
        error = e.errors()[0]
        info = next((i for i in describe() if error["loc"][0] in (i.name, i.env)), None)
        if info is None:  # not a setting: a caller's mistake, not the user's
            raise
        what = said(info, values.get(info.name, error["input"]))
        if error["type"] in ("greater_than", "greater_than_equal", "less_than_equal"):
            raise ConfigError(f"{what} is out of range: {bounds_text(info)}") from None
        if error["type"] == "string_pattern_mismatch":
            raise ConfigError(f"{what} is not valid: {info.help}") from None
        raise ConfigError(f"{what} is not a valid {info.kind.__name__}") from None


def load_settings(environ: Mapping[str, str], **flags: Any) -> Settings:
    """Settings from ``environ``'s ``IMR_SEARCH_*`` variables, then the non-None ``flags``
    (command-line values, by field name). Every variable is checked, those of settings a command
    has no flag for too, and a bad one is named as the user wrote it: ``IMR_SEARCH_MAX_PAGES='0'
    is out of range: a number above 0``."""
    from_env = _from_environment(environ)
    _validated(from_env, lambda info, raw: f"{info.env}={raw!r}")
    given = {name: value for name, value in flags.items() if value is not None}
    return _validated(from_env | given, lambda info, value: f"{info.flag} {value!r}")
