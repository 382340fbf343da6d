"""The search box in headless Chromium against the real server (issue 25, point 1): a plain
query answers the decisions about it, says where it searched and what else it searched, counts
the items that only mention it apart, one click away, and back; one link turns the vocabulary
off. Expectations come from the parsed records (``ServerIndex.records``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from server_fixtures import ServerIndex, ServerProcess

from imr_search.model import Item, Letter

pytest_plugins = ["server_fixtures"]
pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
# What "norco" also searches: its generic, as the page says (also searched).
NORCO_OR_ITS_GENERIC = re.compile(r"\bnorco\b|\bhydrocodone\W+acetaminophen\b", re.IGNORECASE)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def total(page: Page) -> int:
    return int(page.locator("#result-count").get_attribute("data-total") or "-1")


def items(records: dict[str, Letter]) -> Iterator[tuple[Letter, Item]]:
    for letter in records.values():
        for item in letter.items:
            yield letter, item


def test_norco_answers_its_decisions_and_the_mentions_are_one_click_away(
    page: Page, live_server: ServerProcess, server_index: ServerIndex
) -> None:
    asked = {
        lt.item_id(it)
        for lt, it in items(server_index.records)
        if it.drug is not None and it.drug.name == "hydrocodone/acetaminophen"
    }
    mention = {
        lt.item_id(it)
        for lt, it in items(server_index.records)
        if lt.item_id(it) not in asked
        and NORCO_OR_ITS_GENERIC.search(it.rationale + " " + lt.summary)
    }
    assert asked
    assert mention
    page.goto(live_server.url + "/")
    page.fill("#q", "norco")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"\?q=norco"))
    assert total(page) == len(asked)
    scope = page.locator("#search-scope")
    expect(scope).to_have_attribute("data-scope", "services")
    expect(scope).to_contain_text("searched the disputed services")
    expect(scope).to_contain_text("also searched: hydrocodone/acetaminophen")
    more = page.locator("#elsewhere-link")
    expect(more).to_contain_text(f"{len(mention)} more items mention norco")

    more.click()
    page.wait_for_url(re.compile(r"scope=everywhere"))
    assert total(page) == len(asked) + len(mention)
    expect(page.locator("#search-scope")).to_have_attribute("data-scope", "everywhere")

    page.locator("#services-link").click()
    page.wait_for_url(lambda url: "scope=" not in url)
    assert total(page) == len(asked)


def test_the_vocabulary_is_said_and_one_link_turns_it_off(
    page: Page, live_server: ServerProcess, server_index: ServerIndex
) -> None:
    page.goto(live_server.url + "/?q=TENS")
    expect(page.locator("#search-scope")).to_contain_text(
        "also searched: transcutaneous electrical nerve stimulation"
    )
    page.locator("#synonyms-link").click()
    page.wait_for_url(re.compile(r"synonyms=0"))
    expect(page.locator("#search-scope")).not_to_contain_text("also searched")
    as_typed = {
        lt.item_id(it)
        for lt, it in items(server_index.records)
        if re.search(r"\btens\b", it.service, re.IGNORECASE)
    }
    assert total(page) == len(as_typed)
    # The switch stays on while the user searches again from the box.
    page.fill("#q", "UDS")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=UDS"))
    assert "synonyms=0" in page.url


def test_a_phrase_of_reasoning_says_where_it_searched(
    page: Page, live_server: ServerProcess
) -> None:
    page.goto(live_server.url + '/?q="functional+improvement"')
    assert total(page) > 0
    expect(page.locator("#search-scope")).to_contain_text(
        "no disputed service matches: searched the services, rationales"
    )
