"""``imr-search search``, ``show`` and ``stats``."""

from __future__ import annotations

import dataclasses
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from imr_search.cli.flags import setting_options, settings_from
from imr_search.cli.options import (
    all_hits,
    build_request,
    checked_request,
    filter_options,
    format_option,
    index_option,
    open_index,
    out_option,
    reports_errors,
    scope_options,
    size_note,
    text_only_to_stdout,
    write_table,
)
from imr_search.config import Settings
from imr_search.errors import NotFoundError, UsageError
from imr_search.model import Item, Letter
from imr_search.present.export import csv_rows, records_xlsx, write_csv
from imr_search.present.jsonforms import (
    crosstab_dict,
    hit_dict,
    overview_dict,
    result_dict,
    to_json,
)
from imr_search.present.terminal import (
    citation,
    letter_text,
    result_table,
    scope_notes,
)
from imr_search.search.emptiness import why_nothing
from imr_search.search.lookup import find_cases, find_item, split_cases
from imr_search.search.request import MAX_PAGE_SIZE, SORT_ORDERS
from imr_search.words import count

if TYPE_CHECKING:
    pass


@click.command()
@click.argument("query", nargs=-1)
@filter_options
@scope_options
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
@click.option(
    "--cases",
    "cases_file",
    type=click.File("r"),
    default=None,
    metavar="FILE",
    help="Answer each case of FILE (case numbers or letter ids, one a line; - for stdin): its "
    "items, or not found.",
)
@format_option(
    "table",
    "json",
    "jsonl",
    "csv",
    "xlsx",
    help="csv, xlsx and jsonl export every match (or --limit of them); xlsx to a file or pipe.",
)
@setting_options("serve, search")
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
    index_dir: Path | None,
    cases_file: TextIO | None = None,
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
    if cases_file is not None:
        _answer_cases(settings, split_cases(cases_file.read()), fmt)
        return
    with open_index(settings) as engine:
        text = " ".join(query)
        if fmt in ("csv", "jsonl", "xlsx"):
            request = checked_request(engine, build_request(text, options, sort=sort))
            if text.strip():  # where the words searched, said where the export does not go
                probe = engine.search(replace(request, size=1))
                for note in scope_notes(probe):
                    click.echo(f"note: {note}", err=True)
            # The Letter URL column: the server's public address, as its own exports give.
            url = settings.base_url or f"http://{settings.host}:{settings.port}"
            if fmt == "xlsx":
                if sys.stdout.isatty():
                    raise UsageError("--format xlsx writes a workbook: redirect it to a file")
                data = records_xlsx(engine.iter_items(request, limit=limit), url)
                sys.stdout.buffer.write(data)
            elif fmt == "csv":
                # The same columns and cell rules as the server's export.
                write_csv(sys.stdout, csv_rows(engine.iter_items(request, limit=limit), url))
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
        checked = checked_request(engine, request)
        result = engine.search(checked)
        if not result.total:
            result.warnings.append(why_nothing(engine, checked))
    if fmt == "json":
        click.echo(to_json(result_dict(result), pretty=True))
    else:
        click.echo(result_table(result, color=sys.stdout.isatty(), facets=facets), nl=False)


def _answer_cases(settings: Settings, cases: list[str], fmt: str) -> None:
    """Each case answered in turn (``lookup.find_cases``): its items, or not found."""
    if not cases:
        raise UsageError("--cases: the file names no case")
    if fmt not in ("table", "json"):
        raise UsageError("--cases answers as a table or as json")
    with open_index(settings) as engine:
        answers = find_cases(engine, cases)
    if fmt == "json":
        data = [
            a.letter.to_dict() | {"requested": a.given}
            if a.letter
            else {"requested": a.given, "error": a.error}
            for a in answers
        ]
        click.echo(to_json(data, pretty=True))
    else:
        found = sum(a.letter is not None for a in answers)
        click.echo(
            f"{count(len(answers), 'case')}: {found} found, {len(answers) - found} not found"
        )
        for a in answers:
            if a.letter is None:
                click.echo(f"{a.given}: not found ({a.error})")
                continue
            click.echo(f"{a.given}: {citation(a.letter)}")
            for item in a.letter.items:
                click.echo(f"  #{item.number} {item.decision.upper():<10} {item.service}")
    missing = [a.given for a in answers if a.letter is None]
    if missing:
        raise NotFoundError(f"not found: {', '.join(missing)}")


# ---- show, stats, serve -----------------------------------------------------------------------


@click.command()
@click.argument("letter_ids", nargs=-1, required=True, metavar="LETTER_ID...")
@format_option("text", "json", "citation", help="citation: one line a brief can quote.")
@index_option
@reports_errors
def show(letter_ids: tuple[str, ...], fmt: str, index_dir: Path | None) -> None:
    """Show letters with every item, its citations and rationale.

    LETTER_ID is a letter id or case number; ID#N names one item (shown alone, and cited
    alone with --format citation). Several are answered in turn, each found or "not found"
    (exit 1 when any is not).
    """
    settings = settings_from(index_dir=index_dir)
    found: list[tuple[str, Letter | None, Item | None, str | None]] = []
    with open_index(settings) as engine:
        for given in letter_ids:
            try:
                letter, item = find_item(engine, given)
                found.append((given, letter, item, None))
            except NotFoundError as exc:
                if len(letter_ids) == 1:
                    raise
                found.append((given, None, None, str(exc)))
    _show(found, fmt, several=len(letter_ids) > 1)
    missing = [given for given, letter, _, _ in found if letter is None]
    if missing:
        raise NotFoundError(f"not found: {', '.join(missing)}")


def _show(
    found: list[tuple[str, Letter | None, Item | None, str | None]], fmt: str, *, several: bool
) -> None:
    if fmt == "json":
        data = [
            _only(letter, item).to_dict() if letter else {"requested": given, "error": error}
            for given, letter, item, error in found
        ]
        click.echo(to_json(data if several else data[0], pretty=True))
        return
    for n, (given, letter, item, error) in enumerate(found):
        if letter is None:
            click.echo(f"{given}: {error}")
        elif fmt == "citation":
            click.echo(citation(letter, item))
        else:
            click.echo(("\n" if n else "") + letter_text(_only(letter, item)), nl=False)


def _only(letter: Letter, item: Item | None) -> Letter:
    """The letter, holding only ``item`` when one was named."""
    return letter if item is None else dataclasses.replace(letter, items=[item])


@click.command()
@click.argument("query", nargs=-1)
@filter_options
@scope_options
@click.option(
    "--by",
    "by",
    multiple=True,
    metavar="FACET",
    help="Tabulate the search by a facet, or month (give twice for rows and columns).",
)
@format_option(
    "text",
    "json",
    "csv",
    "xlsx",
    help="json: what /api/stats (or /api/crosstab with --by) returns; csv, xlsx: its table, one "
    "line per row or cell (with --by: the cross-tab; without: the index summary).",
)
@out_option
@index_option
@reports_errors
def stats(
    query: tuple[str, ...],
    by: tuple[str, ...],
    fmt: str,
    out: Path | None,
    index_dir: Path | None,
    **options: Any,
) -> None:
    """Letters, items, overturn rate, date span, letters per outcome, top categories; with
    --by, a cross-tab.

    \b
    Examples:
      imr-search stats --by era
      imr-search stats --by citation --by decision --category Pharmaceuticals
      imr-search stats opioids --by month --format csv
      imr-search stats --format xlsx --out index.xlsx
    """
    if fmt == "text":
        text_only_to_stdout(out)
    text = " ".join(query)
    request = build_request(text, options)
    if not by:
        if text or request.filters or request.date_from or request.date_to:
            raise UsageError("a query or filters need --by FACET (what to tabulate them by)")
        _index_stats(fmt, out, index_dir)
        return
    if len(by) > 2:
        raise UsageError(f"--by at most twice (rows and columns), not {len(by)} times")
    from imr_search.analysis.crosstab import crosstab, crosstab_text
    from imr_search.present.tables import crosstab_table

    settings = settings_from(index_dir=index_dir)
    with open_index(settings) as engine:
        request = checked_request(engine, request)  # values as every search reads them
        table = crosstab(engine, request, by[0], by[1] if len(by) > 1 else None)
    if fmt == "text":
        click.echo(crosstab_text(table), nl=False)
    else:
        data = crosstab_dict(table)
        write_table(crosstab_table(data), fmt, data, out)


def _index_stats(fmt: str, out: Path | None, index_dir: Path | None) -> None:
    from imr_search.analysis.overview import overview
    from imr_search.present.tables import summary_table

    settings = settings_from(index_dir=index_dir)
    with open_index(settings) as engine:
        seen = overview(engine)
    data = overview_dict(seen)
    if fmt != "text":
        write_table(summary_table(data), fmt, data, out)
        return
    st = seen.stats
    click.echo(f"letters: {st.letters}")
    if note := size_note(settings, st.letters):
        click.echo(note, err=True)
    click.echo(f"items: {st.items}")
    click.echo(f"overturned: {st.overturned} ({st.overturn_rate:.1%})")
    click.echo(f"decided: {data['first_decision'] or '-'} to {data['last_decision'] or '-'}")
    click.echo("letters by case outcome:")
    for outcome, n in seen.outcomes:
        click.echo(f"  {outcome}: {n}")
    click.echo("top categories:")
    for c, n in st.top_categories:
        click.echo(f"  {c}: {n}")
    click.echo(f"unclassified (no category): {st.unclassified}")
