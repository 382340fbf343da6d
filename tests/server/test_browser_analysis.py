"""The citator and the trends page in headless Chromium against the real server: the monthly
histogram is drawn without JavaScript, one bar per month with the records' counts; the
dimension form and the citator's sort links are plain GET links."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from playwright.sync_api import Browser, Page, expect
from server_fixtures import ARTIFACTS, ServerIndex, ServerProcess

# isort: split
from test_browser import browser, page  # noqa: F401  (fixtures)

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
