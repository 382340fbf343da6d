"""The one place tables are written for export (present/export.py): every table the CLI and
the server export (stats, cross-tabs, the citator, precedents) goes through ``table_csv`` and
``table_xlsx``, so each has the same cell rules."""

from __future__ import annotations

import csv
import datetime as dt
import io

from imr_search.present.export import table_csv, table_xlsx

# isort: split
from factories import xlsx_rows

ROWS: list[list[object]] = [
    ["citation", "items", "rate", "when"],
    ['=HYPERLINK("x")', "12", "0.2500", dt.date(2017, 1, 15)],
    ["+MTUS > Knee", 3, None, None],
]


def test_csv_defuses_formulas_and_writes_iso_dates() -> None:
    rows = list(csv.reader(io.StringIO(table_csv(ROWS))))
    assert rows == [
        ["citation", "items", "rate", "when"],
        ['\'=HYPERLINK("x")', "12", "0.2500", "2017-01-15"],
        ["'+MTUS > Knee", "3", "", ""],
    ]


def test_xlsx_keeps_text_as_text_and_counts_as_numbers() -> None:
    rows = xlsx_rows(table_xlsx(ROWS))
    assert rows[0] == ("citation", "items", "rate", "when")
    assert rows[1][0] == '=HYPERLINK("x")'  # a string cell, never a formula
    assert rows[1][1] == 12
    assert rows[1][2] == 0.25
    assert rows[2][1] == 3
