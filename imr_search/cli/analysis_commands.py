"""``imr-search precedents``, ``similar`` and ``citator``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from imr_search.cli.flags import settings_from
from imr_search.cli.options import (
    build_request,
    checked_request,
    filter_options,
    format_option,
    index_option,
    open_index,
    out_option,
    reports_errors,
    scope_options,
    text_only_to_stdout,
    write_table,
)
from imr_search.errors import UsageError
from imr_search.present.jsonforms import (
    citator_dict,
    precedents_dict,
    similar_dict,
    to_json,
)
from imr_search.present.tables import citator_table, precedents_table
from imr_search.present.terminal import (
    precedents_text,
    similar_text,
)
from imr_search.search.request import MAX_PAGE_SIZE

if TYPE_CHECKING:
    pass


# ---- precedents, similar ----------------------------------------------------------------------


@click.command("precedents")
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
@format_option(
    "text",
    "json",
    "csv",
    "xlsx",
    help="text: for reading; json: the dict the API returns; csv, xlsx: the rates, the "
    "breakdowns, the reasons and the closest precedents as rows.",
)
@out_option
@index_option
@reports_errors
def precedents_command(
    request: str,
    summary: str | None,
    exclude: str | None,
    fmt: str,
    out: Path | None,
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
      imr-search precedents "lumbar MRI" --format xlsx --out lumbar-mri.xlsx
    """
    from imr_search.analysis.precedents import precedents

    if fmt == "text":
        text_only_to_stdout(out)
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
    if fmt == "text":
        click.echo(precedents_text(answer, color=sys.stdout.isatty()), nl=False)
    else:
        data = precedents_dict(answer)
        write_table(precedents_table(data), fmt, data, out)


@click.command("similar")
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
    from imr_search.analysis.similar import similar

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


@click.command("citator")
@click.argument("query", nargs=-1)
@filter_options
@scope_options
@click.option(
    "--sort",
    type=click.Choice(["items", "rate", "overturned", "citation"]),  # citator.CITATOR_SORTS
    default="items",
    show_default=True,
    help="Most cited first, highest overturn rate, most overturned, or by name.",
)
@click.option("--limit", type=click.IntRange(1, None), default=None, help="Rows to show.")
@format_option(
    "text",
    "json",
    "csv",
    "xlsx",
    help="json: the dict the API returns; csv, xlsx: one row per cited section.",
)
@out_option
@index_option
@reports_errors
def citator_command(
    query: tuple[str, ...],
    sort: str,
    limit: int | None,
    fmt: str,
    out: Path | None,
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
      imr-search citator --category Pharmaceuticals --format xlsx --out citator.xlsx
    """
    from imr_search.analysis.citator import citator, citator_text

    if fmt == "text":
        text_only_to_stdout(out)
    settings = settings_from(index_dir=index_dir)
    with open_index(settings) as engine:
        request = checked_request(engine, build_request(" ".join(query), options))
        table = citator(engine, request, sort=sort, limit=limit)  # type: ignore[arg-type]
    if fmt == "text":
        click.echo(citator_text(table), nl=False)
    else:
        data = citator_dict(table)
        write_table(citator_table(data), fmt, data, out)
