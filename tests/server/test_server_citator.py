"""/api/citator, /api/crosstab and their pages against the real server on the fixture index;
expectations from the records parsed without the index."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter

import httpx
from server_fixtures import ServerIndex

pytest_plugins = ["server_fixtures"]


def test_citator_api_counts_match_the_records(api: httpx.Client, server_index: ServerIndex) -> None:
    items = [i for lt in server_index.records.values() for i in lt.items]
    body = api.get("/api/citator").json()
    assert body["items"] == len(items)
    assert body["cited"] == sum(bool(i.imr_citations) for i in items)
    # Read in the letters: five items cite MTUS Low Back Complaints 2004, Special Studies, none
    # overturned.
    rows = {r["citation"]: r for r in body["rows"]}
    low_back = [
        i for i in items
        if any(c.part == "Low Back Complaints" and "Special Studies" in (c.section or "")
               for c in i.imr_citations)
    ]  # fmt: skip
    row = rows["MTUS > Low Back Complaints 2004 > Special Studies"]
    assert (row["items"], row["overturned"]) == (len(low_back), 0)
    assert row["low"] == 0.0
    assert 0 < row["high"] < 1


def test_citator_csv_and_sorting(api: httpx.Client) -> None:
    response = api.get("/api/citator", params={"format": "csv", "sort": "citation"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["citation", "items", "overturned", "rate", "low", "high", "answered"]
    names = [r[0] for r in rows[1:]]
    assert names == sorted(names, key=str.casefold)
    assert api.get("/api/citator", params={"sort": "bogus"}).status_code == 400


def test_crosstab_api_cells_sum_to_the_total(api: httpx.Client, server_index: ServerIndex) -> None:
    pairs = [(lt, i) for lt in server_index.records.values() for i in lt.items]
    body = api.get("/api/crosstab", params={"rows": "cites", "cols": "decision"}).json()
    assert body["items"] == len(pairs)
    assert sum(c["items"] for c in body["cells"]) == len(pairs)  # cites: one value per item
    expected = Counter(i.decision for _, i in pairs)
    by_col: Counter[str] = Counter()
    for c in body["cells"]:
        by_col[c["col"]] += c["items"]
    assert by_col == expected


def test_the_analyses_honour_the_other_date_ranges(
    api: httpx.Client, server_index: ServerIndex
) -> None:
    # The citator and cross-tabs take the search's filters, the received-date range included.
    cut = dt.date(2016, 12, 1)
    expected = sum(
        len(lt.items)
        for lt in server_index.records.values()
        if lt.application_received is not None and lt.application_received >= cut
    )
    assert 0 < expected < sum(len(lt.items) for lt in server_index.records.values())
    params = {"rows": "decision", "received_from": cut.isoformat()}
    assert api.get("/api/crosstab", params=params).json()["items"] == expected


def test_crosstab_bad_dimension_is_a_400_naming_the_choices(api: httpx.Client) -> None:
    response = api.get("/api/crosstab", params={"rows": "colour"})
    assert response.status_code == 400
    assert "choose from decision" in response.json()["error"]["message"]
    assert api.get("/api/crosstab").status_code == 400  # rows is required


def test_pages_render_the_tables_and_the_histogram(api: httpx.Client) -> None:
    page = api.get("/citator", params={"sort": "rate"})
    assert page.status_code == 200
    assert "citator-row" in page.text
    trend = api.get("/crosstab", params={"rows": "month"})
    assert trend.status_code == 200
    assert "<svg" in trend.text
    assert 'class="bar"' in trend.text
    two = api.get("/crosstab", params={"rows": "era", "cols": "decision"})
    assert two.status_code == 200
    assert "crosstab-table" in two.text
