"""``imr-search search``, ``show`` and ``stats``."""

from __future__ import annotations

import csv
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from imr_search.cli.flags import settings_from
from imr_search.cli.options import (
    all_hits,
    build_request,
    checked_request,
    filter_options,
    format_option,
    index_option,
    open_index,
    reports_errors,
    scope_options,
    size_note,
)
from imr_search.errors import UsageError
from imr_search.model import Item, Letter
from imr_search.present.export import csv_rows, records_xlsx
from imr_search.present.jsonforms import (
    crosstab_dict,
    hit_dict,
    result_dict,
    stats_dict,
    to_json,
)
from imr_search.present.terminal import (
    citation,
    letter_text,
    result_table,
    scope_notes,
)
from imr_search.search.lookup import find_letter
from imr_search.search.request import MAX_PAGE_SIZE, SORT_ORDERS

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
            if text.strip():  # where the words searched, said where the export does not go
                probe = engine.search(replace(request, size=1))
                for note in scope_notes(probe):
                    click.echo(f"note: {note}", err=True)
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


@click.command()
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
    from imr_search.analysis.crosstab import crosstab, crosstab_csv_rows, crosstab_text

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
