"""The settings as users see them (flag, variable, default, range), as plain data: what
``imr-search --help`` and each command's flags need, without loading pydantic-settings, which
was a third of the command line's start.

``config.Settings`` stays the one description of the settings: the list below is generated
from it (``config.describe()``) by cog, ``cog -r imr_search/setting_list.py``, and
tests/test_setting_list.py fails when it is not current.
"""

# ruff: noqa: E501 (generated: a setting's help is one string, as config.Settings has it)
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class SettingInfo:
    """One setting as users see it: ``imr-search --help`` and docs/configuration.md list these."""

    name: str  # the field of Settings
    env: str
    flag: str
    where: str  # the command whose flag it is ("imr-search": before any command)
    help: str
    default: Any
    kind: type  # str, int, float or Path ("int | None" reads as int)
    minimum: int | None  # None: not a number
    maximum: int | None  # None: no upper bound
    above: bool  # the minimum itself is out of range (a number above 0)
    metavar: str | None = None


# [[[cog
# import cog
# import json
# from pathlib import Path
# q = lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, str) else repr(v)
# from imr_search.config import describe
# cog.outl("SETTINGS: tuple[SettingInfo, ...] = (")
# for i in describe():
#     default = f"Path({q(str(i.default))})" if isinstance(i.default, Path) else q(i.default)
#     cog.outl("    SettingInfo(")
#     cog.outl(f"        {q(i.name)},")
#     cog.outl(f"        {q(i.env)},")
#     cog.outl(f"        {q(i.flag)},")
#     cog.outl(f"        {q(i.where)},")
#     cog.outl(f"        {q(i.help)},")
#     cog.outl(f"        {default},")
#     cog.outl(f"        {i.kind.__name__},")
#     cog.outl(f"        {i.minimum!r},")
#     cog.outl(f"        {i.maximum!r},")
#     cog.outl(f"        {i.above!r},")
#     cog.outl(f"        {q(i.metavar)},")
#     cog.outl("    ),")
# cog.outl(")")
# ]]]
SETTINGS: tuple[SettingInfo, ...] = (
    SettingInfo(
        "index_dir",
        "IMR_SEARCH_INDEX",
        "--index",
        "each command",
        "The index folder.",
        Path("index"),
        Path,
        None,
        None,
        False,
        None,
    ),
    SettingInfo(
        "engine",
        "IMR_SEARCH_ENGINE",
        "--engine",
        "index",
        "The engine of a new index: whoosh or tantivy; unset, whoosh or what the folder holds.",
        None,
        str,
        None,
        None,
        False,
        None,
    ),
    SettingInfo(
        "host",
        "IMR_SEARCH_HOST",
        "--host",
        "serve",
        "Address to listen on.",
        "127.0.0.1",
        str,
        None,
        None,
        False,
        None,
    ),
    SettingInfo(
        "port",
        "IMR_SEARCH_PORT",
        "--port",
        "serve",
        "Port to listen on.",
        8080,
        int,
        0,
        65535,
        False,
        None,
    ),
    SettingInfo(
        "base_url",
        "IMR_SEARCH_BASE_URL",
        "--base-url",
        "serve, search",
        "Public root URL (http(s)://host[/prefix]) of feed and export links; unset, the server's own address.",
        None,
        str,
        None,
        None,
        False,
        None,
    ),
    SettingInfo(
        "workers",
        "IMR_SEARCH_WORKERS",
        "--workers",
        "serve",
        "Server processes over the same index; unset, one per core, at most 2.",
        None,
        int,
        1,
        64,
        False,
        None,
    ),
    SettingInfo(
        "query_time_limit",
        "IMR_SEARCH_QUERY_TIME_LIMIT",
        "--query-time-limit",
        "serve",
        "Seconds a request may take in the server; past it the answer is partial, with a warning.",
        5.0,
        float,
        0,
        None,
        True,
        None,
    ),
    SettingInfo(
        "max_query_length",
        "IMR_SEARCH_MAX_QUERY_LENGTH",
        "--max-query-length",
        "imr-search",
        "Characters of a query; a longer one is refused.",
        1000,
        int,
        0,
        None,
        True,
        None,
    ),
    SettingInfo(
        "cache_size",
        "IMR_SEARCH_CACHE_SIZE",
        "--cache-size",
        "serve",
        "Answers each server process keeps in its response cache (keyed by the index's commit and the request); 0 turns it off.",
        1000,
        int,
        0,
        None,
        False,
        None,
    ),
    SettingInfo(
        "max_file_bytes",
        "IMR_SEARCH_MAX_FILE_BYTES",
        "--max-file-bytes",
        "parse, index",
        "Bytes of one letter's file; a larger file is reported as failed.",
        52428800,
        int,
        0,
        None,
        True,
        None,
    ),
    SettingInfo(
        "file_time_limit",
        "IMR_SEARCH_FILE_TIME_LIMIT",
        "--time-limit",
        "parse, index",
        "Seconds to extract and parse one file; a slower file is reported as failed.",
        5.0,
        float,
        0,
        None,
        True,
        None,
    ),
    SettingInfo(
        "max_pages",
        "IMR_SEARCH_MAX_PAGES",
        "--max-pages",
        "parse, index",
        "PDF pages of one letter (counted first).",
        200,
        int,
        0,
        None,
        True,
        None,
    ),
    SettingInfo(
        "max_chars",
        "IMR_SEARCH_MAX_CHARS",
        "--max-chars",
        "parse, index",
        "Characters of one letter's text.",
        2000000,
        int,
        0,
        None,
        True,
        None,
    ),
    SettingInfo(
        "max_items",
        "IMR_SEARCH_MAX_ITEMS",
        "--max-items",
        "parse, index",
        "Disputed items in one letter.",
        100,
        int,
        0,
        None,
        True,
        None,
    ),
    SettingInfo(
        "header_time_limit",
        "IMR_SEARCH_HEADER_TIME_LIMIT",
        "--header-time-limit",
        "serve",
        "Seconds a client may take to send a request's headers; a slower connection is closed.",
        10.0,
        float,
        0,
        None,
        True,
        None,
    ),
    SettingInfo(
        "max_url_length",
        "IMR_SEARCH_MAX_URL_LENGTH",
        "--max-url-length",
        "serve",
        "Bytes of a request's path and query string; longer is 414.",
        8192,
        int,
        0,
        None,
        True,
        None,
    ),
    SettingInfo(
        "max_body_bytes",
        "IMR_SEARCH_MAX_BODY_BYTES",
        "--max-body-bytes",
        "serve",
        "Bytes of a request body; larger is 413.",
        65536,
        int,
        0,
        None,
        True,
        None,
    ),
    SettingInfo(
        "dwc_url",
        "IMR_SEARCH_DWC_URL",
        "--base-url",
        "fetch",
        "DWC's site: scheme and host (the decision search's paths are appended).",
        "https://www.dir.ca.gov",
        str,
        None,
        None,
        False,
        None,
    ),
    SettingInfo(
        "fetch_rate",
        "IMR_SEARCH_FETCH_RATE",
        "--rate",
        "fetch",
        "Requests a second to DWC's site.",
        1.0,
        float,
        0,
        None,
        True,
        "N",
    ),
    SettingInfo(
        "contact",
        "IMR_SEARCH_CONTACT",
        "--contact",
        "fetch",
        "An e-mail address for the site's administrators, sent in the User-Agent.",
        None,
        str,
        None,
        None,
        False,
        None,
    ),
    SettingInfo(
        "window_results",
        "IMR_SEARCH_WINDOW_RESULTS",
        "--window-results",
        "fetch",
        "Results one date window may hold; a larger window is split in two.",
        1000,
        int,
        0,
        None,
        True,
        None,
    ),
    SettingInfo(
        "fetch_timeout",
        "IMR_SEARCH_FETCH_TIMEOUT",
        "--timeout",
        "fetch",
        "Seconds to wait for one answer of DWC's site.",
        30.0,
        float,
        0,
        None,
        True,
        None,
    ),
)
# [[[end]]]
