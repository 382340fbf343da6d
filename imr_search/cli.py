"""The ``imr-search`` command line: a thin shell over the library.

Each command parses its options, builds the settings once, calls the library and formats the
output. Errors from the library (``ImrSearchError``) become one line on stderr and an exit
code: 0 ok, 1 failure, 2 bad usage or input.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

from imr_search import __version__
from imr_search.config import SettingInfo, Settings, describe, load_settings
from imr_search.engine import FILTERS, MAX_PAGE_SIZE, SORT_ORDERS, Engine, Hit, SearchRequest
from imr_search.engines import (
    ENGINES,
    WHOOSH_COMFORT_LETTERS,
    engine_name,
    folder_engine,
    open_engine,
    outdated,
    replacing,
)
from imr_search.errors import ImrSearchError, UsageError
from imr_search.export import csv_rows, records_xlsx
from imr_search.filtervalues import check_filters
from imr_search.indexer import IndexProgress, IndexReport, index_paths, index_records
from imr_search.ingest import Runner, ingest, make_runner
from imr_search.jsonforms import (
    citator_dict,
    crosstab_dict,
    hit_dict,
    precedents_dict,
    result_dict,
    similar_dict,
    stats_dict,
    to_json,
)
from imr_search.lookup import case_number_search, find_letter
from imr_search.model import Item, Letter
from imr_search.parse import ParseLimits, iter_sources
from imr_search.present import (
    citation,
    letter_text,
    precedents_text,
    result_table,
    similar_text,
)
from imr_search.query import FIELDS, FILTER_TABLE, RANGE_FILTERS

if TYPE_CHECKING:
    from imr_search.alerts import SeenItem

F = TypeVar("F", bound=Callable[..., Any])


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


_SETTINGS_KEY = "imr_search.settings"


def _remember_setting(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    # ``ctx.meta`` is shared by the group's context and the command's, so a setting given
    # before the command and one given after it reach ``settings_from`` the same way.
    if value is not None and param.name:
        ctx.meta.setdefault(_SETTINGS_KEY, {})[param.name] = value


def _setting_type(info: SettingInfo) -> click.ParamType[Any] | None:
    if info.kind not in (int, float):
        return None
    if info.bounds is not None:
        return click.IntRange(*info.bounds)
    if info.kind is int:
        return click.IntRange(1, None)
    return click.FloatRange(0, None, min_open=True)


def _where_text(info: SettingInfo) -> str:
    return "imr-search, before the command" if info.where == "imr-search" else info.where


def _default_text(info: SettingInfo) -> str:
    return f"${info.env}" + ("" if info.default is None else f", else {info.default}")


def setting_options(where: str) -> Callable[[F], F]:
    """The flags of the settings ``where`` takes (``config.describe()``: one description of
    each setting); their values reach ``settings_from`` through the context."""

    def decorate(fn: F) -> F:
        for info in reversed([i for i in describe() if i.where == where]):
            fn = click.option(
                info.flag,
                info.name,
                type=_setting_type(info),
                metavar="SECONDS" if info.kind is float else "N" if info.kind is int else None,
                default=None,
                expose_value=False,
                callback=_remember_setting,
                help=f"{info.help} (default: {_default_text(info)})",
            )(fn)
        return fn

    return decorate


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


def settings_from(**flags: Any) -> Settings:
    """Settings for this invocation: environment, then the flags given (the command's own and
    those ``setting_options`` collected)."""
    ctx = click.get_current_context(silent=True)
    given = dict(ctx.meta.get(_SETTINGS_KEY, {})) if ctx else {}
    given.update({k: v for k, v in flags.items() if v is not None})
    return load_settings(os.environ, **given)


class _MainGroup(click.Group):
    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Every setting, where its flag goes and its variable: the one list users need.
        rows = [(i.flag, f"{_where_text(i)}: {i.help} ({_default_text(i)})") for i in describe()]
        with formatter.section("Settings (default < environment variable < flag)"):
            formatter.write_dl(rows)


@click.group(
    cls=_MainGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="imr-search")
@setting_options("imr-search")
def main() -> None:
    """Search California workers' compensation IMR decisions.

    Parse Final Determination Letters (PDF, text, HTML), index them, and search them by
    keyword and facet from the terminal or a small web server.
    """


@main.command()
@click.argument("paths", nargs=-1, required=True)
@format_option(
    "jsonl",
    "json",
    "text",
    help="jsonl: one JSON record per line; json: one array; text: for reading.",
)
@ingest_options
@reports_errors
def parse(
    paths: tuple[str, ...],
    fmt: str,
    jobs: int | None,
    dask: str | None,
) -> None:
    """Parse letters and print one record per letter.

    PATHS are .pdf, .txt, .html/.htm files, folders (searched recursively) or - for standard
    input. A file that cannot be parsed is reported on stderr with its reason; the others go
    on, and the exit status is 1. Records come out in the order of PATHS whatever --jobs is.
    """
    settings = settings_from()
    stdin = sys.stdin.buffer if "-" in paths else None
    failed = 0
    records: list[dict[str, Any]] = []
    sources = list(iter_sources(paths))
    outcomes = ingest(
        sources,
        runner_from(settings, jobs, dask),
        stdin=stdin,
        max_bytes=settings.max_file_bytes,
    )
    for outcome in outcomes:
        if outcome.letter is None:
            failed += 1
            click.echo(f"imr-search: {outcome.source}: {outcome.reason}", err=True)
            continue
        letter = outcome.letter
        if fmt == "jsonl":
            click.echo(to_json(letter.to_dict()))
        elif fmt == "text":
            click.echo(letter_text(letter))
            click.echo("")
        else:
            records.append(letter.to_dict())
    if fmt == "json":
        click.echo(to_json(records, pretty=True))
    if failed:
        sys.exit(1)


# ---- index ------------------------------------------------------------------------------------

index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Index folder (default: $IMR_SEARCH_INDEX or ./index).",
)


def open_index(settings: Settings, *, create: bool = False) -> Engine:
    """The engine the index folder holds (``imr_search.engines`` picks it; the engine setting
    matters only for a new index); everything below speaks the Engine interface."""
    return open_engine(
        settings.index_dir,
        engine=engine_name(settings.engine) if settings.engine and create else None,
        create=create,
        max_query_length=settings.max_query_length,
    )


def size_note(settings: Settings, letters: int) -> str | None:
    """A note when a Whoosh index has grown past the size Whoosh is comfortable with."""
    if letters <= WHOOSH_COMFORT_LETTERS or folder_engine(settings.index_dir) != "whoosh":
        return None
    return (
        f"note: this Whoosh index holds {letters:,} letters; past {WHOOSH_COMFORT_LETTERS:,} "
        "searches slow down (docs/benchmarks.md). Rebuild it on tantivy with:\n"
        f"  imr-search index PATHS... --rebuild --engine tantivy --index {settings.index_dir}"
    )


class Progress:
    """Files done, rate and time left: click's progress bar on a terminal; elsewhere (a log,
    CI, nohup) a plain line every ``interval`` seconds, which a log can keep."""

    def __init__(self, tty: bool, *, interval: float = 5.0) -> None:
        self.tty = tty
        self.interval = interval
        self.start = time.monotonic()
        self.last = 0.0 if tty else self.start
        self.failed = 0
        # click.progressbar's type (ProgressBar) lives in a private module: not named here.
        self.bar: Any = None

    def __call__(self, p: IndexProgress) -> None:
        self.failed += p.outcome == "failed"
        if not self.tty:
            self.plain(p)
            return
        if self.bar is None:
            self.bar = click.progressbar(
                length=p.total, label="files", show_pos=True, file=sys.stderr
            )
        self.bar.update(p.done - self.bar.pos)
        if p.done == p.total:
            self.bar.render_finish()

    def plain(self, p: IndexProgress) -> None:
        now = time.monotonic()
        if now - self.last < self.interval:
            return
        self.last = now
        rate = p.done / max(now - self.start, 1e-6)
        click.echo(
            f"imr-search: {p.done}/{p.total} files, {rate:.1f}/s, {self.failed} failed", err=True
        )


def report_text(report: IndexReport) -> str:
    cached = f" ({report.cached} from the cache)" if report.cached else ""
    lines = [
        f"indexed {report.indexed}{cached}, unchanged {report.unchanged}, "
        f"failed {len(report.failed)}" + (f", pruned {report.pruned}" if report.pruned else ""),
        f"the index holds {report.letters} letters, {report.items} items"
        + (f" ({report.unclassified} without a category)" if report.unclassified else ""),
    ]
    if report.warnings:
        kinds = sorted(report.warnings.items(), key=lambda kv: (-kv[1], kv[0]))
        lines.append("parser warnings: " + ", ".join(f"{kind} {n}" for kind, n in kinds))
    lines += [f"failed: {path}: {reason}" for path, reason in report.failed]
    return "\n".join(lines)


@main.command()
@click.argument("paths", nargs=-1)
@index_option
@click.option("--prune", is_flag=True, help="Drop letters whose files are gone.")
@click.option("--rebuild", is_flag=True, help="Start afresh: the index holds only these files.")
@click.option(
    "--engine",
    "engine",
    type=click.Choice(ENGINES, case_sensitive=False),
    default=None,
    help="Engine of a new index (default: $IMR_SEARCH_ENGINE or whoosh); with --rebuild, "
    "an index of the other engine is replaced.",
)
@ingest_options
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of the record cache (default: beside the index, INDEX.records.sqlite).",
)
@click.option("--no-cache", is_flag=True, help="Neither use nor keep the record cache.")
@click.option(
    "--from-records",
    "records",
    type=click.File("r", encoding="utf-8"),
    default=None,
    help="Index the letters of FILE.jsonl (`imr-search parse --format jsonl` output; - for "
    "standard input) instead of PATHS: nothing is extracted or parsed again.",
)
@reports_errors
def index(
    paths: tuple[str, ...],
    index_dir: Path | None,
    prune: bool,
    rebuild: bool,
    engine: str | None,
    jobs: int | None,
    dask: str | None,
    cache_dir: Path | None,
    no_cache: bool,
    records: TextIO | None,
) -> None:
    """Parse letters and add them to the index.

    Incremental: unchanged files (by content hash) are skipped and changed ones replace
    their old version; the record cache keeps what each file's bytes parsed to, so a
    rebuild or a new index reads no PDF twice. A file that cannot be parsed (or takes
    longer than --time-limit) is reported and the run goes on (exit status 1). An
    interrupted run leaves the index as it was.
    """
    from imr_search.cache import RecordCache, cache_version, default_cache_path

    if bool(paths) == (records is not None):
        raise UsageError("give PATHS to index, or --from-records FILE.jsonl (one of the two)")
    settings = settings_from(index_dir=index_dir, engine=engine)
    wanted = engine_name(settings.engine) if settings.engine else None
    held = folder_engine(settings.index_dir)
    runner = runner_from(settings, jobs, dask)
    cache = None
    if not no_cache:
        path = cache_dir / "records.sqlite" if cache_dir else default_cache_path(settings.index_dir)
        cache = RecordCache(path, version=cache_version("pdfium"))
    run: Callable[[Engine], IndexReport] = functools.partial(
        index_paths,
        paths=list(paths),
        rebuild=rebuild,
        prune=prune,
        progress=Progress(sys.stderr.isatty()),
        max_bytes=settings.max_file_bytes,
        runner=runner,
        cache=cache,
    )
    if records is not None:
        run = functools.partial(
            index_records,
            lines=records,
            name=records.name,
            rebuild=rebuild,
            progress=Progress(sys.stderr.isatty()),
        )
    try:
        target = wanted or held
        if (
            rebuild
            and held is not None
            and target is not None
            and (target != held or outdated(settings.index_dir))
        ):
            # Another engine or an older format: built beside the old index, which it
            # replaces once committed.
            with replacing(
                settings.index_dir, target, max_query_length=settings.max_query_length
            ) as fresh:
                report = run(fresh)
        else:
            with open_index(settings, create=True) as opened:
                report = run(opened)
    finally:
        if cache is not None:
            cache.close()
    click.echo(report_text(report))
    if alert_lines := record_alerts(settings):
        click.echo(alert_lines)
    if note := size_note(settings, report.letters):
        click.echo(note, err=True)
    if report.failed:
        sys.exit(1)


# ---- search -----------------------------------------------------------------------------------

# Date ranges beside the decision date's --from/--to: field -> what (query.RANGE_FILTERS).
_RANGE_OPTIONS: dict[str, str] = {name: FIELDS[name].description for name in RANGE_FILTERS}


def filter_options(fn: F) -> F:
    """One repeatable option per filter of the one table (``imr_search.query.FILTER_TABLE``):
    values OR-ed within, AND-ed across filters."""
    for f in reversed(FILTER_TABLE):
        fn = click.option(
            f"--{f.name}",
            multiple=True,
            metavar="VALUE",
            help=f"{f.help} Repeat for any of several.",
        )(fn)
    date = click.DateTime(formats=["%Y-%m-%d"])
    for name, what in reversed(_RANGE_OPTIONS.items()):
        for end, word in (("to", "before"), ("from", "after")):
            fn = click.option(
                f"--{name}-{end}", type=date, metavar="YYYY-MM-DD", help=f"{what}: on or {word}."
            )(fn)
    for flag, name, help_ in (
        ("--to", "date_to", "Decided on or before this day."),
        ("--from", "date_from", "Decided on or after this day."),
    ):
        fn = click.option(flag, name, type=date, metavar="YYYY-MM-DD", help=help_)(fn)
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
    """The request with its filter values checked against the index: aliases applied (and
    said on stderr), a value no item has refused with the closest values (exit 2); a query
    that is only a case number searches that case."""
    request, note = case_number_search(engine, request)
    if note:
        click.echo(f"note: {note} (imr-search show shows the whole letter)", err=True)
    if not request.filters:
        return request
    checked = check_filters(engine, request.filters)
    for note in checked.notes:
        click.echo(f"note: {note}", err=True)
    return replace(request, filters=checked.filters)


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


@main.command()
@click.argument("query", nargs=-1)
@filter_options
@click.option("--facets", is_flag=True, help="Show counts per facet value over all matches.")
@click.option("--letters", is_flag=True, help="One result per letter instead of per item.")
@click.option(
    "--sort",
    type=click.Choice(SORT_ORDERS),
    default="relevance",
    show_default=True,
    help="relevance, decided (oldest first) or -decided (newest first).",
)
@click.option("--limit", type=click.IntRange(1, None), default=None, help="Results per page (20).")
@click.option("--page", type=click.IntRange(1, None), default=1, show_default=True)
@format_option(
    "table",
    "json",
    "jsonl",
    "csv",
    "xlsx",
    help="csv, xlsx and jsonl export every match (or --limit of them); xlsx to a file or pipe.",
)
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help="Server the exports' Letter URL column points at (default: http://HOST:PORT of serve).",
)
@index_option
@reports_errors
def search(
    query: tuple[str, ...],
    facets: bool,
    letters: bool,
    sort: str,
    limit: int | None,
    page: int,
    fmt: str,
    base_url: str | None,
    index_dir: Path | None,
    **options: Any,
) -> None:
    """Search items by keyword, field, filter and facet.

    \b
    Examples:
      imr-search search mri --region "cervical spine" --facets
      imr-search search 'decision:overturned AND category:Pharmaceuticals'
      imr-search search '"functional improvement"' --drug tramadol --from 2016-01-01
      imr-search search 'age:[40 TO 60]' --format csv > results.csv
    """
    settings = settings_from(index_dir=index_dir)
    with open_index(settings) as engine:
        text = " ".join(query)
        if fmt in ("csv", "jsonl", "xlsx"):
            request = checked_request(engine, build_request(text, options, sort=sort))
            url = base_url or f"http://{settings.host}:{settings.port}"
            if fmt == "xlsx":
                if sys.stdout.isatty():
                    raise UsageError("--format xlsx writes a workbook: redirect it to a file")
                data = records_xlsx(engine.iter_items(request, limit=limit), url)
                sys.stdout.buffer.write(data)
            elif fmt == "csv":
                # The same columns and cell rules as the server's export.
                out = csv.writer(sys.stdout, lineterminator="\n")
                out.writerows(csv_rows(engine.iter_items(request, limit=limit), url))
            else:
                for hit in all_hits(engine, request, cap=limit or 1_000_000):
                    click.echo(to_json(hit_dict(hit)))
            return
        size = min(limit or 20, MAX_PAGE_SIZE)
        request = build_request(
            text,
            options,
            facets=facets or fmt == "json",
            letters=letters,
            sort=sort,
            page=page,
            size=size,
        )
        result = engine.search(checked_request(engine, request))
    if fmt == "json":
        click.echo(to_json(result_dict(result), pretty=True))
    else:
        click.echo(result_table(result, color=sys.stdout.isatty(), facets=facets), nl=False)


# ---- show, stats, serve -----------------------------------------------------------------------


@main.command()
@click.argument("letter_id")
@format_option("text", "json", "citation", help="citation: one line a brief can quote.")
@index_option
@reports_errors
def show(letter_id: str, fmt: str, index_dir: Path | None) -> None:
    """Show one letter with every item, its citations and rationale.

    LETTER_ID may name one item, ID#N: --format citation then cites that item.
    """
    settings = settings_from(index_dir=index_dir)
    letter_part, _, number = letter_id.partition("#")
    with open_index(settings) as engine:
        letter = find_letter(engine, letter_part)
    if fmt == "citation":
        click.echo(citation(letter, _item_of(letter, number) if number else None))
    else:
        click.echo(to_json(letter.to_dict(), pretty=True) if fmt == "json" else letter_text(letter))


def _item_of(letter: Letter, number: str) -> Item:
    for item in letter.items:
        if str(item.number) == number.strip():
            return item
    numbers = ", ".join(str(i.number) for i in letter.items) or "none"
    raise UsageError(f"{letter.id} has no item {number!r} (its items: {numbers})")


@main.command()
@click.argument("query", nargs=-1)
@filter_options
@click.option(
    "--by",
    "by",
    multiple=True,
    metavar="FACET",
    help="Tabulate the search by a facet, or month (give twice for rows and columns).",
)
@format_option("text", "json", "csv", help="csv: with --by, one line per row or cell.")
@index_option
@reports_errors
def stats(
    query: tuple[str, ...], by: tuple[str, ...], fmt: str, index_dir: Path | None, **options: Any
) -> None:
    """Letters, items, overturn rate, date span, top categories; with --by, a cross-tab.

    \b
    Examples:
      imr-search stats --by era
      imr-search stats --by citation --by decision --category Pharmaceuticals
      imr-search stats opioids --by month --format csv
    """
    text = " ".join(query)
    request = build_request(text, options)
    if not by:
        if text or request.filters or request.date_from or request.date_to:
            raise UsageError("a query or filters need --by FACET (what to tabulate them by)")
        _index_stats(fmt, index_dir)
        return
    if len(by) > 2:
        raise UsageError(f"--by at most twice (rows and columns), not {len(by)} times")
    from imr_search.crosstab import crosstab, crosstab_csv_rows, crosstab_text

    settings = settings_from(index_dir=index_dir)
    with open_index(settings) as engine:
        table = crosstab(engine, request, by[0], by[1] if len(by) > 1 else None)
    if fmt == "json":
        click.echo(to_json(crosstab_dict(table), pretty=True))
    elif fmt == "csv":
        csv.writer(sys.stdout, lineterminator="\n").writerows(crosstab_csv_rows(table))
    else:
        click.echo(crosstab_text(table), nl=False)


def _index_stats(fmt: str, index_dir: Path | None) -> None:
    if fmt == "csv":
        raise UsageError("--format csv needs --by FACET (the index summary is text or json)")
    settings = settings_from(index_dir=index_dir)
    with open_index(settings) as engine:
        st = engine.stats()
    data = stats_dict(st)
    if fmt == "json":
        click.echo(to_json(data, pretty=True))
        return
    click.echo(f"letters: {st.letters}")
    if note := size_note(settings, st.letters):
        click.echo(note, err=True)
    click.echo(f"items: {st.items}")
    click.echo(f"overturned: {st.overturned} ({st.overturn_rate:.1%})")
    click.echo(f"decided: {data['first_decision'] or '-'} to {data['last_decision'] or '-'}")
    click.echo("top categories:")
    for c, n in st.top_categories:
        click.echo(f"  {c}: {n}")
    click.echo(f"unclassified (no category): {st.unclassified}")


@main.command()
@index_option
@setting_options("serve")
@reports_errors
def serve(index_dir: Path | None) -> None:
    """Serve the search page and the JSON API (read-only)."""
    from imr_search.server.app import serve as run_server

    settings = settings_from(index_dir=index_dir)
    try:
        run_server(settings)
    except OSError as e:
        raise UsageError(
            f"cannot listen on {settings.host}:{settings.port}: {e.strerror or e}"
        ) from None


# ---- precedents, similar ----------------------------------------------------------------------


@main.command("precedents")
@click.argument("request")
@click.option(
    "--summary",
    default=None,
    metavar="TEXT",
    help="The case facts: precedents with the most alike summaries rank first.",
)
@click.option(
    "--exclude",
    default=None,
    metavar="LETTER_ID",
    help="Leave this letter's items out (the letter you are reading).",
)
@filter_options
@format_option("text", "json", help="text: for reading; json: the dict the API returns.")
@index_option
@reports_errors
def precedents_command(
    request: str,
    summary: str | None,
    exclude: str | None,
    fmt: str,
    index_dir: Path | None,
    **options: Any,
) -> None:
    """How IMR decided requests of the same kind, and why.

    REQUEST is the service as a doctor writes it; it is read the way the parser reads a
    disputed item (category, drug and strength, test, body region) and matched against
    indexed items of the same kind, most specific first.

    \b
    Examples:
      imr-search precedents "MRI cervical spine w/o contrast"
      imr-search precedents "Norco 10/325 #120" --summary "chronic low back pain, no UDS"
      imr-search precedents "physical therapy 2x6 lumbar" --from 2016-01-01 --format json
    """
    from imr_search.precedents import precedents

    settings = settings_from(index_dir=index_dir)
    narrowing = build_request("", options)
    with open_index(settings) as engine:
        narrowing = checked_request(engine, narrowing)
        answer = precedents(
            engine,
            request,
            summary,
            narrowing.filters,
            date_from=narrowing.date_from,
            date_to=narrowing.date_to,
            exclude_letter=exclude,
            ranges=narrowing.ranges,
        )
    if fmt == "json":
        click.echo(to_json(precedents_dict(answer), pretty=True))
    else:
        click.echo(precedents_text(answer, color=sys.stdout.isatty()), nl=False)


@main.command("similar")
@click.argument("item_id", required=False)
@click.option(
    "--text", default=None, metavar="TEXT", help="Compare with this text (- reads stdin)."
)
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_PAGE_SIZE),
    default=20,
    show_default=True,
    help="Rows to show (a row holds a rationale and its near duplicates).",
)
@format_option("text", "json", help="text: for reading; json: the dict the API returns.")
@index_option
@reports_errors
def similar_command(
    item_id: str | None, text: str | None, limit: int, fmt: str, index_dir: Path | None
) -> None:
    """Rationales that argue the same way, near duplicates folded.

    ITEM_ID is <letter id>#<item number> (as `search` shows it); or give --text instead.
    """
    from imr_search.similar import similar

    if (item_id is None) == (text is None):
        raise UsageError("give an ITEM_ID or --text TEXT, not both")
    if text == "-":
        text = sys.stdin.read()
    settings = settings_from(index_dir=index_dir)
    with open_index(settings) as engine:
        groups = similar(engine, item_id=item_id, text=text, limit=limit)
    if fmt == "json":
        click.echo(to_json(similar_dict(groups, item_id=item_id, text=text), pretty=True))
    else:
        query = item_id or "the text given"
        click.echo(similar_text(groups, color=sys.stdout.isatty(), query=query), nl=False)


# ---- the guideline citator --------------------------------------------------------------------


@main.command("citator")
@click.argument("query", nargs=-1)
@filter_options
@click.option(
    "--sort",
    type=click.Choice(["items", "rate", "overturned", "citation"]),  # citator.CITATOR_SORTS
    default="items",
    show_default=True,
    help="Most cited first, highest overturn rate, most overturned, or by name.",
)
@click.option("--limit", type=click.IntRange(1, None), default=None, help="Rows to show.")
@format_option("text", "json", "csv")
@index_option
@reports_errors
def citator_command(
    query: tuple[str, ...],
    sort: str,
    limit: int | None,
    fmt: str,
    index_dir: Path | None,
    **options: Any,
) -> None:
    """For each guideline section the IMR cited: items, overturned, the overturn rate with its
    95% Wilson interval, and the claims administrator's citations it answered.

    \b
    Examples:
      imr-search citator
      imr-search citator --category Pharmaceuticals --sort rate
      imr-search citator --era current --format csv > citator.csv
    """
    from imr_search.citator import citator, citator_csv_rows, citator_text

    settings = settings_from(index_dir=index_dir)
    with open_index(settings) as engine:
        request = build_request(" ".join(query), options)
        table = citator(engine, request, sort=sort, limit=limit)  # type: ignore[arg-type]
    if fmt == "json":
        click.echo(to_json(citator_dict(table), pretty=True))
    elif fmt == "csv":
        csv.writer(sys.stdout, lineterminator="\n").writerows(citator_csv_rows(table))
    else:
        click.echo(citator_text(table), nl=False)


# ---- saved searches and alerts ----------------------------------------------------------------


def record_alerts(settings: Settings) -> str:
    """After an index run: each saved search's new items (nothing when none is saved)."""
    from imr_search.alerts import AlertStore, alerts_path

    path = alerts_path(settings.index_dir)
    if not path.exists():
        return ""
    with open_index(settings) as engine, AlertStore(path) as store:
        report = store.record_run(engine)
    lines = []
    for name, items in report.new.items():
        lines.append(f"alert {name}: {len(items)} new item{'' if len(items) == 1 else 's'}")
        lines += [f"  {seen_line(i)}" for i in items[:20]]
        if len(items) > 20:
            lines.append(f"  ... and {len(items) - 20} more (imr-search alerts new {name})")
    lines += [f"alert {name}: not run: {why}" for name, why in report.errors.items()]
    return "\n".join(lines)


def seen_line(i: SeenItem) -> str:
    decided = i.decision_date.isoformat() if i.decision_date else "-"
    return f"{i.item_id}  {decided}  {i.decision:<10}  {i.service}"


def seen_dict(i: SeenItem) -> dict[str, Any]:
    return {
        "item_id": i.item_id,
        "letter_id": i.letter_id,
        "case_number": i.case_number,
        "decision_date": i.decision_date.isoformat() if i.decision_date else None,
        "decision": i.decision,
        "service": i.service,
        "seen_at": i.seen_at,
    }


@main.group("alerts")
def alerts_group() -> None:
    """Saved searches: the items each index run adds to them, and their Atom feeds.

    Saved searches live beside the index (<index>.alerts.sqlite) and survive a rebuild.
    """


@alerts_group.command("add")
@click.argument("name")
@click.argument("query", nargs=-1)
@filter_options
@index_option
@reports_errors
def alerts_add(name: str, query: tuple[str, ...], index_dir: Path | None, **options: Any) -> None:
    """Save a search as NAME: QUERY and filters as for `imr-search search`.

    \b
    Examples:
      imr-search alerts add opioids-overturned --subcategory Opioids --decision overturned
      imr-search alerts add knee-mri 'modality:mri AND region:knee'
    """
    from imr_search.alerts import AlertStore, SavedSearch, alerts_path, check_name, monthly_rate

    check_name(name)
    request = build_request(" ".join(query), options)
    saved = SavedSearch(name, request.query, dict(request.filters), request.date_from,
                        request.date_to)  # fmt: skip
    settings = settings_from(index_dir=index_dir)
    with open_index(settings) as engine:
        with AlertStore(alerts_path(settings.index_dir)) as store:
            baseline = store.add(engine, saved)
        rate = monthly_rate(engine, saved)
    click.echo(f"saved {name}: {saved.describe()} ({baseline} items match now)")
    if rate is not None:
        total, months, per_month = rate
        click.echo(
            f"over the indexed period ({months} month{'' if months == 1 else 's'}) it matches "
            f"{total} items: about {per_month:.1f} a month"
        )


@alerts_group.command("list")
@format_option("text", "json")
@index_option
@reports_errors
def alerts_list(fmt: str, index_dir: Path | None) -> None:
    """The saved searches."""
    from imr_search.alerts import AlertStore, alerts_path

    settings = settings_from(index_dir=index_dir)
    path = alerts_path(settings.index_dir)
    searches = []
    if path.exists():
        with AlertStore(path) as store:
            searches = store.saved()
    if fmt == "json":
        data = [
            {"name": s.name, "query": s.query,
             "filters": {k: list(v) for k, v in s.filters.items()},
             "from": s.date_from.isoformat() if s.date_from else None,
             "to": s.date_to.isoformat() if s.date_to else None, "created": s.created}
            for s in searches
        ]  # fmt: skip
        click.echo(to_json(data, pretty=True))
        return
    if not searches:
        click.echo("no saved searches (imr-search alerts add NAME QUERY [filters])")
    for s in searches:
        click.echo(f"{s.name}: {s.describe()}")


@alerts_group.command("remove")
@click.argument("name")
@index_option
@reports_errors
def alerts_remove(name: str, index_dir: Path | None) -> None:
    """Delete the saved search NAME and what it has seen."""
    from imr_search.alerts import AlertStore, alerts_path

    settings = settings_from(index_dir=index_dir)
    path = alerts_path(settings.index_dir)
    if not path.exists():
        raise UsageError(f"no alert named {name!r}: no search is saved for this index")
    with AlertStore(path) as store:
        store.remove(name)
    click.echo(f"removed {name}")


@alerts_group.command("new")
@click.argument("name")
@format_option("text", "json", "jsonl", "csv")
@index_option
@reports_errors
def alerts_new(name: str, fmt: str, index_dir: Path | None) -> None:
    """The items the latest `imr-search index` run found new for the saved search NAME."""
    from imr_search.alerts import AlertStore, alerts_path

    settings = settings_from(index_dir=index_dir)
    path = alerts_path(settings.index_dir)
    if not path.exists():
        raise UsageError(f"no alert named {name!r}: no search is saved for this index")
    with AlertStore(path) as store:
        items = store.new_items(name)
    rows = [seen_dict(i) for i in items]
    if fmt == "json":
        click.echo(to_json({"alert": name, "new": rows}, pretty=True))
    elif fmt == "jsonl":
        for row in rows:
            click.echo(to_json(row))
    elif fmt == "csv":
        out = csv.writer(sys.stdout, lineterminator="\n")
        header = ["item_id", "letter_id", "case_number", "decision_date", "decision", "service",
                  "seen_at"]  # fmt: skip
        out.writerow(header)
        out.writerows([[row[k] or "" for k in header] for row in rows])
    else:
        if not items:
            click.echo(f"{name}: nothing new in the latest index run")
        for i in items:
            click.echo(seen_line(i))
