"""Filter values through the API (400 with the closest values, aliases applied and said) and
the page (the same message, status 400), typed as a flag or after ``NAME:`` in the query (the
same answer, note and error either way), and letters by case number in any case, against the
real server on loopback serving the fixture letters. Headless Chromium checks what a user sees.

Expected counts come from the fixture records parsed without the index.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from markupsafe import escape
from playwright.sync_api import Browser, Page, expect, sync_playwright
from server_fixtures import ServerIndex, ServerProcess

from imr_search.search.request import FILTERS

# isort: split
from expected import FIELD_VALUE_CASES, as_field, error_detail

pytest_plugins = ["server_fixtures"]

BAD = [
    ("decision", "overturnd", "'overturned'"),
    ("sex", "femal", "'female'"),
    ("state", "ZZ", "no item has 'ZZ'"),
    ("specialty", "Orthopedc Surgery", "'Orthopedic Surgery'"),
    ("subcategory", "Opiods", "'Opioids'"),
    ("region", "lumbar spin", "'lumbar spine'"),
    ("category", "Pharmaceutical", "'Pharmaceuticals'"),
    ("guideline", "MTSU", "'MTUS'"),
    ("drug", "cyclobenzaprin", "'cyclobenzaprine'"),
    ("modality", "mir", "'mri'"),
    ("mtus", "Chronic Pain", "'Chronic Pain Medical Treatment'"),
    ("year", "20x6", "year"),
    ("age", "45", "40-49"),
    ("outcome", "partialy overturned", "'partially overturned'"),
    # CM17-0003591 cites MTUS Knee Complaints 2004, Special Studies on both sides.
    ("citation", "MTUS > Knee Complaints 2004 > Special Studie", "'MTUS > Knee Complaints 2004 >"),
    ("urcitation", "MTUS > Knee Complaint 2004", "'MTUS > Knee Complaints 2004'"),
    ("cites", "MTUS onl", "'MTUS only'"),
    ("era", "mtus-216", "'mtus-2016'"),
    ("reason", "opioid", "opioid-monitoring"),
]


def test_every_filter_has_a_bad_value_case() -> None:
    assert {name for name, _, _ in BAD} >= set(FILTERS) - {"year", "age"}


@pytest.mark.parametrize(("name", "value", "said"), BAD)
def test_api_refuses_a_bad_filter_value(
    api: httpx.Client, name: str, value: str, said: str
) -> None:
    response = api.get("/api/search", params={name: value})
    assert response.status_code == 400, response.text
    assert said in response.json()["error"]["message"]


def test_api_precedents_and_export_check_filters(api: httpx.Client) -> None:
    assert api.get("/api/precedents", params={"request": "MRI", "sex": "X"}).status_code == 400
    assert api.get("/api/search.csv", params={"region": "lumbr"}).status_code == 400


def test_api_applies_an_alias_and_says_so(api: httpx.Client, server_index: ServerIndex) -> None:
    lumbar = sum(
        1
        for le in server_index.records.values()
        for it in le.items
        if it.body_region == "lumbar spine"
    )
    assert lumbar > 0
    body = api.get("/api/search", params={"region": "lumbar"}).json()
    assert body["total"] == lumbar
    assert "region: 'lumbar' read as 'lumbar spine'" in body["warnings"]


@pytest.mark.parametrize(("name", "value", "said"), BAD)
def test_page_shows_a_bad_filter_value_with_status_400(
    api: httpx.Client, name: str, value: str, said: str
) -> None:
    response = api.get("/", params={name: value})
    assert response.status_code == 400
    assert str(escape(said)) in response.text  # as Jinja escapes it


# (filter, alias, the value items carry), as docs/vocabulary.md lists them.
ALIASES = [
    ("sex", "F", "female"),
    ("region", "lumbar", "lumbar spine"),
    ("subcategory", "PT/OT", "Physical Therapy/Occupational Therapy (PT/OT)"),
    ("specialty", "PM&R", "Physical Medicine & Rehabilitation"),
    ("category", "DME", "DMEPOS"),
]


@pytest.mark.parametrize(("name", "alias", "value"), ALIASES)
def test_api_aliases_count_what_their_value_counts(
    api: httpx.Client, name: str, alias: str, value: str
) -> None:
    with_alias = api.get("/api/search", params={name: alias}).json()
    with_value = api.get("/api/search", params={name: value}).json()
    assert with_alias["total"] == with_value["total"] > 0
    assert f"{name}: {alias!r} read as {value!r}" in with_alias["warnings"]


def test_api_and_page_read_field_values_as_the_filters(
    api: httpx.Client, server_index: ServerIndex
) -> None:
    # Issue 25, point 3: "region:lumbar" in the box is "--region lumbar".
    lumbar = sum(
        1
        for le in server_index.records.values()
        for it in le.items
        if "lumbar spine" in it.body_regions
    )
    assert lumbar > 0
    body = api.get("/api/search", params={"q": "region:lumbar"}).json()
    assert body["total"] == lumbar
    assert "region: 'lumbar' read as 'lumbar spine'" in body["warnings"]
    bad = api.get("/api/search", params={"q": "region:lumbr"})
    assert bad.status_code == 400
    assert "'lumbar'" in bad.json()["error"]["message"]
    page = api.get("/", params={"q": "region:lumbr"})
    assert page.status_code == 400
    assert str(escape("no item has 'lumbr'")) in page.text


def test_letters_by_any_case_and_by_case_number(
    api: httpx.Client, server_index: ServerIndex
) -> None:
    letter = next(le for le in server_index.records.values() if le.case_number)
    assert letter.case_number
    assert api.get(f"/api/letters/{letter.id.lower()}").json()["id"] == letter.id
    assert api.get(f"/letters/{letter.id.lower()}").status_code == 200
    moved = api.get("/", params={"q": letter.case_number.lower()})
    assert moved.status_code == 303
    assert moved.headers["location"].endswith(f"/letters/{letter.id}")
    body = api.get("/api/search", params={"q": letter.case_number}).json()
    assert body["total"] == len(letter.items)


# -- the flag and the field side by side (issue 25, point 3) ----------------------------------


def _answer(api: httpx.Client, params: dict[str, str]) -> dict[str, Any]:
    response = api.get("/api/search", params={**params, "size": "100"})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _refusal(api: httpx.Client, path: str, params: dict[str, str]) -> httpx.Response:
    response = api.get(path, params=params)
    assert response.status_code == 400, response.text
    return response


@pytest.mark.parametrize(("name", "value", "typo"), FIELD_VALUE_CASES)
def test_api_flag_and_field_agree(api: httpx.Client, name: str, value: str, typo: str) -> None:
    flag = _answer(api, {name: value})
    field = _answer(api, {"q": as_field(name, value)})
    assert flag["total"] == field["total"]
    assert {h["item_id"] for h in flag["results"]} == {h["item_id"] for h in field["results"]}
    # The notes (an alias read as its value) and why nothing matched, word for word.
    assert flag["warnings"] == field["warnings"]
    bad_flag = _refusal(api, "/api/search", {name: typo}).json()["error"]
    bad_field = _refusal(api, "/api/search", {"q": as_field(name, typo)}).json()["error"]
    assert bad_flag["message"].startswith(f"{name} filter: ")
    assert error_detail(bad_flag["message"], name) == error_detail(bad_field["message"], name)
    assert bad_flag["detail"]["hint"] == bad_field["detail"]["hint"]
    assert bad_flag["detail"]["hint"]


def _page(text: str) -> dict[str, Any]:
    """What the page says: its count, its notes, its error and the error's hint."""
    total = re.search(r'id="result-count" data-total="(\d+)"', text)
    error = re.search(r"This search cannot be run:</strong> (.*?)</p>", text, re.S)
    hint = re.search(r'<p class="hint">(.*?)</p>', text, re.S)
    return {
        "total": int(total.group(1)) if total else None,
        "notes": [
            html.unescape(w)
            for w in re.findall(r'<p class="alert alert-warning" role="status">(.*?)</p>', text)
        ],
        "error": html.unescape(error.group(1)) if error else None,
        "hint": html.unescape(hint.group(1)) if hint else None,
    }


@pytest.mark.parametrize(("name", "value", "typo"), FIELD_VALUE_CASES)
def test_page_flag_and_field_agree(api: httpx.Client, name: str, value: str, typo: str) -> None:
    flag = api.get("/", params={name: value})
    field = api.get("/", params={"q": as_field(name, value)})
    assert flag.status_code == field.status_code == 200
    said_flag, said_field = _page(flag.text), _page(field.text)
    assert said_flag["total"] is not None
    assert (said_flag["total"], said_flag["notes"]) == (said_field["total"], said_field["notes"])
    bad_flag = _page(_refusal(api, "/", {name: typo}).text)
    bad_field = _page(_refusal(api, "/", {"q": as_field(name, typo)}).text)
    assert bad_flag["error"]
    assert bad_field["error"]
    assert error_detail(bad_flag["error"], name) == error_detail(bad_field["error"], name)
    assert bad_flag["hint"] == bad_field["hint"]


def test_an_enum_alias_in_the_box_is_said_as_the_flags_is(
    api: httpx.Client, server_index: ServerIndex
) -> None:
    upheld = sum(
        1 for le in server_index.records.values() for it in le.items if it.decision == "upheld"
    )
    assert upheld > 0
    body = _answer(api, {"q": "decision:denied"})
    assert body["total"] == upheld
    assert "decision: 'denied' read as 'upheld'" in body["warnings"]
    page = _page(api.get("/", params={"q": "decision:denied"}).text)
    assert page["total"] == upheld
    assert "decision: 'denied' read as 'upheld'" in page["notes"]


def _lumbar(server_index: ServerIndex) -> int:
    return sum(
        1
        for le in server_index.records.values()
        for it in le.items
        if "lumbar spine" in it.body_regions
    )


@pytest.mark.parametrize(
    ("path", "extra"),
    [("/api/crosstab", {"rows": "decision"}), ("/api/citator", {})],
)
def test_tables_read_field_values_as_the_search(
    api: httpx.Client, server_index: ServerIndex, path: str, extra: dict[str, str]
) -> None:
    lumbar = _lumbar(server_index)
    assert lumbar > 0
    by_flag = api.get(path, params={**extra, "region": "lumbar"})
    by_field = api.get(path, params={**extra, "q": "region:lumbar"})
    assert by_flag.status_code == by_field.status_code == 200, by_flag.text + by_field.text
    assert by_flag.json()["items"] == by_field.json()["items"] == lumbar
    assert "region: 'lumbar' read as 'lumbar spine'" in by_flag.json()["warnings"]
    assert "region: 'lumbar' read as 'lumbar spine'" in by_field.json()["warnings"]
    for params in ({"region": "lumbr"}, {"q": "region:lumbr"}):
        refused = _refusal(api, path, {**extra, **params}).json()["error"]
        assert "no item has 'lumbr'" in refused["message"]
    page = "/crosstab" if "crosstab" in path else "/citator"
    assert api.get(page, params={**extra, "q": "region:lumbr"}).status_code == 400


def test_facets_and_exports_read_field_values_as_the_search(
    api: httpx.Client, server_index: ServerIndex
) -> None:
    lumbar = _lumbar(server_index)
    facets = api.get("/api/facets", params={"q": "region:lumbar"}).json()
    assert facets["total_items"] == lumbar
    exported = api.get("/api/search.csv", params={"q": "region:lumbar"})
    assert exported.status_code == 200
    assert exported.headers["X-Total-Count"] == str(lumbar)
    assert "region: 'lumbar' read as 'lumbar spine'" in exported.headers["X-Warnings"]
    assert len(exported.text.strip().splitlines()) == lumbar + 1  # the header, one row each
    assert _refusal(api, "/api/search.csv", {"q": "region:lumbr"}).json()["error"]


# -- what a user sees --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"]
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.mark.browser
def test_page_says_the_alias_and_the_closest_values(
    page: Page, live_server: ServerProcess, server_index: ServerIndex
) -> None:
    females = sum(
        len(le.items) for le in server_index.records.values() if le.patient.sex == "female"
    )
    page.goto(live_server.url + "/?sex=F")
    expect(page.locator(".alert-warning")).to_contain_text("'F' read as 'female'")
    expect(page.locator(".active-filters .chip")).to_contain_text("female")
    assert int(page.locator("#result-count").get_attribute("data-total") or "-1") == females

    page.goto(live_server.url + "/?specialty=Orthopedc+Surgery")
    expect(page.locator(".alert-error")).to_contain_text("'Orthopedic Surgery'")


@pytest.mark.browser
def test_a_case_number_typed_in_the_box_opens_its_letter(
    page: Page, live_server: ServerProcess, server_index: ServerIndex
) -> None:
    letter = next(le for le in server_index.records.values() if le.case_number)
    assert letter.case_number
    page.goto(live_server.url + "/")
    page.fill("#q", letter.case_number.lower())
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(rf"/letters/{re.escape(letter.id)}$"))
    expect(page.locator("h1")).to_contain_text(letter.case_number)


@pytest.mark.browser
def test_page_says_an_enum_alias_typed_in_the_box_and_refuses_a_typo(
    page: Page, live_server: ServerProcess, server_index: ServerIndex
) -> None:
    upheld = sum(
        1 for le in server_index.records.values() for it in le.items if it.decision == "upheld"
    )
    page.goto(live_server.url + "/")
    page.fill("#q", "decision:denied")
    page.press("#q", "Enter")
    expect(page.locator(".alert-warning")).to_contain_text("decision: 'denied' read as 'upheld'")
    assert int(page.locator("#result-count").get_attribute("data-total") or "-1") == upheld
    page.fill("#q", "decision:overturnd")
    page.press("#q", "Enter")
    expect(page.locator(".alert-error")).to_contain_text("'overturned'")
