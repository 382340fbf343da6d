"""Every table the tool shows exports as CSV, JSON and XLSX from the CLI, with the same rows:
the index summary (``stats``), the cross-tabs (``stats --by``), the citator and a precedent
answer. The expected rows are counted here from the parsed fixture letters (``letter_records``),
never from the tool's output; each format is read back (CSV by the csv module, XLSX by
openpyxl, JSON by json) and compared with them.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from imr_search.cli import main
from imr_search.model import Citation, Item, Letter
from imr_search.present.tables import CITATOR, Column, Table, crosstab_table
from imr_search.words import count

# isort: split
from factories import xlsx_rows


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def items(records: list[Letter]) -> list[tuple[Letter, Item]]:
    return [(letter, item) for letter in records for item in letter.items]


Formats = tuple[list[dict[str, str]], list[tuple[Any, ...]], Any]


def exports(index: Path, tmp_path: Path, *args: str) -> Formats:
    """The command's CSV (stdout), XLSX (``--out FILE``) and JSON (stdout)."""
    as_csv = run(*args, "--format", "csv", "--index", str(index))
    assert as_csv.exit_code == 0, as_csv.output
    book = tmp_path / "table.xlsx"
    as_xlsx = run(*args, "--format", "xlsx", "--out", str(book), "--index", str(index))
    assert as_xlsx.exit_code == 0, as_xlsx.output
    as_json = run(*args, "--format", "json", "--index", str(index))
    assert as_json.exit_code == 0, as_json.output
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    workbook = xlsx_rows(book.read_bytes())
    # The file written says how many rows it holds, on stderr (stdout stays empty).
    assert as_xlsx.stdout == ""
    assert f"wrote {count(len(workbook) - 1, 'row')} (xlsx) to {book}" in as_xlsx.stderr
    return rows, workbook, json.loads(as_json.stdout)


def xlsx_dicts(workbook: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    header = [str(h) for h in workbook[0]]
    # A read-only sheet leaves out a row's empty cells at its end.
    return [dict(zip(header, (*row, *[None] * len(header)), strict=False)) for row in workbook[1:]]


# -- the cross-tabs ----------------------------------------------------------------------------


def test_a_one_way_cross_tab_exports_the_records_counts(
    letters_index: Path, letter_records: list[Letter], tmp_path: Path
) -> None:
    pairs = items(letter_records)
    expected = {
        d: (n, n if d == "overturned" else 0)
        for d, n in Counter(i.decision for _, i in pairs).items()
    }
    rows, workbook, data = exports(letters_index, tmp_path, "stats", "--by", "decision")
    assert list(rows[0]) == ["decision", "items", "overturned", "rate", "low", "high", "small"]
    assert {r["decision"]: (int(r["items"]), int(r["overturned"])) for r in rows} == expected
    # The workbook: the same rows, counts as numbers.
    typed = xlsx_dicts(workbook)
    assert {r["decision"]: (r["items"], r["overturned"]) for r in typed} == expected
    assert all(isinstance(r["items"], int) for r in typed)
    assert {r["row"]: (r["items"], r["overturned"]) for r in data["rows"]} == expected
    # and the text the command shows counts the same.
    text = run("stats", "--by", "decision", "--index", str(letters_index)).stdout
    assert text.startswith(f"{count(len(pairs), 'item')}, {expected['overturned'][1]} overturned")


def test_a_two_way_cross_tab_exports_one_row_per_cell(
    letters_index: Path, letter_records: list[Letter], tmp_path: Path
) -> None:
    cells = Counter((i.decision, letter.outcome) for letter, i in items(letter_records))
    rows, workbook, data = exports(
        letters_index, tmp_path, "stats", "--by", "decision", "--by", "outcome"
    )
    assert {(r["decision"], r["outcome"]): int(r["items"]) for r in rows} == cells
    assert {(r["decision"], r["outcome"]): r["items"] for r in xlsx_dicts(workbook)} == cells
    assert {(c["row"], c["col"]): c["items"] for c in data["cells"]} == cells
    small = {(r["decision"], r["outcome"]): r["small"] for r in rows}
    assert small == {k: "yes" if n < 10 else "no" for k, n in cells.items()}


# -- the citator -------------------------------------------------------------------------------

PHYSICAL_MEDICINE = "MTUS > Chronic Pain Medical Treatment 2016 > Physical Medicine Treatment"


def physical_medicine(c: Citation) -> bool:
    return (
        c.source == "MTUS"
        and c.part == "Chronic Pain Medical Treatment"
        and c.edition == 2016
        and (c.section or "").lower() == "physical medicine treatment"
    )


def test_the_citator_exports_each_sections_counts(
    letters_index: Path, letter_records: list[Letter], tmp_path: Path
) -> None:
    citing = [i for _, i in items(letter_records) if any(map(physical_medicine, i.imr_citations))]
    overturned = sum(i.decision == "overturned" for i in citing)
    assert citing
    rows, workbook, data = exports(letters_index, tmp_path, "citator")
    assert list(rows[0]) == [c.header for c in CITATOR]
    row = next(r for r in rows if r["citation"] == PHYSICAL_MEDICINE)
    assert (int(row["items"]), int(row["overturned"])) == (len(citing), overturned)
    assert float(row["rate"]) == pytest.approx(overturned / len(citing), abs=1e-4)
    # The claims administrator's citations it answered: "label (items)", the most first.
    same = sum(any(map(physical_medicine, i.claims_citations)) for i in citing)
    assert row["answered"].startswith(f"{PHYSICAL_MEDICINE} ({same})")
    typed = next(r for r in xlsx_dicts(workbook) if r["citation"] == PHYSICAL_MEDICINE)
    assert (typed["items"], typed["overturned"]) == (len(citing), overturned)
    assert typed["answered"] == row["answered"]
    given = next(r for r in data["rows"] if r["citation"] == PHYSICAL_MEDICINE)
    assert (given["items"], given["overturned"]) == (len(citing), overturned)
    # Every format holds every cited section, in the same order.
    assert [r["citation"] for r in rows] == [r["citation"] for r in data["rows"]]
    assert [r["citation"] for r in xlsx_dicts(workbook)] == [r["citation"] for r in rows]


# -- the index summary --------------------------------------------------------------------------


def test_the_index_summary_exports_what_the_index_holds(
    letters_index: Path, letter_records: list[Letter], tmp_path: Path
) -> None:
    pairs = items(letter_records)
    overturned = sum(i.decision == "overturned" for _, i in pairs)
    outcomes = Counter(letter.outcome for letter in letter_records if letter.items)
    decisions = Counter(i.decision for _, i in pairs)
    rows, workbook, data = exports(letters_index, tmp_path, "stats")
    assert list(rows[0]) == ["Table", "Value", "Count"]
    totals = {r["Value"]: r["Count"] for r in rows if r["Table"] == "totals"}
    assert totals["letters"] == str(len(letter_records))
    assert totals["disputed items"] == str(len(pairs))
    assert totals["items overturned"] == str(overturned)
    by_outcome = {
        r["Value"]: int(r["Count"]) for r in rows if r["Table"] == "letters by case outcome"
    }
    assert {k: v for k, v in by_outcome.items() if v} == outcomes
    by_decision = {r["Value"]: int(r["Count"]) for r in rows if r["Table"] == "items by decision"}
    assert by_decision == decisions
    # The workbook holds the same rows, typed; the JSON the same counts.
    typed = xlsx_dicts(workbook)
    assert [(r["Table"], r["Value"]) for r in typed] == [(r["Table"], r["Value"]) for r in rows]
    assert {r["Value"]: r["Count"] for r in typed if r["Table"] == "totals"}["letters"] == len(
        letter_records
    )
    assert (data["letters"], data["items"], data["overturned"]) == (
        len(letter_records), len(pairs), overturned,
    )  # fmt: skip
    assert {o["outcome"]: o["letters"] for o in data["outcomes"] if o["letters"]} == outcomes
    assert {f["value"]: f["count"] for f in data["facets"]["decision"]} == decisions
    # The text shows the letters per outcome too.
    text = run("stats", "--index", str(letters_index)).stdout
    for outcome, n in outcomes.items():
        assert f"  {outcome}: {n}\n" in text


# -- a precedent answer --------------------------------------------------------------------------


def test_a_precedent_answer_exports_its_rates_breakdowns_and_reasons(
    letters_index: Path, letter_records: list[Letter], tmp_path: Path
) -> None:
    # Pre-op labs: every surgical item whose test is a lab (the "modality" rung).
    labs = [i for _, i in items(letter_records) if i.category == "Surgery" and i.modality == "lab"]
    years = Counter(
        str(letter.decision_date.year) if letter.decision_date else "unknown"
        for letter, i in items(letter_records)
        if i in labs
    )
    reasons = Counter(code for i in labs for code in i.reasons)
    why = {
        d: Counter(code for i in labs if i.decision == d for code in i.reasons)
        for d in ("upheld", "overturned")
    }
    rows, workbook, data = exports(letters_index, tmp_path, "precedents", "Pre-op labs: CBC")
    overall = rows[0]
    assert overall["Section"] == "overall"
    overturned = sum(i.decision == "overturned" for i in labs)
    assert (int(overall["Items"]), int(overall["Overturned"])) == (len(labs), overturned)
    by_year = {r["Value"]: int(r["Items"]) for r in rows if r["Section"] == "by year"}
    assert by_year == years
    by_reason = {r["Value"]: int(r["Items"]) for r in rows if r["Section"] == "by reason"}
    assert by_reason == reasons
    for decision, counted in why.items():
        said = {r["Value"]: int(r["Items"]) for r in rows if r["Section"] == f"why {decision}"}
        assert said == +counted
    closest = [r["Item ID"] for r in rows if r["Section"] == "closest"]
    assert closest == [x["item_id"] for x in data["closest"]]
    # The workbook: the same sections and values, counts typed.
    typed = xlsx_dicts(workbook)
    assert [(r["Section"], r["Value"]) for r in typed] == [
        (r["Section"], r["Value"] or None) for r in rows
    ]
    assert typed[0]["Items"] == len(labs)
    assert (data["items"], data["overturned"]) == (len(labs), overturned)


# -- the description itself -------------------------------------------------------------------


def test_a_table_writes_its_columns_in_every_format_with_formulas_defused() -> None:
    table = Table(
        "t",
        (
            Column("a", "A"),
            Column("n", "N"),
            Column("flag", "Flag", lambda f: "yes" if f else "no"),
        ),
        [{"a": "=1+1", "n": 3, "flag": True}, {"a": "plain", "n": None, "flag": False}],
    )
    assert list(csv.reader(io.StringIO(table.csv()))) == [
        ["A", "N", "Flag"], ["'=1+1", "3", "yes"], ["plain", "", "no"],
    ]  # fmt: skip
    assert xlsx_rows(table.xlsx()) == [
        ("A", "N", "Flag"),
        ("=1+1", 3, "yes"),
        ("plain", None, "no"),
    ]
    with pytest.raises(ValueError, match="csv or xlsx"):
        table.export("json")


def test_a_cross_tab_table_names_its_columns_for_what_was_tabulated() -> None:
    data: dict[str, Any] = {"rows_by": "era", "cols_by": None, "rows": [], "cells": []}
    assert crosstab_table(data).headers[:2] == ["era", "items"]


# -- where exports go ---------------------------------------------------------------------------


def test_out_writes_the_file_and_text_refuses_it(letters_index: Path, tmp_path: Path) -> None:
    out = tmp_path / "citator.csv"
    done = run("citator", "--format", "csv", "--out", str(out), "--index", str(letters_index))
    assert done.exit_code == 0, done.output
    shown = run("citator", "--format", "csv", "--index", str(letters_index)).stdout
    # The file keeps the CSV's own line ends (RFC 4180), the rows the same as stdout's.
    assert out.read_text("utf-8").replace("\r\n", "\n") == shown
    text = run("citator", "--out", str(tmp_path / "x.txt"), "--index", str(letters_index))
    assert text.exit_code == 2
    assert "--out writes an export: give --format json, csv or xlsx" in text.output
    missing = tmp_path / "no-such-folder" / "t.csv"
    failed = run("stats", "--format", "csv", "--out", str(missing), "--index", str(letters_index))
    assert failed.exit_code == 1
    assert str(missing) in failed.output
    assert "Traceback" not in failed.output
