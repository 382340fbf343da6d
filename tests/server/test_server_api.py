"""The JSON API, against a real uvicorn process on loopback serving the fixture index.

Expected answers are computed from the fixture records parsed without the index, never from
the engine's own counts.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import re
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from expected import cites_of, era_of
from markupsafe import escape
from server_fixtures import XSS_ID, ServerIndex, ServerProcess

from imr_search.config import Settings
from imr_search.guidelines import labels
from imr_search.model import Item, Letter
from imr_search.search.request import FACETS, FILTERS, MAX_PAGE_SIZE

pytest_plugins = ["server_fixtures"]

AGE_BANDS = ((None, 29, "<30"), (30, 39, "30-39"), (40, 49, "40-49"), (50, 59, "50-59"))


# -- helpers --------------------------------------------------------------------------------


def all_items(records: dict[str, Letter]) -> dict[str, tuple[Letter, Item]]:
    return {f"{le.id}#{it.number}": (le, it) for le in records.values() for it in le.items}


def item_text(letter: Letter, item: Item) -> str:
    citations = [c.text for c in (*item.claims_citations, *item.imr_citations)]
    return " ".join(
        [
            item.service,
            item.rationale,
            letter.summary,
            item.imr_guideline or "",
            item.claims_guideline or "",
            *citations,
        ]
    )


def age_band(age: int | None) -> list[str]:
    if age is None:
        return []
    for low, high, label in AGE_BANDS:
        if (low is None or age >= low) and age <= high:
            return [label]
    return ["60+"]


def facet_values(letter: Letter, item: Item) -> dict[str, list[str]]:
    """Each facet's values for one item, straight from the record."""
    sources: list[str] = list(dict.fromkeys(c.source for c in item.imr_citations))
    mtus = [c.part for c in item.imr_citations if c.source == "MTUS" and c.part]
    return {
        "decision": [item.decision],
        "reason": list(item.reasons),
        "category": [item.category] if item.category else [],
        "subcategory": [item.subcategory] if item.subcategory else [],
        "specialty": list(dict.fromkeys(letter.reviewer.specialties)),
        "state": list(dict.fromkeys(s.upper() for s in letter.reviewer.license_states)),
        "guideline": sources or ["none"],
        "mtus": list(dict.fromkeys(mtus)),
        "region": [item.body_region] if item.body_region else [],
        "year": [str(letter.decision_date.year)] if letter.decision_date else [],
        "age": age_band(letter.patient.age),
        "sex": [letter.patient.sex] if letter.patient.sex else [],
        "outcome": [case_outcome(letter)],
        # The era and cites worked out here; the section names are the citator's (their
        # spelling is tested against the letters in test_citator.py).
        "era": [era] if (era := era_of(letter)) else [],
        "cites": [cites_of(item)],
        "citation": labels(item.imr_citations),
        "urcitation": labels(item.claims_citations),
    }


def case_outcome(letter: Letter) -> str:
    """DWC's case outcome, from the items' decisions."""
    decisions = {i.decision for i in letter.items}
    if len(decisions) > 1:
        return "partially overturned"
    return "upheld" if decisions == {"upheld"} else "overturned"


def expected_facets(
    items: dict[str, tuple[Letter, Item]], ids: set[str]
) -> dict[str, dict[str, int]]:
    counters: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    for item_id in ids:
        for name, values in facet_values(*items[item_id]).items():
            counters[name].update(values)
    return {name: dict(c) for name, c in counters.items()}


def all_results(api: httpx.Client, params: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    page = 1
    while True:
        body = api.get("/api/search", params={**params, "size": 100, "page": page}).json()
        out += body["results"]
        if page >= body["pages"]:
            return out
        page += 1


def assert_error_shape(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"status", "message", "detail"}
    assert error["status"] == status
    assert isinstance(error["message"], str)
    assert error["message"].strip()
    return error  # type: ignore[no-any-return]


# -- endpoints ------------------------------------------------------------------------------


def test_serve_prints_the_address(live_server: ServerProcess) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", live_server.url)
    assert f"Serving imr-search on {live_server.url}" in live_server.output()


def test_healthz_answers_ok(api: httpx.Client) -> None:
    response = api.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["cache"]) == {"size", "held", "hits", "misses", "hit_rate"}
    assert body["cache"]["size"] == Settings().cache_size


def test_stats_count_the_records(api: httpx.Client, server_index: ServerIndex) -> None:
    records = server_index.records
    items = all_items(records)
    stats = api.get("/api/stats").json()
    assert stats["letters"] == len(records)
    assert stats["items"] == len(items)
    overturned = sum(1 for _, it in items.values() if it.decision == "overturned")
    assert stats["overturned"] == overturned
    assert stats["overturn_rate"] == pytest.approx(overturned / len(items))
    dates = sorted(le.decision_date for le in records.values() if le.decision_date)
    assert stats["first_decision"] == dates[0].isoformat()
    assert stats["last_decision"] == dates[-1].isoformat()
    categories = Counter(it.category for _, it in items.values() if it.category)
    for row in stats["top_categories"]:
        assert categories[row["category"]] == row["count"]


def test_upheld_mri_search_has_facet_counts_of_the_records(
    api: httpx.Client, server_index: ServerIndex
) -> None:
    items = all_items(server_index.records)
    response = api.get("/api/search", params={"q": "mri", "decision": "upheld", "facets": 1})
    assert response.status_code == 200
    body = response.json()
    found = {r["item_id"] for r in all_results(api, {"q": "mri", "decision": "upheld"})}
    assert body["total"] == len(found) > 0

    # Every result is an upheld item that mentions MRI ...
    for item_id in found:
        letter, item = items[item_id]
        assert item.decision == "upheld"
        assert re.search(r"\bmri", item_text(letter, item), re.IGNORECASE), item_id
    # ... and every upheld item whose service names an MRI is found.
    wanted = {
        item_id
        for item_id, (_, item) in items.items()
        if item.decision == "upheld" and re.search(r"\bmri\b", item.service, re.IGNORECASE)
    }
    assert wanted <= found

    expected = expected_facets(items, found)
    assert list(body["facets"]) == list(FACETS)
    for name, values in body["facets"].items():
        counts = {v["value"]: v["count"] for v in values if v["count"]}
        assert counts == expected[name], name
    decision = {v["value"]: v for v in body["facets"]["decision"]}
    assert decision["upheld"]["selected"] is True
    assert decision["upheld"]["count"] == body["total"]
    assert all(not v["selected"] for v in body["facets"]["category"])


def documented(api: httpx.Client, name: str) -> dict[str, Any]:
    """One response schema of the served /openapi.json."""
    schema: dict[str, Any] = api.get("/openapi.json").json()["components"]["schemas"][name]
    return schema


def test_search_results_carry_the_documented_fields(api: httpx.Client) -> None:
    hit = documented(api, "SearchHit")
    body = api.get("/api/search", params={"q": "knee", "size": 5}).json()
    assert set(body) == {
        "total", "page", "size", "pages", "results", "facets", "warnings", "suggestions",
        "scope", "fallback", "also_searched", "respelled", "elsewhere",
    }  # fmt: skip
    assert body["results"]
    for result in body["results"]:
        assert set(result) == set(hit["properties"]) == set(hit["required"])
        assert result["item_id"] == f"{result['letter_id']}#{result['item_number']}"
        assert result["url"].endswith(f"#item-{result['item_number']}")
        # snippet_html is the plain snippet, escaped, with <mark> around matches.
        unmarked = result["snippet_html"].replace("<mark>", "").replace("</mark>", "")
        assert html.unescape(unmarked) == result["snippet"]
        assert "<" not in unmarked


def test_snippets_mark_the_matched_words(api: httpx.Client) -> None:
    body = api.get("/api/search", params={"q": "rationale:guidelines", "size": 5}).json()
    assert body["results"]
    for result in body["results"]:
        marked = re.findall(r"<mark>(.*?)</mark>", result["snippet_html"])
        assert marked, result["snippet"]
        assert all(m.lower().startswith("guideline") for m in marked)


def test_facet_toggle_urls_add_and_remove_a_filter(api: httpx.Client) -> None:
    body = api.get("/api/search", params={"q": "mri", "facets": 1}).json()
    category = body["facets"]["category"][0]
    assert category["selected"] is False
    narrowed = api.get(category["toggle_url"]).json()
    assert narrowed["total"] == category["count"]
    assert {r["category"] for r in all_results(api, _query(category["toggle_url"]))} == {
        category["value"]
    }
    selected = next(v for v in narrowed["facets"]["category"] if v["value"] == category["value"])
    assert selected["selected"] is True
    widened = api.get(selected["toggle_url"]).json()
    assert widened["total"] == body["total"]
    assert dict(parse_qsl(urlsplit(selected["toggle_url"]).query)) == {"q": "mri", "facets": "1"}


def _query(url: str) -> dict[str, Any]:
    pairs = parse_qsl(urlsplit(url).query)
    out: dict[str, Any] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return {k: v[0] if len(v) == 1 else v for k, v in out.items() if k != "facets"}


def test_filters_are_ored_within_and_anded_across(
    api: httpx.Client, server_index: ServerIndex
) -> None:
    items = all_items(server_index.records)
    params = {"category": ["Surgery", "Diagnostic Testing"], "decision": "upheld"}
    found = {r["item_id"] for r in all_results(api, params)}
    expected = {
        item_id
        for item_id, (_, it) in items.items()
        if it.category in ("Surgery", "Diagnostic Testing") and it.decision == "upheld"
    }
    assert found == expected


def test_pages_do_not_overlap_and_count_right(api: httpx.Client) -> None:
    first = api.get("/api/search", params={"size": 7}).json()
    second = api.get("/api/search", params={"size": 7, "page": 2}).json()
    assert first["pages"] == -(-first["total"] // 7)
    assert len(first["results"]) == 7
    ids1 = {r["item_id"] for r in first["results"]}
    ids2 = {r["item_id"] for r in second["results"]}
    assert ids1.isdisjoint(ids2)
    beyond = api.get("/api/search", params={"size": 7, "page": first["pages"] + 1}).json()
    assert beyond["results"] == []


@pytest.mark.parametrize("sort", ["decided", "-decided"])
def test_sort_by_decision_date(api: httpx.Client, sort: str) -> None:
    results = all_results(api, {"sort": sort, "q": "request"})
    dates = [r["decision_date"] for r in results if r["decision_date"]]
    assert dates == sorted(dates, reverse=sort == "-decided")


def test_date_range_keeps_decisions_inside(api: httpx.Client, server_index: ServerIndex) -> None:
    items = all_items(server_index.records)
    params = {"from": "2017-01-01", "to": "2017-01-31"}
    found = {r["item_id"] for r in all_results(api, params)}
    expected = {
        item_id
        for item_id, (le, _) in items.items()
        if le.decision_date and "2017-01-01" <= le.decision_date.isoformat() <= "2017-01-31"
    }
    assert found == expected


def test_letters_groups_items_by_letter(api: httpx.Client) -> None:
    items = all_results(api, {"q": "mri"})
    body = api.get("/api/search", params={"q": "mri", "letters": 1, "size": 100}).json()
    assert body["results"] == []
    assert body["total"] == len({r["letter_id"] for r in items}) == len(body["groups"])
    grouped = {h["item_id"] for g in body["groups"] for h in g["items"]}
    assert grouped == {r["item_id"] for r in items}
    for group in body["groups"]:
        assert {h["letter_id"] for h in group["items"]} == {group["letter_id"]}


@pytest.mark.parametrize(
    ("path", "extra"), [("/api/search.csv", {}), ("/api/search", {"format": "csv"})]
)
def test_csv_export_has_every_result(api: httpx.Client, path: str, extra: dict[str, str]) -> None:
    params = {"q": "mri", "decision": "upheld", "sort": "-decided"}
    expected = all_results(api, params)
    response = api.get(path, params={**params, **extra})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["x-total-count"] == str(len(expected))
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["Item ID"] for r in rows] == [r["item_id"] for r in expected]
    assert {r["Decision"] for r in rows} == {"upheld"}


def test_csv_export_neutralises_formulas(api: httpx.Client) -> None:
    response = api.get("/api/search.csv", params={"q": "service:acupuncture"})
    for row in csv.reader(io.StringIO(response.text)):
        assert not any(cell.startswith(("=", "+", "@")) for cell in row)


def test_letter_is_the_whole_record(api: httpx.Client, server_index: ServerIndex) -> None:
    for letter_id, record in server_index.records.items():
        response = api.get(f"/api/letters/{letter_id}")
        assert response.status_code == 200, letter_id
        body = response.json()
        decisions = {i.decision for i in record.items}
        outcome = "partially overturned" if len(decisions) > 1 else decisions.pop()
        # The file's name only: the server's folders are not the client's business.
        assert body == {**record.to_dict(), "source": Path(record.source).name}
        assert body["outcome"] == outcome
        assert "/" not in body["source"]
        assert set(body) == {f.name for f in dataclasses.fields(Letter)} | {"outcome"}
        assert Letter.from_dict(body).to_dict() == body


def test_stats_fields_are_documented(api: httpx.Client) -> None:
    body = api.get("/api/stats").json()
    stats = documented(api, "StatsResponse")
    assert set(body) == set(stats["properties"]) == set(stats["required"])


def test_hostile_letter_text_stays_text_in_json(api: httpx.Client) -> None:
    body = api.get("/api/search", params={"q": "onerror OR acupuncture", "size": 100}).json()
    hostile = [r for r in body["results"] if r["letter_id"] == XSS_ID]
    assert hostile
    for result in hostile:
        assert "<script" not in result["snippet_html"]
        assert "<img" not in result["snippet_html"]


def test_bad_query_is_a_400_with_a_message(api: httpx.Client) -> None:
    error = assert_error_shape(api.get("/api/search", params={"q": "age:[x TO"}), 400)
    assert "range" in error["message"]
    assert error["detail"]["position"] == 4


def test_openapi_documents_every_parameter(api: httpx.Client) -> None:
    schema = api.get("/openapi.json").json()
    operation = schema["paths"]["/api/search"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert set(FILTERS) <= names
    assert {"q", "from", "to", "facets", "sort", "page", "size", "letters", "format"} <= names
    size = next(p for p in operation["parameters"] if p["name"] == "size")
    assert size["schema"]["maximum"] == MAX_PAGE_SIZE
    for path in ("/api/search", "/api/search.csv", "/api/letters/{letter_id}"):
        for op in schema["paths"][path].values():
            assert "422" not in op["responses"]
            assert "400" in op["responses"] or "404" in op["responses"]
    assert "/healthz" in schema["paths"]
    assert "/api/stats" in schema["paths"]
    assert "/" not in schema["paths"]


def test_security_headers_are_set(api: httpx.Client) -> None:
    for path in ("/", "/api/stats", "/static/style.css"):
        headers = api.get(path).headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"


# -- one walk over every endpoint with bad input --------------------------------------------

TOO_LONG = "pain " * 300

BAD_REQUESTS: list[tuple[str, str, dict[str, Any], int]] = [
    ("GET", "/api/search", {"q": "age:[x TO"}, 400),
    ("GET", "/api/search", {"q": 'service:"unclosed'}, 400),
    ("GET", "/api/search", {"q": "nosuchfield:x"}, 400),
    ("GET", "/api/search", {"q": TOO_LONG}, 400),
    ("GET", "/api/search", {"size": MAX_PAGE_SIZE + 1}, 400),
    ("GET", "/api/search", {"size": 0}, 400),
    ("GET", "/api/search", {"page": 0}, 400),
    ("GET", "/api/search", {"page": "two"}, 400),
    ("GET", "/api/search", {"sort": "cheapest"}, 400),
    ("GET", "/api/search", {"facets": "maybe"}, 400),
    ("GET", "/api/search", {"letters": "maybe"}, 400),
    ("GET", "/api/search", {"from": "2016-13-01"}, 400),
    ("GET", "/api/search", {"from": "2017-02-01", "to": "2017-01-01"}, 400),
    ("GET", "/api/search", {"year": "last"}, 400),
    ("GET", "/api/search", {"age": "7"}, 400),
    ("GET", "/api/search", {"guideline": "Bible"}, 400),
    ("GET", "/api/search", {"decison": "upheld"}, 400),
    ("GET", "/api/search", {"date_from": "2017-01-01"}, 400),
    ("GET", "/api/search", {"format": "xml"}, 400),
    ("GET", "/api/search.csv", {"q": "age:[x TO"}, 400),
    ("GET", "/api/search.csv", {"size": "lots"}, 400),
    ("GET", "/api/letters/NO-SUCH-LETTER", {}, 404),
    ("GET", "/api/letters/%3Cscript%3E", {}, 404),
    ("GET", "/api/no-such-endpoint", {}, 404),
    ("POST", "/api/search", {}, 405),
    ("DELETE", "/api/letters/XSS-0000001", {}, 405),
    ("POST", "/healthz", {}, 405),
    ("PUT", "/api/stats", {}, 405),
]


@pytest.mark.parametrize(
    ("method", "path", "params", "status"),
    BAD_REQUESTS,
    ids=[f"{m} {p} {sorted(q)}" for m, p, q, _ in BAD_REQUESTS],
)
def test_bad_input_answers_the_one_error_shape(
    api: httpx.Client, method: str, path: str, params: dict[str, Any], status: int
) -> None:
    error = assert_error_shape(api.request(method, path, params=params), status)
    if status == 400 and "size" in params:
        assert error["detail"][0]["parameter"] == "size"


def test_html_routes_answer_an_html_error_page(api: httpx.Client) -> None:
    missing = api.get("/letters/NO-SUCH-LETTER")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")
    assert "NO-SUCH-LETTER" in missing.text
    bad = api.get("/", params={"q": "age:[x TO"})
    assert bad.status_code == 400
    assert "text/html" in bad.headers["content-type"]
    assert "the bracket is never closed" in bad.text
    invalid = api.get("/", params={"page": "zero"})
    assert invalid.status_code == 400
    assert "page" in invalid.text
    nowhere = api.get("/no/such/page")
    assert nowhere.status_code == 404
    assert "text/html" in nowhere.headers["content-type"]


# -- the pages, as HTML ---------------------------------------------------------------------


def test_a_misspelling_gets_a_did_you_mean_link(api: httpx.Client) -> None:
    # As typed (synonyms=0) a word no item has gets a suggestion and its link ...
    body = api.get("/api/search", params={"q": "lumbr", "synonyms": 0}).json()
    assert body["suggestions"] == {"lumbr": "lumbar"}
    page = api.get("/", params={"q": "lumbr", "synonyms": 0})
    assert 'href="/?q=lumbar&amp;synonyms=0"' in page.text
    # ... and by default it is searched as that spelling, which the answer says.
    body = api.get("/api/search", params={"q": "lumbr"}).json()
    assert body["respelled"] == {"lumbr": "lumbar"}
    assert (
        "no item has &#39;lumbr&#39;: searched &#39;lumbar&#39;"
        in api.get("/", params={"q": "lumbr"}).text
    )


def test_letter_pages_show_every_item_and_citation(
    api: httpx.Client, server_index: ServerIndex
) -> None:
    for letter_id, record in server_index.records.items():
        page = api.get(f"/letters/{letter_id}")
        assert page.status_code == 200, letter_id
        for item in record.items:
            assert f'id="item-{item.number}"' in page.text
            assert str(escape(item.service)) in page.text
            for raw in (item.claims_guideline, item.imr_guideline):
                if raw:
                    assert str(escape(raw)) in page.text
            # Each reason code, with the sentences it was read from quoted under it.
            block = page.text.split(f'id="item-{item.number}"', 1)[1].split("</article>", 1)[0]
            for code in item.reasons:
                assert f'data-reason="{code}"' in block
                for said in item.reason_sentences[code]:
                    assert (
                        f'<blockquote class="reason-sentence">{escape(said)}</blockquote>' in block
                    )
        if record.decision_date:
            assert record.decision_date.isoformat() in page.text


def test_the_page_links_to_its_own_csv_and_json(api: httpx.Client) -> None:
    page = api.get("/", params={"q": "mri", "decision": "upheld", "page": "2"})
    assert page.status_code == 200
    links = dict(re.findall(r'<a href="([^"]+)"[^>]*>(CSV|JSON)</a>', page.text))
    csv_url, json_url = (html.unescape(u) for u, kind in links.items() if kind in ("CSV", "JSON"))
    assert api.get(csv_url).text.count("\r\n") - 1 == api.get(json_url).json()["total"]


def test_grouped_page_lists_letters(api: httpx.Client) -> None:
    page = api.get("/", params={"q": "mri", "letters": "1"})
    assert page.status_code == 200
    expected = api.get("/api/search", params={"q": "mri", "letters": "1", "size": 25}).json()
    assert page.text.count('class="group"') == len(expected["groups"])


def test_cli_and_server_csv_exports_are_the_same(
    api: httpx.Client, server_index: ServerIndex
) -> None:
    from click.testing import CliRunner

    from imr_search.cli import main

    query = "decision:upheld AND category:Surgery"
    served = list(csv.reader(io.StringIO(api.get("/api/search.csv", params={"q": query}).text)))
    # The Letter URL column points at the server the CLI is told of.
    base = ["--base-url", str(api.base_url).rstrip("/")]
    result = CliRunner().invoke(
        main, ["search", query, "--format", "csv", *base, "--index", str(server_index.path)]
    )
    assert result.exit_code == 0, result.output
    printed = list(csv.reader(io.StringIO(result.stdout)))
    assert len(printed) > 5
    assert printed == served


def test_cli_and_server_stats_are_the_same(api: httpx.Client, server_index: ServerIndex) -> None:
    import json

    from click.testing import CliRunner

    from imr_search.cli import main

    result = CliRunner().invoke(
        main, ["stats", "--format", "json", "--index", str(server_index.path)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == api.get("/api/stats").json()
