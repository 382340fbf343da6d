"""The citator and the trends page in headless Chromium against the real server: the monthly
histogram is drawn without JavaScript, one bar per month with the records' counts; the
dimension form and the citator's sort links are plain GET links."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from server_fixtures import ARTIFACTS, ServerIndex, ServerProcess

# isort: split
from test_browser import browser, page  # noqa: F401  (fixtures)

# isort: split
from factories import xlsx_rows

pytest_plugins = ["server_fixtures"]
pytestmark = pytest.mark.browser


def test_the_histogram_is_drawn_without_javascript(
    browser: Browser,  # noqa: F811
    live_server: ServerProcess,
    server_index: ServerIndex,
) -> None:
    months = Counter(
        f"{lt.decision_date:%Y-%m}"
        for lt in server_index.records.values()
        for _ in lt.items
        if lt.decision_date
    )
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1100, "height": 800}
    )
    tab = context.new_page()
    try:
        tab.goto(f"{live_server.url}/crosstab?rows=month")
        bars = tab.locator("svg.histogram rect.bar")
        drawn = {
            bars.nth(i).get_attribute("data-month"): int(
                bars.nth(i).get_attribute("data-items") or -1
            )
            for i in range(bars.count())
        }
        assert {m: n for m, n in drawn.items() if n} == dict(months)
        expect(tab.locator("svg.histogram")).to_be_visible()
        tab.locator("figure.chart").screenshot(path=str(ARTIFACTS / "histogram.png"))
        # Another dimension through the plain form.
        tab.select_option("#rows", "era")
        tab.select_option("#cols", "decision")
        tab.locator(".analysis-form button[type=submit]").click()
        tab.wait_for_url(re.compile(r"rows=era&cols=decision"))
        expect(tab.locator(".crosstab-table tbody tr").first).to_contain_text("mtus-2016")
    finally:
        context.close()


def test_citator_sorts_and_links_to_the_search(page: Page, live_server: ServerProcess) -> None:  # noqa: F811
    page.goto(f"{live_server.url}/citator")
    first = page.locator(".citator-row").first
    expect(first).to_be_visible()
    page.locator("th a", has_text="Rate").click()
    page.wait_for_url(re.compile(r"sort=rate"))
    cited = page.locator(".citator-row th a").first
    label = cited.inner_text()
    cited.click()
    page.wait_for_url(re.compile(r"citation="))
    expect(page.locator(".active-filters")).to_contain_text(label)
    page.screenshot(path=str(ARTIFACTS / "citator.png"))


@pytest.fixture(autouse=True, scope="module")
def _artifacts() -> None:
    ARTIFACTS.mkdir(exist_ok=True)


def test_the_letter_panel_shows_the_closest_case_of_each_side(
    page: Page,  # noqa: F811
    live_server: ServerProcess,
    server_index: ServerIndex,
) -> None:
    # Issue 25, point 4: an item whose kind (other letters) holds both decisions; the panel
    # names the closest overturned and the closest upheld case, each linked to its item.
    decisions = {
        lt.item_id(it): it.decision for lt in server_index.records.values() for it in lt.items
    }
    with httpx.Client(base_url=live_server.url, timeout=60) as api:
        for letter in server_index.records.values():
            item = next(
                (
                    it
                    for it in letter.items
                    if (
                        answer := api.get(
                            "/api/precedents",
                            params={"request": it.service, "exclude": letter.id},
                        ).json()
                    )["overturned"]
                    and answer["upheld"]
                ),
                None,
            )
            if item is not None:
                break
        else:
            pytest.fail("no fixture item's kind holds both decisions")
    page.goto(f"{live_server.url}/letters/{letter.id}#item-{item.number}")
    panel = page.locator(f"#item-{item.number} details.related")
    panel.locator("summary").click()
    for side in ("overturned", "upheld"):
        line = panel.locator(f".related-sides li.side-{side}")
        expect(line).to_contain_text(f"Closest {side}")
        href = line.locator("a").get_attribute("href") or ""
        letter_id, number = re.fullmatch(r"/letters/([^/#]+)#item-(\d+)", href).groups()  # type: ignore[union-attr]
        assert letter_id != letter.id
        assert decisions[f"{letter_id}#{number}"] == side
        assert answer[f"closest_{side}"]["item_id"] == f"{letter_id}#{number}"
    page.screenshot(path=str(ARTIFACTS / "precedents-both-sides.png"))


def test_the_stats_pages_download_link_gives_its_table(
    page: Page,  # noqa: F811
    live_server: ServerProcess,
    server_index: ServerIndex,
    tmp_path: Path,
) -> None:
    """Clicking the /stats page's XLSX link downloads a workbook of the page's tables, its
    letters and items counted from the records."""
    letters = list(server_index.records.values())
    page.goto(f"{live_server.url}/stats")
    expect(page.locator("#stats-letters")).to_have_text(f"{len(letters):,}")
    with page.expect_download() as info:
        page.locator(".export-links a", has_text="XLSX").click()
    download = info.value
    assert download.suggested_filename == "imr-stats.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    rows = xlsx_rows(saved.read_bytes())
    assert rows[0] == ("Table", "Value", "Count")
    totals = {value: n for table, value, n in rows[1:] if table == "totals"}
    assert totals["letters"] == len(letters)
    assert totals["disputed items"] == sum(len(le.items) for le in letters)
