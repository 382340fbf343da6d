"""Every table the tool shows, described once: its columns, read from the answer's JSON form.

The index summary (``stats``, ``/stats``), the cross-tabs (``stats --by``, ``/crosstab``), the
citator and a precedent answer's rates, breakdowns, reasons and closest cases each have one
``Table``: the columns (a key in the JSON rows, the header a spreadsheet shows, and how a value
that is not a plain cell is written). ``--format json`` and the API give the JSON form the rows are
read from (``present.jsonforms``); CSV and XLSX are those rows through ``present.export``
(``table_csv`` and ``table_xlsx``, where formulas are defused), so the three formats of a table
never disagree and no table has a writer of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from imr_search.present.export import table_csv, table_xlsx

TABLE_FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    """One column: ``key`` in a JSON row, ``header`` in CSV and XLSX, ``cell`` for a value
    a spreadsheet cell cannot hold as it is (a list of counts, a flag)."""

    key: str
    header: str
    cell: Callable[[Any], object] | None = None

    def value(self, row: Mapping[str, Any]) -> object:
        value = row.get(self.key)
        return self.cell(value) if self.cell is not None and value is not None else value


@dataclass(frozen=True)
class Table:
    """A table's columns and its JSON rows; ``name`` names the exported file."""

    name: str
    columns: tuple[Column, ...]
    rows: list[Mapping[str, Any]] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def lines(self) -> Iterator[list[object]]:
        """The header, then each row's cells in column order (for ``table_csv``/``table_xlsx``)."""
        yield list(self.headers)
        for row in self.rows:
            yield [c.value(row) for c in self.columns]

    def csv(self) -> str:
        return table_csv(self.lines())

    def xlsx(self) -> bytes:
        return table_xlsx(self.lines())

    def export(self, fmt: str) -> str | bytes:
        """The table as ``csv`` (text) or ``xlsx`` (a workbook's bytes)."""
        if fmt not in TABLE_FORMATS:
            raise ValueError(f"a table exports as {' or '.join(TABLE_FORMATS)}, not {fmt!r}")
        return self.xlsx() if fmt == "xlsx" else self.csv()


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _counted(answered: Sequence[Mapping[str, Any]]) -> str:
    """``[{"citation": "MTUS", "items": 3}]`` as "MTUS (3)", one per "; "."""
    return "; ".join(f"{a['citation']} ({a['items']})" for a in answered)


_RATE = (
    Column("items", "items"),
    Column("overturned", "overturned"),
    Column("rate", "rate"),
    Column("low", "low"),
    Column("high", "high"),
)

CITATOR = (Column("citation", "citation"), *_RATE, Column("answered", "answered", _counted))


def citator_table(data: Mapping[str, Any]) -> Table:
    """``citator_dict``'s rows: one per cited guideline section."""
    return Table("imr-citator", CITATOR, list(data["rows"]))


def crosstab_table(data: Mapping[str, Any]) -> Table:
    """``crosstab_dict`` in long form: one line per row (one-way) or per cell (two-way); the
    first columns are named for what was tabulated ("year", "decision")."""
    by = [Column("row", data["rows_by"])]
    if data["cols_by"]:
        by.append(Column("col", data["cols_by"]))
    columns = (*by, *_RATE, Column("small", "small", _yes_no))
    return Table("imr-crosstab", columns, list(data["cells"] if data["cols_by"] else data["rows"]))


SUMMARY = (Column("table", "Table"), Column("value", "Value"), Column("count", "Count"))

# The index summary's totals, in the order the CLI and /stats show them.
_TOTALS = (
    ("letters", "letters"),
    ("items", "disputed items"),
    ("overturned", "items overturned"),
    ("overturn_rate", "overturn rate"),
    ("first_decision", "first decision"),
    ("last_decision", "last decision"),
    ("unclassified", "items without a category"),
)


def summary_rows(data: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The index summary (``jsonforms.summary_dict``) as rows: the totals, letters per case
    outcome, then items per value of each facet."""
    for key, label in _TOTALS:
        value = data.get(key)
        if isinstance(value, float):
            value = round(value, 4)  # as every rate in a table is given
        yield {"table": "totals", "value": label, "count": value}
    for o in data.get("outcomes", []):
        yield {"table": "letters by case outcome", "value": o["outcome"], "count": o["letters"]}
    for name, values in data.get("facets", {}).items():
        for v in values:
            yield {"table": f"items by {name}", "value": v["value"], "count": v["count"]}


def summary_table(data: Mapping[str, Any]) -> Table:
    return Table("imr-stats", SUMMARY, list(summary_rows(data)))


PRECEDENTS = (
    Column("section", "Section"),
    Column("value", "Value"),
    Column("items", "Items"),
    Column("overturned", "Overturned"),
    Column("upheld", "Upheld"),
    Column("overturn_rate", "Overturn rate"),
    Column("low", "95% CI low"),
    Column("high", "95% CI high"),
    Column("case_number", "Case number"),
    Column("item_id", "Item ID"),
    Column("decision_date", "Decision date"),
    Column("decision", "Decision"),
    Column("service", "Service"),
    Column("match", "Match"),
    Column("closeness", "Closeness"),
    Column("guideline", "IMR guideline"),
    Column("key_sentence", "Key sentence"),
)


def precedent_rows(answer: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """A precedent answer (``jsonforms.precedents_dict``) as rows: the overall rate, each
    breakdown's rows, why each decision went as it did (items per reason), then the closest
    precedent of each decision and the closest precedents."""

    def rate(section: str, value: str, r: Mapping[str, Any]) -> dict[str, Any]:
        low, high = r["interval_95"]
        keys = ("items", "overturned", "upheld", "overturn_rate")
        return {"section": section, "value": value, **{k: r[k] for k in keys}, "low": low,
                "high": high}  # fmt: skip

    label = answer["match"]["label"] if answer.get("match") else "no match"
    yield rate("overall", label, answer)
    for name, rows in answer["breakdowns"].items():
        for row in rows:
            yield rate(f"by {name}", row["value"], row)
    for w in answer.get("why", []):
        for reason in w["reasons"]:
            yield {"section": f"why {w['decision']}", "value": reason["code"],
                   "items": reason["items"], w["decision"]: w["of"]}  # fmt: skip
    sides = [(f"closest {d}", answer.get(f"closest_{d}")) for d in ("overturned", "upheld")]
    for section, x in [*sides, *(("closest", x) for x in answer["closest"])]:
        if x is not None:
            yield {"section": section, **x}


def precedents_table(answer: Mapping[str, Any]) -> Table:
    return Table("imr-search-precedents", PRECEDENTS, list(precedent_rows(answer)))
