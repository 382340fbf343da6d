"""``imr-search fetch`` (letters and DWC's rows from DWC's decision search) and
``imr-search agreement`` (the parser against DWC's rows)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from imr_search.cli.flags import setting_options, settings_from
from imr_search.cli.options import format_option, index_option, open_index, reports_errors
from imr_search.config import Settings
from imr_search.engines.registry import folder_engines
from imr_search.errors import FetchError, UsageError
from imr_search.fetch.ledger import STATE_FILE, State
from imr_search.present.jsonforms import to_json
from imr_search.search.backend import Engine
from imr_search.words import count

if TYPE_CHECKING:  # the protocol reads pages with lxml: --help loads none of it
    from imr_search.fetch.agreement import Agreement
    from imr_search.fetch.fetcher import FetchReport, LetterProgress

SITE_ROOT = re.compile(r"^https?://[^/?#\s]+/?$")
# --since-last starts this many days before the latest decision held: DWC posts letters late.
SINCE_LAST_OVERLAP = 14


class FetchProgressView:
    """Letters done, rate and time left: one line rewritten on a terminal; elsewhere (cron, a
    log) a plain line every ``interval`` seconds."""

    def __init__(self, tty: bool, *, interval: float = 30.0) -> None:
        self.tty = tty
        self.interval = interval
        self.start = time.monotonic()
        self.last = self.start
        self.letters = 0

    def __call__(self, p: LetterProgress) -> None:
        self.letters += 1
        now = time.monotonic()
        if not self.tty and now - self.last < self.interval:
            return
        self.last = now
        rate = self.letters / max(now - self.start, 1e-6)
        left = (p.total - p.done) / rate if rate else 0.0
        line = (
            f"letters {p.done}/{p.total} of this window, {rate:.1f}/s, "
            f"about {_duration(left)} left in it"
        )
        if self.tty:
            click.echo(f"\r{line}\x1b[K", err=True, nl=p.done == p.total)
        else:
            click.echo(f"imr-search: {line}", err=True)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def fetch_summary(report: FetchReport) -> str:
    if report.dry_run:
        return (
            f"DWC lists {count(report.listed, 'letter')} in {count(report.windows, 'window')} "
            f"({count(report.pages_to_read, 'result page')} of the case search, "
            f"{count(report.splits, 'split')}); "
            f"{report.held} already here, {max(report.listed - report.held, 0)} to fetch; "
            f"{count(report.pages, 'page')} read for this count"
        )
    lines = [
        f"pages read {report.pages}, {count(report.windows, 'window')} "
        f"({count(report.splits, 'split')}), "
        f"letters listed {report.listed}",
        f"letters new {report.new}, already here {report.held}, not on the site "
        f"{len(report.unavailable)}, failed {len(report.failed)}",
        f"stored: {count(report.cases, 'case')}, {count(report.treatments, 'treatment')}, "
        f"{count(report.letters, 'letter')}; {_duration(report.seconds)}",
    ]
    lines += [f"not on the site: {case}: {why}" for case, why in report.unavailable]
    lines += [f"failed: {case}: {why}" for case, why in report.failed]
    return "\n".join(lines)


def _cases(given: tuple[str, ...], file: TextIO | None) -> list[str]:
    numbers = list(given)
    if file is not None:
        numbers += [line.strip() for line in file if line.strip() and not line.startswith("#")]
    from imr_search.fetch.protocol import CASE_NUMBER

    bad = [n for n in numbers if not CASE_NUMBER.match(n)]
    if bad:
        raise UsageError(f"not a case number: {bad[0]!r} (like CM17-0003591)")
    return numbers


def _indexer(settings: Settings, engine: Engine, state: State, root: Path) -> Callable[[], None]:
    """Index the letters that landed and are not indexed yet (``landed`` of the Fetcher)."""
    from imr_search.fetch.labels import Labeller
    from imr_search.ingest.cache import RecordCache, cache_version, default_cache_path
    from imr_search.ingest.indexer import index_paths
    from imr_search.ingest.tasks import SerialRunner

    labeller = Labeller([state])

    def landed() -> None:
        waiting = state.unindexed()
        if not waiting:
            return
        cache = RecordCache(default_cache_path(settings.index_dir), version=cache_version("pdfium"))
        try:
            report = index_paths(
                engine,
                [str(root / w.path) for w in waiting],
                runner=SerialRunner(max_bytes=settings.max_file_bytes),
                cache=cache,
                relabel=labeller,
                max_bytes=settings.max_file_bytes,
            )
        finally:
            cache.close()
        for source, reason in report.failed:
            click.echo(f"imr-search: not indexed: {source}: {reason}", err=True)
        state.mark_indexed([w.case_number for w in waiting])

    return landed


@click.command()
@click.option("--decided-from", type=click.DateTime(["%Y-%m-%d"]), help="First decision date.")
@click.option(
    "--decided-to", type=click.DateTime(["%Y-%m-%d"]), help="Last decision date (default: today)."
)
@click.option("--case", "case_numbers", multiple=True, help="A case number (repeatable).")
@click.option(
    "--cases", "cases_file", type=click.File("r"), help="A file of case numbers, one a line."
)
@click.option(
    "--since-last",
    is_flag=True,
    help=f"What is new: from {SINCE_LAST_OVERLAP} days before the latest decision held to today.",
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Folder of the letters (YYYY-MM/CASE.pdf) and of {STATE_FILE}, DWC's rows.",
)
@click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Index each letter as it lands into this index, with DWC's labels.",
)
@click.option(
    "--engine",
    type=click.Choice(folder_engines(), case_sensitive=False),
    default=None,
    help="Engine of a new --index (default: $IMR_SEARCH_ENGINE or whoosh; tantivy past "
    "~20,000 letters).",
)
@click.option("--dry-run", is_flag=True, help="Count letters and pages; download nothing.")
@setting_options("fetch")
@reports_errors
def fetch(
    decided_from: dt.datetime | None,
    decided_to: dt.datetime | None,
    case_numbers: tuple[str, ...],
    cases_file: TextIO | None,
    since_last: bool,
    out: Path,
    index_dir: Path | None,
    engine: str | None,
    dry_run: bool,
) -> None:
    """Download letters and DWC's own rows from DWC's IMR decision search.

    Give a decision-date window (--decided-from, --decided-to), case numbers (--case,
    --cases) or --since-last. A rerun (after a kill too) resumes and downloads no letter twice.
    A page that does not look like the protocol stops the run (exit 1) and is saved for the
    maintainer. Letters DWC lists but does not serve (404) are reported; a letter that failed
    otherwise makes the exit status 1.
    """
    settings = settings_from(index_dir=index_dir, engine=engine)
    numbers = _cases(case_numbers, cases_file)
    modes = sum((bool(numbers), decided_from is not None, since_last))
    if modes != 1:
        raise UsageError("give one of: --decided-from DATE, --case/--cases, --since-last")
    if not SITE_ROOT.match(settings.dwc_url):
        raise UsageError(
            f"--base-url {settings.dwc_url!r} is not a site's root: scheme and host, like "
            "https://www.dir.ca.gov"
        )
    if decided_to is not None and decided_from is None:
        raise UsageError("--decided-to needs --decided-from")
    today = dt.date.today()
    try:
        report = _run(
            settings,
            out,
            numbers,
            decided_from,
            decided_to,
            since_last,
            dry_run,
            today,
            indexing=index_dir is not None and not dry_run,
        )
    except sqlite3.Error as e:  # a full disk, a database another program locked
        raise FetchError(f"{out / STATE_FILE}: {e}") from None
    click.echo(fetch_summary(report))
    if report.failed:
        sys.exit(1)


def _run(
    settings: Settings,
    out: Path,
    numbers: list[str],
    decided_from: dt.datetime | None,
    decided_to: dt.datetime | None,
    since_last: bool,
    dry_run: bool,
    today: dt.date,
    *,
    indexing: bool,
) -> FetchReport:
    from imr_search.fetch.client import Client
    from imr_search.fetch.fetcher import Fetcher

    first = last = today
    with State(out / STATE_FILE) as state:
        if since_last:
            latest = state.latest_decided()
            if latest is None:
                raise UsageError(f"{out} holds nothing fetched yet: give --decided-from DATE")
            first, last = latest - dt.timedelta(days=SINCE_LAST_OVERLAP), today
        elif decided_from is not None:
            first = decided_from.date()
            last = decided_to.date() if decided_to else today
            if last < first:
                raise UsageError(f"--decided-to {last} is before --decided-from {first}")
        client = Client(
            settings.dwc_url,
            rate=settings.fetch_rate,
            contact=settings.contact,
            timeout=settings.fetch_timeout,
            on_retry=lambda said: click.echo(f"imr-search: retrying: {said}", err=True),
        )
        with client:
            opened = open_index(settings, create=True) if indexing else None
            try:
                landed = _indexer(settings, opened, state, out) if opened else None
                if landed is not None:
                    landed()  # letters a killed run wrote and did not index
                fetcher = Fetcher(
                    client,
                    state,
                    out,
                    window_results=settings.window_results,
                    dry_run=dry_run,
                    progress=FetchProgressView(sys.stderr.isatty()),
                    landed=landed,
                )
                if numbers:
                    report = fetcher.fetch_cases(numbers)
                else:
                    report = fetcher.fetch_window(first, last)
            finally:
                if opened is not None:
                    opened.close()
    return report


def agreement_csv(report: Agreement) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["case_number", "item", "field", "parser", "dwc"])
    for d in report.disagreements:
        writer.writerow([d.case_number, "" if d.item is None else d.item, d.field, d.parser, d.dwc])
    return buffer.getvalue().rstrip("\n")


def agreement_json(report: Agreement) -> str:
    return to_json(
        {
            "letters": report.letters,
            "letters_without_dwc_rows": report.without_rows,
            "fields": [
                {"field": f, "compared": n, "agreed": a, "rate": rate}
                for f, n, a, rate in report.rows()
            ],
            "disagreements": [
                {
                    "case_number": d.case_number,
                    "item": d.item,
                    "field": d.field,
                    "parser": d.parser,
                    "dwc": d.dwc,
                }
                for d in report.disagreements
            ],
        },
        pretty=True,
    )


def agreement_table(report: Agreement, most: int | None) -> str:
    lines = [
        f"{count(report.letters, 'letter')} compared with DWC's rows"
        + (f" ({report.without_rows} without DWC rows)" if report.without_rows else ""),
        f"{'field':<22} {'compared':>9} {'agreed':>9} {'rate':>7}",
    ]
    for name, n, agreed, rate in report.rows():
        shown = "-" if rate is None else f"{rate:.1%}"
        lines.append(f"{name:<22} {n:>9} {agreed:>9} {shown:>7}")
    shown_rows = report.disagreements if most is None else report.disagreements[:most]
    if shown_rows:
        lines += ["", f"{'case':<14} {'item':>4}  {'field':<20} parser | DWC"]
    for d in shown_rows:
        item = "" if d.item is None else str(d.item)
        lines.append(f"{d.case_number:<14} {item:>4}  {d.field:<20} {d.parser} | {d.dwc}")
    hidden = len(report.disagreements) - len(shown_rows)
    if hidden:
        lines.append(f"... and {hidden} more (--all, or --format csv)")
    return "\n".join(lines)


@click.command(name="agreement")
@index_option
@format_option(
    "table",
    "csv",
    "json",
    help="table: counts then disagreements; csv: the disagreements; json: both.",
)
@click.option("--all", "show_all", is_flag=True, help="Every disagreement in the table.")
@reports_errors
def agreement_command(index_dir: Path | None, fmt: str, show_all: bool) -> None:
    """How often the parser agrees with DWC's own rows, per field, over an index of fetched
    letters: category, subcategory, decision, treatment count, specialty, case outcome and
    dates, with the disagreeing items."""
    from imr_search.errors import ParseError
    from imr_search.fetch.agreement import agreement, parsed_letters
    from imr_search.fetch.labels import Labeller
    from imr_search.ingest.cache import RecordCache, cache_version, default_cache_path
    from imr_search.parse import parse_data, read_bytes

    settings = settings_from(index_dir=index_dir)
    cache_path = default_cache_path(settings.index_dir)
    cache = (
        RecordCache(cache_path, version=cache_version("pdfium")) if cache_path.exists() else None
    )
    labeller = Labeller()

    def parsed(source: str, digest: str) -> object:
        hit = cache.get(digest, source) if cache is not None else None
        if hit is not None:
            return hit.letter
        try:
            return parse_data(source, read_bytes(source, max_bytes=settings.max_file_bytes))
        except ParseError as e:
            click.echo(f"imr-search: {e}", err=True)
            return None

    try:
        with open_index(settings) as engine:
            sources = {k: s.content_hash for k, s in engine.sources().items()}
        report = agreement(parsed_letters(sources, parsed), labeller)  # type: ignore[arg-type]
    finally:
        labeller.close()
        if cache is not None:
            cache.close()
    if report.letters == 0:
        raise UsageError(
            f"no letter of {settings.index_dir} has DWC's rows beside it (imr-search fetch "
            "--out DIR --index ... stores them)"
        )
    if fmt == "csv":
        click.echo(agreement_csv(report))
    elif fmt == "json":
        click.echo(agreement_json(report))
    else:
        click.echo(agreement_table(report, None if show_all else 50))
