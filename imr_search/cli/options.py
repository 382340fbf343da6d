"""What the commands share: exit codes for errors, the format option, the ingest and filter
options, opening the index and building a search request.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from imr_search.cli.flags import F, setting_options
from imr_search.config import Settings
from imr_search.engines.registry import (
    ENGINES,
    engine_name,
    folder_engine,
    open_engine,
)
from imr_search.errors import ImrSearchError, UsageError
from imr_search.search.backend import Engine

if TYPE_CHECKING:
    from imr_search.ingest.tasks import Runner
from imr_search.search.fields import FIELDS, RANGE_FILTERS
from imr_search.search.filters import FILTER_TABLE
from imr_search.search.request import FILTERS, MAX_PAGE_SIZE, SearchRequest
from imr_search.search.results import Hit
from imr_search.search.service import prepare
from imr_search.search.syntax import DATE_FORMS, user_date
from imr_search.words import count

if TYPE_CHECKING:
    from imr_search.present.tables import Table


def fail(message: str, code: int) -> None:
    click.echo(f"imr-search: {message}", err=True)
    sys.exit(code)


def reports_errors(fn: F) -> F:
    """Translate the library's errors into a message and an exit code (never a traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except UsageError as e:
            hint = getattr(e, "hint", None)
            fail(f"{e}" + (f"\n  hint: {hint}" if hint else ""), e.exit_code)
        except ImrSearchError as e:
            fail(str(e), e.exit_code)
        except KeyboardInterrupt:
            fail("interrupted", 130)
        except BrokenPipeError:
            # `imr-search search ... | head`: the reader left; that is not an error.
            sys.stderr.close()
            sys.exit(0)
        except OSError as e:
            # A write the library did not name (a read-only folder, a full disk): one line
            # with the file and the cause, never a traceback.
            where = f"{e.filename}: " if e.filename else ""
            fail(f"{where}{e.strerror or e}", 1)

    return wrapper  # type: ignore[return-value]


def format_option(*choices: str, help: str | None = None) -> Callable[[F], F]:
    """``--format``, stored as ``fmt``; the first choice is the default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help=help,
    )


def out_option(fn: F) -> F:
    """``--out FILE``: a table's export written to a file instead of stdout."""
    return click.option(
        "--out",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        metavar="FILE",
        help="Write the json, csv or xlsx export to FILE instead of stdout.",
    )(fn)


def write_table(table: Table, fmt: str, data: object, out: Path | None = None) -> None:
    """A table as ``json`` (``data``, the dict the API returns, whose rows the table reads),
    ``csv`` or ``xlsx`` (``present.tables``: the server's cell rules), on stdout or to ``out``;
    a workbook only to a file or a pipe."""
    from imr_search.present.jsonforms import to_json

    payload = to_json(data, pretty=True) + "\n" if fmt == "json" else table.export(fmt)
    if out is not None:
        if isinstance(payload, bytes):
            out.write_bytes(payload)
        else:
            out.write_text(payload, encoding="utf-8", newline="")
        click.echo(f"wrote {count(len(table.rows), 'row')} ({fmt}) to {out}", err=True)
    elif isinstance(payload, bytes):
        if sys.stdout.isatty():
            raise UsageError("--format xlsx writes a workbook: redirect it or give --out FILE")
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
    else:
        click.echo(payload, nl=False)


def text_only_to_stdout(out: Path | None) -> None:
    """``--out`` with the text format: refused (the text is for reading; exports go to files)."""
    if out is not None:
        raise UsageError("--out writes an export: give --format json, csv or xlsx")


def ingest_options(fn: F) -> F:
    """``--jobs`` and ``--dask`` (where extraction and parsing run) and the letter limits."""
    fn = setting_options("parse, index")(fn)
    fn = click.option(
        "--dask",
        metavar="ADDRESS|local",
        default=None,
        help="Parse on a Dask cluster (scheduler address, or local for one on this machine; "
        "the files must be readable by its workers). Needs imr-search[cluster].",
    )(fn)
    fn = click.option(
        "--jobs",
        "-j",
        type=click.IntRange(1, None),
        default=None,
        help="Worker processes for extraction and parsing (default: every core).",
    )(fn)
    return fn


def runner_from(settings: Settings, jobs: int | None, dask: str | None) -> Runner:
    # Here, not at the top: the parser and the pipeline are for parse and index, and a search
    # starts faster without them.
    from imr_search.ingest.pipeline import make_runner
    from imr_search.parse import ParseLimits

    limits = ParseLimits(
        max_pages=settings.max_pages, max_chars=settings.max_chars, max_items=settings.max_items
    )
    return make_runner(
        jobs=jobs,
        time_limit=settings.file_time_limit,
        dask=dask,
        max_bytes=settings.max_file_bytes,
        limits=limits,
    )


# ---- index ------------------------------------------------------------------------------------

index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Index folder (default: $IMR_SEARCH_INDEX or ./index).",
)


def open_index(settings: Settings, *, create: bool = False) -> Engine:
    """The engine the index folder holds (``imr_search.engines.registry`` picks it; the engine
    setting
    matters only for a new index); everything below speaks the Engine interface."""
    return open_engine(
        settings.index_dir,
        engine=engine_name(settings.engine) if settings.engine and create else None,
        create=create,
        max_query_length=settings.max_query_length,
    )


def size_note(settings: Settings, letters: int) -> str | None:
    """A note when an index has grown past the size its engine is comfortable with."""
    held = folder_engine(settings.index_dir)
    comfortable = ENGINES[held].comfortable_letters if held else None
    if held is None or comfortable is None or letters <= comfortable:
        return None
    roomy = next(e.name for e in ENGINES.values() if e.comfortable_letters is None)
    return (
        f"note: this {held.capitalize()} index holds {letters:,} letters; past {comfortable:,} "
        f"searches slow down (docs/benchmarks.md). Rebuild it on {roomy} with:\n"
        f"  imr-search index PATHS... --rebuild --engine {roomy} --index {settings.index_dir}"
    )


# ---- search -----------------------------------------------------------------------------------

# Date ranges beside the decision date's --from/--to: field -> what (query.RANGE_FILTERS).
_RANGE_OPTIONS: dict[str, str] = {name: FIELDS[name].description for name in RANGE_FILTERS}


class _Date(click.ParamType[dt.datetime]):
    """A day, ISO or as people in California write it (``syntax.user_date``, which the API,
    the page and the query language read too), with their message for anything else."""

    name = "date"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> dt.datetime:
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time())
        day = user_date(str(value))
        if day is None:
            self.fail(f"{str(value).strip()!r} is not a date (use {DATE_FORMS})", param, ctx)
        return dt.datetime.combine(day, dt.time())


_DATE = _Date()


def filter_options(fn: F) -> F:
    """One repeatable option per filter of the one table
    (``imr_search.search.filters.FILTER_TABLE``):
    values OR-ed within, AND-ed across filters."""
    for f in reversed(FILTER_TABLE):
        fn = click.option(
            f"--{f.name}",
            multiple=True,
            metavar="VALUE",
            help=f"{f.help} Repeat for any of several.",
        )(fn)
    date = _DATE
    for name, what in reversed(_RANGE_OPTIONS.items()):
        for end, word in (("to", "before"), ("from", "after")):
            fn = click.option(
                f"--{name}-{end}",
                type=date,
                metavar="YYYY-MM-DD",
                help=f"{what}: on or {word} (or MM/DD/YYYY).",
            )(fn)
    for flag, name, help_ in (
        ("--to", "date_to", "Decided on or before this day (or MM/DD/YYYY)."),
        ("--from", "date_from", "Decided on or after this day (or MM/DD/YYYY)."),
    ):
        fn = click.option(flag, name, type=date, metavar="YYYY-MM-DD", help=help_)(fn)
    return fn


def scope_options(fn: F) -> F:
    """``--everywhere`` and ``--no-synonyms``: where a query's plain words search and whether
    they also search their abbreviations, synonyms and drug names."""
    fn = click.option(
        "--no-synonyms",
        is_flag=True,
        help="Search the words as typed: no abbreviations, synonyms or drug names "
        "(PT: not also physical therapy).",
    )(fn)
    fn = click.option(
        "--everywhere",
        is_flag=True,
        help="Plain words also search rationales, case summaries and citations (items that "
        "only mention them); by default they search the disputed services.",
    )(fn)
    return fn


def build_request(
    query: str,
    options: dict[str, Any],
    *,
    facets: bool = False,
    letters: bool = False,
    sort: str = "relevance",
    page: int = 1,
    size: int = 20,
) -> SearchRequest:
    filters = {name: tuple(options[name]) for name in FILTERS if options.get(name)}
    date_from: dt.datetime | None = options.get("date_from")
    date_to: dt.datetime | None = options.get("date_to")
    ranges: dict[str, tuple[dt.date | None, dt.date | None]] = {}
    for name in _RANGE_OPTIONS:
        low: dt.datetime | None = options.get(f"{name}_from")
        high: dt.datetime | None = options.get(f"{name}_to")
        if low or high:
            ranges[name] = (low.date() if low else None, high.date() if high else None)
    return SearchRequest(
        query=query,
        scope="everywhere" if options.get("everywhere") else "services",
        synonyms=not options.get("no_synonyms"),
        filters=filters,
        date_from=date_from.date() if date_from else None,
        date_to=date_to.date() if date_to else None,
        ranges=ranges,
        facets=facets,
        letters=letters,
        sort=sort,  # type: ignore[arg-type]  # click.Choice guarantees a SortOrder
        page=page,
        size=size,
    )


def checked_request(engine: Engine, request: SearchRequest) -> SearchRequest:
    """The request as the search service prepares it (``imr_search.search.service.prepare``),
    its notes said on stderr: a query that is only a case number searches that case; filter
    aliases are applied and a value no item has is refused with the closest values (exit 2)."""
    prepared = prepare(engine, request)
    if prepared.case_note:
        click.echo(f"note: {prepared.case_note} (imr-search show shows the whole letter)", err=True)
    for note in prepared.notes:
        click.echo(f"note: {note}", err=True)
    return prepared.request


def all_hits(engine: Engine, request: SearchRequest, cap: int) -> Iterator[Hit]:
    """Every hit of a search, page by page, up to ``cap`` (for exports)."""
    page, seen = 1, 0
    while seen < cap:
        size = min(MAX_PAGE_SIZE, cap - seen)
        result = engine.search(replace(request, page=page, size=size, facets=False))
        yield from result.hits
        seen += len(result.hits)
        if len(result.hits) < size or seen >= result.total:
            return
        page += 1
