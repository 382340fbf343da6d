"""``imr-search parse`` and ``imr-search index``."""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from imr_search.cli.alerts_commands import record_alerts
from imr_search.cli.flags import settings_from
from imr_search.cli.options import (
    format_option,
    index_option,
    ingest_options,
    open_index,
    reports_errors,
    runner_from,
    size_note,
)
from imr_search.cli.progress import Progress, report_text
from imr_search.engines.registry import (
    engine_name,
    folder_engine,
    folder_engines,
    outdated,
    replacing,
)
from imr_search.errors import StoreError, UsageError
from imr_search.fetch.labels import Labeller
from imr_search.fetch.ledger import find_state
from imr_search.ingest.indexer import IndexReport, index_paths, index_records
from imr_search.ingest.pipeline import ingest
from imr_search.parse import iter_sources
from imr_search.present.jsonforms import (
    to_json,
)
from imr_search.present.terminal import (
    letter_text,
)
from imr_search.search.backend import Engine
from imr_search.search.vocabulary import mined_path

if TYPE_CHECKING:
    pass


@click.command()
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


@click.command()
@click.argument("paths", nargs=-1)
@index_option
@click.option("--prune", is_flag=True, help="Drop letters whose files are gone.")
@click.option("--rebuild", is_flag=True, help="Start afresh: the index holds only these files.")
@click.option(
    "--engine",
    "engine",
    type=click.Choice(folder_engines(), case_sensitive=False),
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
    from imr_search.ingest.cache import RecordCache, cache_version, default_cache_path

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
    # Letters fetched from DWC: their rows beside them give the items DWC's labels.
    labeller = Labeller() if any(find_state(Path(p)) for p in paths if p != "-") else None
    run: Callable[[Engine], IndexReport] = functools.partial(
        index_paths,
        relabel=labeller,
        paths=list(paths),
        rebuild=rebuild,
        prune=prune,
        progress=Progress(sys.stderr.isatty()),
        max_bytes=settings.max_file_bytes,
        runner=runner,
        cache=cache,
        abbreviations=mined_path(settings.index_dir),
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
    except BaseException:
        if cache is not None:
            with contextlib.suppress(StoreError):  # the run's own error is the one to tell
                cache.close()
        raise
    finally:
        if labeller is not None:
            labeller.close()
    if cache is not None:
        cache.close()
    click.echo(report_text(report))
    if alert_lines := record_alerts(settings, report.written):
        click.echo(alert_lines)
    if note := size_note(settings, report.letters):
        click.echo(note, err=True)
    if report.failed:
        sys.exit(1)
