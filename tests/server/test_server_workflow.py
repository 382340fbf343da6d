"""The lawyer's workflow over the API (issue 12): the case outcome, the original letter, the
exports' columns. Against the real server process on loopback serving the fixture index;
expectations come from the records parsed without the index, or from docs/exports.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import httpx
import pytest
from factories import xlsx_rows
from server_fixtures import REPO, XSS_ID, ServerIndex
from test_server_api import case_outcome

from imr_search.model import Letter

pytest_plugins = ["server_fixtures"]

PDF_LETTER = "CM17-0003591"  # tests/fixtures/letters/CM17-0003591.pdf


def documented_columns() -> list[str]:
    """The export's columns as docs/exports.md lists them, in order."""
    text = (REPO / "docs" / "exports.md").read_text()
    table = text.split("| Column | What it holds |", 1)[1].split("\n\n", 1)[0]
    return [line.split("|")[1].strip() for line in table.strip().splitlines()[1:]]


# -- the case outcome -------------------------------------------------------------------------


def test_outcome_facet_counts_items_per_case_outcome(
    api: httpx.Client, server_index: ServerIndex
) -> None:
    expected: dict[str, int] = {}
    for letter in server_index.records.values():
        outcome = case_outcome(letter)
        expected[outcome] = expected.get(outcome, 0) + len(letter.items)
    assert set(expected) == {"upheld", "overturned", "partially overturned"}
    body = api.get("/api/search", params={"facets": 1, "size": 1}).json()
    assert {f["value"]: f["count"] for f in body["facets"]["outcome"]} == expected


@pytest.mark.parametrize("outcome", ["upheld", "overturned", "partially overturned"])
def test_outcome_filter_on_letters(
    api: httpx.Client, server_index: ServerIndex, outcome: str
) -> None:
    letters = {lt.id for lt in server_index.records.values() if case_outcome(lt) == outcome}
    body = api.get("/api/search", params={"outcome": outcome, "letters": 1, "size": 100}).json()
    assert {g["letter_id"] for g in body["groups"]} == letters
    assert {g["outcome"] for g in body["groups"]} == {outcome}
    # The query field says the same, in DWC's own words too.
    dwc = {"upheld": "Uphold", "overturned": "Overturn"}.get(outcome, "Partially Overturn")
    same = api.get("/api/search", params={"q": f'outcome:"{dwc}"', "letters": 1, "size": 100})
    assert {g["letter_id"] for g in same.json()["groups"]} == letters


def test_received_range_and_injured_range(api: httpx.Client, server_index: ServerIndex) -> None:
    lo, hi = dt.date(2016, 12, 1), dt.date(2017, 1, 15)

    def within(d: dt.date | None) -> bool:
        return d is not None and lo <= d <= hi

    items = {
        f"{lt.id}#{it.number}"
        for lt in server_index.records.values()
        if within(lt.application_received)
        for it in lt.items
    }
    assert items
    params = {"received_from": lo.isoformat(), "received_to": hi.isoformat(), "size": "100"}
    body = api.get("/api/search", params=params).json()
    assert {r["item_id"] for r in body["results"]} == items
    query = api.get("/api/search", params={"q": f"received:[{lo} TO {hi}]", "size": 100}).json()
    assert {r["item_id"] for r in query["results"]} == items
    injured = {
        f"{lt.id}#{it.number}"
        for lt in server_index.records.values()
        if lt.date_of_injury and lt.date_of_injury < dt.date(2010, 1, 1)
        for it in lt.items
    }
    body = api.get("/api/search", params={"injured_to": "2009-12-31", "size": 100}).json()
    assert {r["item_id"] for r in body["results"]} == injured


def test_a_reversed_or_bad_range_is_a_400(api: httpx.Client) -> None:
    reversed_ = api.get(
        "/api/search", params={"received_from": "2017-02-01", "received_to": "2017-01-01"}
    )
    assert reversed_.status_code == 400
    assert "received_from (2017-02-01) is after received_to" in reversed_.json()["error"]["message"]
    bad = api.get("/api/search", params={"urdenial_from": "last week"})
    assert bad.status_code == 400
    assert "YYYY-MM-DD" in bad.json()["error"]["message"]


# -- the original letter ----------------------------------------------------------------------


def test_source_serves_the_indexed_pdf_named_by_case_number(api: httpx.Client) -> None:
    response = api.get(f"/letters/{PDF_LETTER}/source")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert f'filename="{PDF_LETTER}.pdf"' in response.headers["content-disposition"]
    published = REPO / "tests" / "fixtures" / "letters" / f"{PDF_LETTER}.pdf"
    assert response.content == published.read_bytes()


def test_source_serves_a_text_letter_as_text(api: httpx.Client, server_index: ServerIndex) -> None:
    letter = next(lt for lt in server_index.records.values() if lt.source.endswith(".txt"))
    response = api.get(f"/letters/{letter.id}/source")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert response.headers["content-security-policy"] == "sandbox"
    assert response.text == Path(letter.source).read_text()


@pytest.mark.parametrize(
    "path",
    [
        "/letters/CM99-0000000/source",  # not indexed
        f"/letters/{XSS_ID}/source",  # indexed, but put by a program: no file
        "/letters/..%2F..%2F..%2Fpyproject.toml/source",
        "/letters/%2Fetc%2Fpasswd/source",
        f"/letters/{PDF_LETTER}%2F..%2F..%2F..%2Fpyproject.toml/source",
        f"/letters/{PDF_LETTER}%23..%2F..%2Fpyproject.toml/source",
        "/letters/..%5C..%5Cpyproject.toml/source",
        f"/letters/{PDF_LETTER}/source/../../pyproject.toml",
    ],
)
def test_source_refuses_anything_not_indexed(api: httpx.Client, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 404, path
    assert b"[project]" not in response.content
    assert b"root:" not in response.content


def test_letter_api_names_the_file_not_the_server_path(
    api: httpx.Client, server_index: ServerIndex
) -> None:
    for letter_id in list(server_index.records)[:5]:
        body = api.get(f"/api/letters/{letter_id}").json()
        assert body["source"] == Path(server_index.records[letter_id].source).name
        assert str(REPO) not in str(body)


# -- exports --------------------------------------------------------------------------------


def _check_row(row: dict[str, str], letter: Letter, base: str) -> None:
    number = int(row["Item"])
    item = next(i for i in letter.items if i.number == number)

    def day(d: dt.date | None) -> str:
        return d.isoformat() if d else ""

    assert row["Case number"] == (letter.case_number or "")
    assert row["Decision"] == item.decision
    assert row["Case outcome"] == case_outcome(letter)
    assert row["Partial"] == ("true" if item.partial else "false")
    assert row["Original request"] == (item.original_request or "")
    assert row["Reviewer license states"] == "; ".join(letter.reviewer.license_states)
    assert row["Date of injury"] == day(letter.date_of_injury)
    assert row["Application received"] == day(letter.application_received)
    assert row["UR denial date"] == day(letter.ur_denial_date)
    assert row["Patient age"] == ("" if letter.patient.age is None else str(letter.patient.age))
    assert row["Patient sex"] == (letter.patient.sex or "")
    assert row["Rationale"].lstrip("'") == item.rationale
    assert len([c for c in row["IMR citations"].split("; ") if c]) >= len(item.imr_citations)
    for c in item.imr_citations:
        assert c.source in row["IMR citations"]
    assert row["Letter URL"] == f"{base}/letters/{letter.id}#item-{number}"


def test_csv_has_every_documented_column_in_order_with_the_records_values(
    api: httpx.Client, server_index: ServerIndex
) -> None:
    columns = documented_columns()
    assert len(columns) >= 25
    response = api.get("/api/search.csv", params={"sort": "decided"})
    assert response.status_code == 200
    reader = csv.reader(io.StringIO(response.text))
    assert next(reader) == columns
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == sum(len(lt.items) for lt in server_index.records.values())
    for row in rows:
        _check_row(row, server_index.records[row["Letter ID"]], str(api.base_url).rstrip("/"))


def test_xlsx_has_the_same_rows_typed(api: httpx.Client, server_index: ServerIndex) -> None:
    params = {"q": "mri", "sort": "decided"}
    csv_rows = list(csv.reader(io.StringIO(api.get("/api/search.csv", params=params).text)))
    response = api.get("/api/search.xlsx", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    rows = xlsx_rows(response.content)
    assert list(rows[0]) == documented_columns() == csv_rows[0]
    assert len(rows) == len(csv_rows) > 1
    header = list(rows[0])
    for values, text in zip(rows[1:], csv_rows[1:], strict=True):
        assert values[header.index("Item ID")] == text[header.index("Item ID")]
        decided = values[header.index("Decision date")]
        letter = server_index.records[str(values[header.index("Letter ID")])]
        if letter.decision_date:
            assert isinstance(decided, dt.datetime)
            assert decided.date() == letter.decision_date


def test_facet_counts_export(api: httpx.Client, server_index: ServerIndex) -> None:
    as_json = api.get("/api/facets", params={"q": "mri"}).json()
    search = api.get("/api/search", params={"q": "mri", "facets": 1}).json()
    assert as_json["total_items"] == search["total"]
    as_csv = api.get("/api/facets", params={"q": "mri", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert list(rows[0]) == ["Facet", "Value", "Count", "Selected"]
    expected = {
        (name, f["value"], str(f["count"]))
        for name, values in search["facets"].items()
        for f in values
    }
    assert {(r["Facet"], r["Value"], r["Count"]) for r in rows} == expected


def test_precedents_export(api: httpx.Client) -> None:
    params = {"request": "MRI of the knee"}
    answer = api.get("/api/precedents", params=params).json()
    response = api.get("/api/precedents", params={**params, "format": "csv"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.text)))
    overall = rows[0]
    assert overall["Section"] == "overall"
    assert (overall["Items"], overall["Overturned"]) == (
        str(answer["items"]),
        str(answer["overturned"]),
    )
    closest = [r["Item ID"] for r in rows if r["Section"] == "closest"]
    assert closest == [c["item_id"] for c in answer["closest"]]
    assert all(re.fullmatch(r".+#\d+", c) for c in closest)


# -- the pages ------------------------------------------------------------------------------


def test_a_case_number_in_the_search_box_opens_its_letter(api: httpx.Client) -> None:
    for q in (PDF_LETTER, f" {PDF_LETTER.lower()} "):
        response = api.get("/", params={"q": q})
        assert response.status_code == 303
        assert response.headers["location"] == f"/letters/{PDF_LETTER}"
    box = api.get("/case", params={"number": PDF_LETTER})
    assert box.status_code == 303
    assert box.headers["location"] == f"/letters/{PDF_LETTER}"
    # An unknown number is a search that says so, not a silent empty page.
    unknown = api.get("/case", params={"number": "CM99-0000000"}, follow_redirects=True)
    assert unknown.status_code == 200
    assert "No matching items" in unknown.text
    assert api.get("/case", params={"number": " "}).status_code == 400


def test_letter_page_has_outcome_source_citation_and_print_header(
    api: httpx.Client, server_index: ServerIndex
) -> None:
    letter = server_index.records[PDF_LETTER]
    page = api.get(f"/letters/{PDF_LETTER}").text
    assert f'href="/letters/{PDF_LETTER}/source"' in page
    assert f'case outcome <span class="outcome outcome-{case_outcome(letter)}' in page
    assert f"Case {PDF_LETTER} · decided 2017-02-02 · http://" in page  # the print header
    assert page.count('class="button button-small copy-citation"') == len(letter.items) + 1
    # whose category each item carries: these letters were not fetched, so the parser's
    classified = [i for i in letter.items if i.category]
    assert page.count('class="category-source"') == len(classified)
    assert page.count("(parsed)</small>") == len(classified)


def test_similar_page_shows_the_query_items_rationale(
    api: httpx.Client, server_index: ServerIndex
) -> None:
    letter = server_index.records["CM17-0014449"]
    item = next(i for i in letter.items if i.number == 2)
    page = api.get("/similar/CM17-0014449%232").text
    assert "This item's rationale" in page
    first_words = " ".join(item.rationale.split()[:8])
    assert first_words.replace("'", "&#39;") in " ".join(page.split())


def test_precedents_page_has_the_search_filters(api: httpx.Client) -> None:
    request = {"request": "MRI of the lumbar spine"}
    everything = api.get("/api/precedents", params=request).json()
    narrowed = api.get("/api/precedents", params={**request, "state": "CA"}).json()
    assert 0 < narrowed["items"] < everything["items"]
    page = api.get("/precedents", params={**request, "state": "CA"}).text
    for name in ("from", "to", "state", "specialty"):
        assert f'name="{name}"' in page
    assert f"<strong>{narrowed['items']}</strong> such item" in page
    assert 'name="state" value="CA"' in page


def test_stats_and_api_documentation_pages_work_offline(
    api: httpx.Client, server_index: ServerIndex
) -> None:
    stats = api.get("/stats")
    assert stats.status_code == 200
    letters = len(server_index.records)
    assert f'<dd id="stats-letters">{letters}</dd>' in stats.text
    for outcome in ("upheld", "overturned", "partially overturned"):
        count = sum(1 for lt in server_index.records.values() if case_outcome(lt) == outcome)
        assert f"{outcome.capitalize()}</a></th><td>{count}</td>" in stats.text
    docs = api.get("/api-docs")
    assert docs.status_code == 200
    for path in ("/api/search", "/api/search.xlsx", "/api/facets", "/api/letters/{letter_id}"):
        assert f"<code>GET {path}</code>" in docs.text
    # Nothing loaded from elsewhere: the machine may have no internet.
    for page in (stats.text, docs.text):
        assert not re.search(r'(src|href)="(https?:)?//', page)


def test_every_date_range_has_its_page_control(api: httpx.Client) -> None:
    from imr_search.search.fields import RANGE_FILTERS
    from imr_search.server.pages import DATE_RANGE_LABELS

    assert tuple(DATE_RANGE_LABELS) == RANGE_FILTERS
    page = api.get("/").text
    for name in RANGE_FILTERS:
        assert f'name="{name}_from"' in page
        assert f'name="{name}_to"' in page


def test_page_size_defaults_to_25_with_choices(api: httpx.Client) -> None:
    page = api.get("/").text
    assert '<span class="size-current" aria-current="true">25</span>' in page
    for n in (10, 50, 100):
        assert f"size={n}" in page
    assert page.count('<li class="hit">') == 25
