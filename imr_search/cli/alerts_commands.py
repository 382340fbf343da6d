"""``imr-search alerts``: saved searches and what is new for them."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from imr_search.cli.flags import settings_from
from imr_search.cli.options import (
    build_request,
    filter_options,
    format_option,
    index_option,
    open_index,
    reports_errors,
)
from imr_search.config import Settings
from imr_search.errors import UsageError
from imr_search.present.export import write_csv
from imr_search.present.jsonforms import (
    to_json,
)
from imr_search.words import count

if TYPE_CHECKING:
    from imr_search.analysis.alerts import SeenItem


# ---- saved searches and alerts ----------------------------------------------------------------


def record_alerts(settings: Settings, letters: Sequence[str] | None = None) -> str:
    """After an index run: each saved search's new items (nothing when none is saved).
    ``letters``: those the run wrote (None: unknown, every match is compared)."""
    from imr_search.analysis.alerts import AlertStore, alerts_path

    path = alerts_path(settings.index_dir)
    if not path.exists():
        return ""
    with open_index(settings) as engine, AlertStore(path) as store:
        report = store.record_run(engine, letters)
    lines = []
    for name, items in report.new.items():
        lines.append(f"alert {name}: {count(len(items), 'new item')}")
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


@click.group("alerts")
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
    from imr_search.analysis.alerts import (
        AlertStore,
        SavedSearch,
        alerts_path,
        check_name,
        monthly_rate,
    )

    check_name(name)
    request = build_request(" ".join(query), options)
    saved = SavedSearch(name, request.query, dict(request.filters), request.date_from,
                        request.date_to)  # fmt: skip
    settings = settings_from(index_dir=index_dir)
    with open_index(settings) as engine:
        with AlertStore(alerts_path(settings.index_dir)) as store:
            added = store.add(engine, saved)
            saved = store.get(name)  # as stored: its values resolved
        rate = monthly_rate(engine, saved)
    for note in added.notes:  # as `imr-search search` says them
        click.echo(f"note: {note}", err=True)
    typed = f" (typed: {saved.typed})" if saved.typed else ""
    matches = "matches" if added.matched == 1 else "match"
    click.echo(
        f"saved {name}: {saved.describe()}{typed} ({count(added.matched, 'item')} {matches} now)"
    )
    if rate is not None:
        total, months, per_month = rate
        click.echo(
            f"over the indexed period ({count(months, 'month')}) it matches "
            f"{count(total, 'item')}: about {per_month:.1f} a month"
        )


@alerts_group.command("list")
@format_option("text", "json")
@index_option
@reports_errors
def alerts_list(fmt: str, index_dir: Path | None) -> None:
    """The saved searches."""
    from imr_search.analysis.alerts import AlertStore, alerts_path

    settings = settings_from(index_dir=index_dir)
    path = alerts_path(settings.index_dir)
    searches = []
    if path.exists():
        with AlertStore(path) as store:
            searches = store.saved()
    if fmt == "json":
        data = [
            {"name": s.name, "query": s.query, "typed": s.typed or None,
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
        click.echo(f"{s.name}: {s.describe()}" + (f" (typed: {s.typed})" if s.typed else ""))


@alerts_group.command("remove")
@click.argument("name")
@index_option
@reports_errors
def alerts_remove(name: str, index_dir: Path | None) -> None:
    """Delete the saved search NAME and what it has seen."""
    from imr_search.analysis.alerts import AlertStore, alerts_path

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
    from imr_search.analysis.alerts import AlertStore, alerts_path

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
        header = ["item_id", "letter_id", "case_number", "decision_date", "decision", "service",
                  "seen_at"]  # fmt: skip
        write_csv(sys.stdout, [header, *([row[k] for k in header] for row in rows)])
    else:
        if not items:
            click.echo(f"{name}: nothing new in the latest index run")
        for i in items:
            click.echo(seen_line(i))
