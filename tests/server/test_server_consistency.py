"""One behaviour everywhere (issue 25, point 5), against the real server on loopback and the
CLI over the same index: a reversed range, an unknown item number, a filter or era that leaves
nothing and an empty index get the same message in the CLI, the API and the page;
``MM/DD/YYYY`` dates are read as the ISO ones; several letters are answered each.

Expectations are worked out from the fixture records (which letters exist, how many items
each has, which eras and dates the index holds), never from the tool's output."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from click.testing import CliRunner, Result
from markupsafe import escape
from server_fixtures import ServerIndex

from imr_search.cli import main
from imr_search.eras import current_era

# isort: split
from factories import xlsx_rows

pytest_plugins = ["server_fixtures"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cli(index: Path, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--index", str(index)])


def decided(server_index: ServerIndex, low: dt.date, high: dt.date) -> int:
    return sum(
        len(le.items)
        for le in server_index.records.values()
        if le.decision_date and low <= le.decision_date <= high
    )


def test_us_dates_are_read_as_iso_dates(api: httpx.Client, server_index: ServerIndex) -> None:
    expected = decided(server_index, dt.date(2017, 1, 15), dt.date(2017, 2, 1))
    assert expected > 0
    for low, high in (("2017-01-15", "2017-02-01"), ("01/15/2017", "02/01/2017")):
        body = api.get("/api/search", params={"from": low, "to": high}).json()
        assert body["total"] == expected, (low, high)
        out = cli(server_index.path, "search", "--from", low, "--to", high, "--format", "json")
        assert out.exit_code == 0, out.output
        assert json.loads(out.stdout)["total"] == expected
    query = "decided:[01/15/2017 TO 02/01/2017]"
    assert api.get("/api/search", params={"q": query}).json()["total"] == expected


@pytest.mark.parametrize(
    ("params", "args", "said"),
    [
        (
            {"from": "2017-02-01", "to": "2017-01-01"},
            ("--from", "2017-02-01", "--to", "2017-01-01"),
            "is after to",
        ),
        (
            {"q": "decided:[2017-02-01 TO 2017-01-01]"},
            ("decided:[2017-02-01 TO 2017-01-01]",),
            "the range starts (2017-02-01) after it ends (2017-01-01)",
        ),
        (
            {"q": "age:[60 TO 40]"},
            ("age:[60 TO 40]",),
            "the range starts (60) after it ends (40)",
        ),
    ],
)
def test_a_reversed_range_is_the_same_error_everywhere(
    api: httpx.Client,
    server_index: ServerIndex,
    params: dict[str, str],
    args: tuple[str, ...],
    said: str,
) -> None:
    response = api.get("/api/search", params=params)
    assert response.status_code == 400
    message = response.json()["error"]["message"]
    assert said in message
    page = api.get("/", params=params)
    assert page.status_code == 400
    assert str(escape(message)) in page.text
    out = cli(server_index.path, "search", *args)
    assert out.exit_code == 2
    assert message in out.stderr


def test_an_unknown_item_number_names_the_items(
    api: httpx.Client, server_index: ServerIndex
) -> None:
    letter = next(le for le in server_index.records.values() if len(le.items) == 2)
    numbers = ", ".join(str(i.number) for i in letter.items)
    message = f"{letter.id} has no item '9': its items are {numbers}"
    out = cli(server_index.path, "show", f"{letter.id}#9")
    assert out.exit_code == 1
    assert message in out.stderr
    assert letter.items[0].service not in out.stdout  # not the whole letter instead
    response = api.get(f"/api/letters/{letter.id}%239")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == message
    page = api.get(f"/letters/{letter.id}%239")
    assert page.status_code == 404
    assert str(escape(message)) in page.text
    # A known item: that item alone.
    one = api.get(f"/api/letters/{letter.id}%232").json()
    assert [i["number"] for i in one["items"]] == [2]
    shown = cli(server_index.path, "show", f"{letter.id}#2")
    assert letter.items[1].service in shown.stdout
    assert f"[{letter.items[0].number}]" not in shown.stdout
    moved = api.get(f"/letters/{letter.id}%232")
    assert moved.status_code == 303
    assert moved.headers["location"].endswith(f"/letters/{letter.id}#item-2")


def test_several_letters_at_once_each_found_or_not(server_index: ServerIndex) -> None:
    a, b = sorted(le.id for le in server_index.records.values() if le.case_number)[:2]
    out = cli(server_index.path, "show", a, "CM99-0000000", b, "--format", "json")
    assert out.exit_code == 1
    data = json.loads(out.stdout)
    assert [d.get("id") for d in data] == [a, None, b]
    assert data[1]["requested"] == "CM99-0000000"
    assert "no letter 'CM99-0000000'" in data[1]["error"]
    assert "not found: CM99-0000000" in out.stderr


def test_an_era_no_item_is_of_says_why_everywhere(
    api: httpx.Client, server_index: ServerIndex
) -> None:
    # The fixture letters were decided in 2016-2017: no request is of today's era.
    assert current_era().name != "mtus-2016"
    why = "No matches: no indexed item has era 'current'"
    body = api.get("/api/search", params={"era": "current"}).json()
    assert body["total"] == 0
    message = next(w for w in body["warnings"] if w.startswith(why))
    assert "mtus-2016" in message  # names the eras the index does hold
    out = cli(server_index.path, "search", "--era", "current")
    assert out.exit_code == 0
    assert out.stdout.splitlines()[0] == message
    page = api.get("/", params={"era": "current"})
    assert str(escape(message)) in page.text


def test_dates_that_leave_nothing_say_what_the_index_holds(
    api: httpx.Client, server_index: ServerIndex
) -> None:
    dates = [le.decision_date for le in server_index.records.values() if le.decision_date]
    held = f"{min(dates)} to {max(dates)}"
    body = api.get("/api/search", params={"from": "2030-01-01"}).json()
    message = body["warnings"][-1]
    assert message == (
        f"No matches: no indexed item was decided from 2030-01-01 to today "
        f"(the index holds decisions from {held})."
    )
    out = cli(server_index.path, "search", "--from", "01/01/2030")
    assert out.stdout.splitlines()[0] == message


def test_an_empty_index_says_so_everywhere(tmp_path: Path) -> None:
    empty = tmp_path / "letters"
    empty.mkdir()
    index = tmp_path / "index"
    built = cli(index, "index", str(empty))
    assert built.exit_code in (0, 1), built.output
    if not index.exists():
        pytest.skip("indexing no letters makes no index; the missing index is its own error")
    out = cli(index, "search", "knee")
    assert out.stdout.splitlines()[0] == (
        "No matches: the index holds no items yet (add letters with imr-search index)."
    )


# -- every table exports as CSV, JSON and XLSX, the same from the CLI and the server ----------

TABLES = [
    # (CLI arguments, API path and parameters)
    (("citator",), "/api/citator", {}),
    (("stats", "--by", "decision"), "/api/crosstab", {"rows": "decision"}),
    (
        ("stats", "--by", "era", "--by", "decision"),
        "/api/crosstab",
        {"rows": "era", "cols": "decision"},
    ),
    (("precedents", "Pre-op labs"), "/api/precedents", {"request": "Pre-op labs"}),
    (("stats",), "/api/stats", {}),
]


@pytest.mark.parametrize(("args", "path", "params"), TABLES)
def test_every_table_exports_alike_from_the_cli_and_the_server(
    api: httpx.Client,
    server_index: ServerIndex,
    args: tuple[str, ...],
    path: str,
    params: dict[str, str],
) -> None:
    as_json = api.get(path, params=params).json()
    assert json.loads(cli(server_index.path, *args, "--format", "json").stdout) == as_json
    csv_text = api.get(path, params={**params, "format": "csv"}).text
    assert cli(server_index.path, *args, "--format", "csv").stdout == csv_text.replace("\r\n", "\n")
    workbook = api.get(path, params={**params, "format": "xlsx"})
    assert workbook.status_code == 200
    rows = xlsx_rows(workbook.content)
    lines = list(csv.reader(io.StringIO(csv_text)))
    assert len(rows) == len(lines)
    assert [str(h) for h in rows[0]] == lines[0]
    # Counts are numbers in the workbook, so a spreadsheet can sum them.
    numeric = [c for c in rows[1] if isinstance(c, int | float)]
    assert numeric


def as_text(cell: object) -> str:
    """A workbook cell as the CSV writes it (a date cell reads back as a datetime)."""
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat()
    return str(cell)


def test_the_stats_page_shows_the_rows_its_exports_hold(
    api: httpx.Client, server_index: ServerIndex
) -> None:
    letters = list(server_index.records.values())
    outcomes = Counter(le.outcome for le in letters if le.items)
    decisions = Counter(i.decision for le in letters for i in le.items)
    page = api.get("/stats")
    assert page.status_code == 200
    # Its links: the same table as CSV and XLSX, and its JSON.
    for fmt in ("csv", "xlsx"):
        assert f'href="/api/stats?format={fmt}" download' in page.text
    assert 'href="/api/stats"' in page.text
    lines = list(csv.DictReader(io.StringIO(api.get("/api/stats", params={"format": "csv"}).text)))
    workbook = api.get("/api/stats", params={"format": "xlsx"})
    assert workbook.headers["content-type"].startswith(XLSX)
    assert 'filename="imr-stats.xlsx"' in workbook.headers["content-disposition"]
    typed = xlsx_rows(workbook.content)
    assert [tuple(r.values()) for r in lines] == [tuple(map(as_text, row)) for row in typed[1:]]
    totals = {r["Value"]: r["Count"] for r in lines if r["Table"] == "totals"}
    assert totals["letters"] == str(len(letters))
    assert totals["disputed items"] == str(sum(decisions.values()))
    shown = {r["Value"]: int(r["Count"]) for r in lines if r["Table"] == "letters by case outcome"}
    assert {k: v for k, v in shown.items() if v} == outcomes
    by_decision = {r["Value"]: int(r["Count"]) for r in lines if r["Table"] == "items by decision"}
    assert by_decision == decisions
    # Each row the page shows is a row of the export: the outcomes and the decisions.
    for outcome, n in outcomes.items():
        assert outcome is not None
        assert re.search(rf">{re.escape(outcome.capitalize())}</a></th><td>{n}</td>", page.text)
    for decision, n in decisions.items():
        assert re.search(rf">{re.escape(decision)}</a></th><td>{n}</td>", page.text)
    # An unknown parameter is an error, as on every API endpoint; a bad format names the choices.
    assert api.get("/api/stats", params={"format": "pdf"}).status_code == 400
    assert api.get("/api/stats", params={"colour": "red"}).status_code == 400


def test_the_letter_panel_links_the_precedents_exports(
    api: httpx.Client, server_index: ServerIndex
) -> None:
    letter = next(le for le in server_index.records.values() if le.case_number and le.items)
    page = api.get(f"/letters/{letter.id}")
    item = letter.items[0]
    query = urlencode({"request": item.service, "exclude": letter.id})
    for fmt in ("csv", "xlsx"):
        link = f"/api/precedents?{query}&format={fmt}"
        assert f'href="{escape(link)}" download' in page.text
        answer = api.get(link)
        assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(api.get(f"/api/precedents?{query}&format=csv").text)))
    data = api.get(f"/api/precedents?{query}").json()
    assert rows[0]["Section"] == "overall"
    assert int(rows[0]["Items"]) == data["items"]


# -- several letters at once ---------------------------------------------------------------------


def test_a_cases_file_answers_each_case(server_index: ServerIndex, tmp_path: Path) -> None:
    letters = sorted(
        (le for le in server_index.records.values() if le.case_number), key=lambda le: le.id
    )
    a, b = letters[0], letters[1]
    assert a.case_number
    assert b.case_number
    listed = tmp_path / "cases.txt"
    listed.write_text(f"{a.case_number}\nCM99-0000001, {b.case_number.lower()}\n")
    out = cli(server_index.path, "search", "--cases", str(listed))
    assert out.exit_code == 1  # one case is missing
    lines = out.stdout.splitlines()
    assert lines[0] == "3 cases: 2 found, 1 not found"
    assert lines[1].startswith(f"{a.case_number}: IMR Final Determination {a.case_number}")
    assert sum(line.startswith("  #") for line in lines) == len(a.items) + len(b.items)
    assert any(line.startswith("CM99-0000001: not found") for line in lines)
    data = json.loads(
        cli(server_index.path, "search", "--cases", str(listed), "--format", "json").stdout
    )
    assert [d.get("id") for d in data] == [a.id, None, b.id]


def test_a_list_pasted_into_the_box_answers_each_case(
    api: httpx.Client, server_index: ServerIndex
) -> None:
    letters = sorted(
        (le for le in server_index.records.values() if le.case_number), key=lambda le: le.id
    )
    a, b = letters[0], letters[1]
    page = api.get("/", params={"q": f"{a.case_number}, CM99-0000001\n{b.case_number}"})
    assert page.status_code == 200
    assert "3 cases: 2 found, 1 not found" in page.text
    assert f'href="/letters/{a.id}"' in page.text
    assert f'href="/letters/{b.id}"' in page.text
    assert "<strong>CM99-0000001</strong>: not found" in page.text
