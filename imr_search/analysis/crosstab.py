"""Cross-tabulations: items, overturned and the overturn rate (with its 95% Wilson interval) per
value of one facet, or per pair of values of two, over any search; and the same per month of
decision (the ``month`` dimension).

Counts come from the engine's exact facet counts (two searches per row: all items, and the
overturned ones), so a table costs a few searches, never loading items; only ``month`` reads the
matched items' decision dates. A facet that holds several values per item (specialty, state,
guideline, mtus, citation, urcitation) counts an item once under each of its values, so its
cells can add up to more than the total; single-valued facets (decision, category, year, era,
cites, ...) add up to the items that have a value.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from imr_search.analysis.stats import wilson_interval
from imr_search.errors import UsageError
from imr_search.search.backend import Engine
from imr_search.search.deadline import Deadline, ran_out
from imr_search.search.filters import filter_tree
from imr_search.search.request import FACETS, SearchRequest
from imr_search.search.syntax import parse
from imr_search.search.tree import Node, Range, Term, all_of
from imr_search.words import count

MONTH = "month"
# A bound on the months a table lists: IMR began in 2013, so fifty years is more than any
# real index spans, and an impossible date can never make the table enumerate millions.
MAX_MONTHS = 600
DIMENSIONS: tuple[str, ...] = (*FACETS, MONTH)
SMALL_CELL = 10  # fewer items than this: the rate is shown, with a warning
MAX_ROWS = 100  # rows of a two-way table (each costs two searches); the rest are left out


@dataclass(frozen=True, slots=True)
class Cell:
    row: str
    col: str | None  # None in a one-way table
    items: int
    overturned: int

    @property
    def rate(self) -> float | None:
        return self.overturned / self.items if self.items else None

    @property
    def interval(self) -> tuple[float, float]:
        return wilson_interval(self.overturned, self.items)

    @property
    def small(self) -> bool:
        return self.items < SMALL_CELL


@dataclass(slots=True)
class CrossTab:
    rows_by: str
    cols_by: str | None
    total: int  # items the search matched
    overturned: int
    rows: list[Cell]  # one per row value: the row's totals (col None)
    cells: list[Cell] = field(default_factory=list)  # two-way tables: one per (row, col) seen
    cols: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def dimension(name: str) -> str:
    """A valid dimension name (lower case), or UsageError naming the choices."""
    value = name.strip().lower()
    if value not in DIMENSIONS:
        raise UsageError(f"cannot tabulate by {name!r}: choose from {', '.join(DIMENSIONS)}")
    return value


def _base_tree(request: SearchRequest) -> Node:
    return request.tree if request.tree is not None else parse(request.query)


def _narrowed(request: SearchRequest, extra: Node) -> SearchRequest:
    # AND-ed with the search, never merged into its filters: a filter already on the same
    # facet keeps narrowing (specialty=A, row specialty=B means items of both).
    return replace(request, tree=all_of(_base_tree(request), extra))


def _month_span(key: str) -> tuple[dt.date, dt.date]:
    year, month = (int(p) for p in key.split("-"))
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def value_node(dim: str, value: str) -> Node:
    """The tree selecting items whose ``dim`` is ``value`` (a facet value or YYYY-MM)."""
    if dim == MONTH:
        low, high = _month_span(value)
        return Range("decided", low, high)
    node = filter_tree({dim: (value,)})
    assert node is not None
    return node


def overturned_facets(
    engine: Engine,
    request: SearchRequest,
    *,
    deadline: Deadline | None = None,
    warnings: list[str] | None = None,
) -> dict[str, dict[str, int]] | None:
    """Facet -> value -> overturned items among the request's matches (for facet rates).

    ``deadline``: the answer's clock, when this search is one of several (else one started
    now from ``request.time_limit``). Past it, or when its search is cut short, None: partial
    counts would give wrong rates; a warning saying so is added to ``warnings``."""
    deadline = deadline or Deadline.start(request.time_limit)
    if not deadline.passed():
        base = replace(request, facets=True, letters=False, page=1, size=1)
        result = engine.search(deadline.narrowed(_narrowed(base, Term("decision", "overturned"))))
        if not ran_out(result.warnings):
            return {name: {f.value: f.count for f in fs} for name, fs in result.facets.items()}
    if warnings is not None:
        warnings.append(deadline.message("the overturn rates of the facet values are left out"))
    return None


def _counts(
    engine: Engine, request: SearchRequest, dim: str, deadline: Deadline, warnings: list[str]
) -> tuple[int, int, list[Cell]]:
    """(items, overturned, one cell per value of ``dim``) over the request's matches, within
    ``deadline``; a count cut short adds its warning to ``warnings``."""
    if dim == MONTH:
        return _month_counts(engine, request, deadline, warnings)
    base = replace(request, facets=True, letters=False, page=1, size=1)
    everything = deadline.timed(engine.search, base)
    overturned = deadline.timed(engine.search, _narrowed(base, Term("decision", "overturned")))
    if ran_out([*everything.warnings, *overturned.warnings]):
        _warn(warnings, deadline.message("the counts are partial or left out; narrow the search"))
    over = {f.value: f.count for f in overturned.facets.get(dim, [])}
    cells = [
        Cell(f.value, None, f.count, over.get(f.value, 0))
        for f in everything.facets.get(dim, [])
        if f.count
    ]
    return everything.total, overturned.total, cells


def _warn(warnings: list[str], message: str) -> None:
    if message not in warnings:
        warnings.append(message)


def _month_counts(
    engine: Engine, request: SearchRequest, deadline: Deadline, warnings: list[str]
) -> tuple[int, int, list[Cell]]:
    items: Counter[str] = Counter()
    over: Counter[str] = Counter()
    total = overturned = 0
    # Every matched item is read (its decision date): the one table that loads items, so the
    # one that checks the clock between them.
    for record in engine.iter_items(deadline.narrowed(replace(request, letters=False))):
        if deadline.passed():
            break
        total += 1
        hit = record.item.decision == "overturned"
        overturned += hit
        if record.decision_date is not None:
            key = f"{record.decision_date.year:04d}-{record.decision_date.month:02d}"
            items[key] += 1
            over[key] += hit
    if deadline.passed():  # the loop stopped, or the engine's collection did (then silently)
        _warn(warnings, deadline.message("the months count the items read by then only"))
    if (span := month_span(items)) > MAX_MONTHS:
        shown = months(items)
        _warn(
            warnings,
            f"the decision dates span {span} months (some cannot be right: rebuild the index "
            f"to leave them out); the {len(shown)} latest months with items are shown",
        )
    return total, overturned, [Cell(k, None, items[k], over[k]) for k in months(items)]


def month_span(keys: Iterable[str]) -> int:
    """Months from the first to the last of ``keys`` (YYYY-MM), both included; 0 for none."""
    present = sorted(keys)
    if not present:
        return 0
    (fy, fm), (ly, lm) = (map(int, k.split("-")) for k in (present[0], present[-1]))
    return (ly - fy) * 12 + lm - fm + 1


def months(keys: Iterable[str], *, limit: int = MAX_MONTHS) -> list[str]:
    """Every month from the first to the last of ``keys`` (empty months included). Past
    ``limit`` months (dates no IMR letter can hold, in an index made before they were
    refused), the latest ``limit`` months that hold items, without the empty ones."""
    present = sorted(keys)
    if not present:
        return []
    if month_span(present) > limit:
        return present[-limit:]
    out, (y, m) = [], _month_span(present[0])[0].timetuple()[:2]
    last = present[-1]
    while (key := f"{y:04d}-{m:02d}") <= last:
        out.append(key)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def crosstab(
    engine: Engine, request: SearchRequest, rows: str, cols: str | None = None
) -> CrossTab:
    """The table of ``request``'s matches by ``rows`` (and ``cols``)."""
    rows, cols = dimension(rows), dimension(cols) if cols else None
    if cols == rows:
        raise UsageError(f"tabulate by two different dimensions, not {rows} twice")
    # One clock for the whole table: a two-way table runs two searches per row.
    deadline = Deadline.start(request.time_limit)
    warnings: list[str] = []
    total, overturned, row_cells = _counts(engine, request, rows, deadline, warnings)
    table = CrossTab(rows, cols, total, overturned, row_cells, warnings=warnings)
    if rows == MONTH and cols is not None:
        table.rows = [c for c in row_cells if c.items]  # an empty month has no cells to fill
    dated = sum(c.items for c in row_cells)
    if rows == MONTH and dated < total:
        missing = total - dated
        table.warnings.append(
            f"{count(missing, 'item')} {'has' if missing == 1 else 'have'} no decision date "
            f"and {'is' if missing == 1 else 'are'} left out"
        )
    if cols is not None:
        if len(table.rows) > MAX_ROWS:
            table.warnings.append(
                f"only the {MAX_ROWS} largest of {len(table.rows)} {rows} values are tabulated"
            )
            table.rows = sorted(table.rows, key=lambda c: -c.items)[:MAX_ROWS]
        seen: dict[str, int] = {}
        for done, row in enumerate(table.rows):
            if not deadline.room(2):  # a row's two searches would end past the limit
                _warn(
                    warnings,
                    deadline.message(
                        f"the cells of the first {done} of {count(len(table.rows), 'row')} only"
                    ),
                )
                break
            sub = _narrowed(request, value_node(rows, row.row))
            for c in _counts(engine, sub, cols, deadline, warnings)[2]:
                if c.items:
                    table.cells.append(Cell(row.row, c.row, c.items, c.overturned))
                    seen[c.row] = seen.get(c.row, 0) + c.items
        table.cols = months(seen) if cols == MONTH else sorted(seen, key=lambda k: (-seen[k], k))
    small = sum(1 for c in (table.cells if cols else table.rows) if c.items and c.small)
    if small:
        table.warnings.append(
            f"{count(small, 'cell')} {'holds' if small == 1 else 'hold'} fewer than "
            f"{SMALL_CELL} items: {'its rate is' if small == 1 else 'their rates are'} "
            "unreliable (see the intervals)"
        )
    return table


# -- output ------------------------------------------------------------------------------------


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"


def crosstab_text(t: CrossTab) -> str:
    overall = t.overturned / t.total if t.total else None
    lines = [f"{count(t.total, 'item')}, {t.overturned} overturned ({_pct(overall)})"]
    if t.cols_by is None:
        width = max([len(t.rows_by), *(len(c.row) for c in t.rows)])
        lines.append(f"{t.rows_by:<{width}}  {'items':>6}  {'overturned':>10}  rate  95% interval")
        for c in t.rows:
            low, high = c.interval
            mark = " *" if c.small else ""
            lines.append(
                f"{c.row:<{width}}  {c.items:>6}  {c.overturned:>10}  {_pct(c.rate):>4}  "
                f"{low:.0%}-{high:.0%}{mark}"
            )
    else:
        grid = {(c.row, c.col): c for c in t.cells}
        width = max([len(f"{t.rows_by} \\ {t.cols_by}"), *(len(c.row) for c in t.rows)])
        colw = [max(len(col), 11) for col in t.cols]
        header = f"{t.rows_by + ' / ' + t.cols_by:<{width}}"
        lines.append(header + "".join(f"  {col:>{w}}" for col, w in zip(t.cols, colw, strict=True)))
        for r in t.rows:
            row = f"{r.row:<{width}}"
            for col, w in zip(t.cols, colw, strict=True):
                got = grid.get((r.row, col))
                text = "" if got is None else f"{got.items} {_pct(got.rate)}"
                text += "*" if got is not None and got.small else ""
                row += f"  {text:>{w}}"
            lines.append(row)
        lines.append("cells: items and overturn rate")
    if any(c.small for c in (t.cells or t.rows)):
        lines.append(f"* fewer than {SMALL_CELL} items")
    lines += [f"warning: {w}" for w in t.warnings]
    return "\n".join(lines) + "\n"
