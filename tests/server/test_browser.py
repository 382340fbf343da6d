"""The search page in headless Chromium (Playwright, Debian's /usr/bin/chromium) against the
real server: search, narrow by a facet and widen again, open a letter and come back; hostile
letter text stays text; everything also works with JavaScript off.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Dialog, Page, ViewportSize, expect, sync_playwright
from server_fixtures import ARTIFACTS, XSS_ID, XSS_SERVICE, ServerIndex, ServerProcess

pytest_plugins = ["server_fixtures"]
pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
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


def test_search_facet_letter_and_back(page: Page, live_server: ServerProcess) -> None:
    page.goto(live_server.url + "/")
    # A plain query answers decisions about it (issue 25): spine services are both upheld and
    # overturned in the fixture letters, so a decision facet narrows the set.
    page.fill("#q", "spine")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"\?q=spine"))
    everything = total(page)
    assert everything > 1

    upheld = page.locator('.facet-value[data-facet="decision"][data-value="upheld"]')
    expected = int(upheld.locator(".count").inner_text())
    assert 0 < expected < everything
    upheld.click()
    page.wait_for_url(re.compile(r"decision=upheld"))
    assert total(page) == expected
    badges = page.locator(".hits .hit-head .badge-upheld, .hits .hit-head .badge-overturned")
    assert set(badges.all_inner_texts()) == {"Upheld"}
    chip = page.locator(".active-filters .chip")
    expect(chip).to_have_count(1)
    expect(chip).to_contain_text("upheld")
    selected = page.locator('.facet-value.is-selected[data-facet="decision"]')
    expect(selected).to_have_attribute("data-value", "upheld")
    page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)

    chip.click()
    page.wait_for_url(lambda url: "decision=" not in url)
    assert total(page) == everything

    first = page.locator(".hits .hit-service a").first
    service = first.inner_text()
    href = first.get_attribute("href") or ""
    anchor = href.split("#", 1)[1]
    first.click()
    page.wait_for_url(re.compile(r"/letters/"))
    expect(page.locator("h1")).to_contain_text("Case")
    item = page.locator(f"#{anchor}")
    expect(item).to_be_visible()
    expect(item.locator("h3")).to_contain_text(service)
    expect(item.locator(".rationale")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "letter.png"))

    page.go_back()
    page.wait_for_url(re.compile(r"\?q=spine$"))
    assert total(page) == everything
    expect(page.locator("#q")).to_have_value("spine")


def test_sort_and_pages_are_links_in_the_url(page: Page, live_server: ServerProcess) -> None:
    page.goto(live_server.url + "/?size=5")
    page.get_by_role("link", name="Newest").click()
    page.wait_for_url(re.compile(r"sort=-decided"))
    page.locator(".pagination .page-next").click()
    page.wait_for_url(re.compile(r"page=2"))
    expect(page.locator(".page-current")).to_have_text("2")
    url = page.url
    page.reload()
    assert page.url == url
    expect(page.locator(".sort-current")).to_have_text("Newest")


def test_hostile_letter_text_renders_as_text(page: Page, live_server: ServerProcess) -> None:
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(f"{live_server.url}/letters/{XSS_ID}")
    heading = page.locator("#item-1 h3")
    expect(heading).to_contain_text(XSS_SERVICE)
    expect(page.locator("#item-1 .rationale")).to_contain_text(
        "<script>alert('rationale')</script>"
    )
    assert page.locator("#item-1 img").count() == 0
    assert page.locator("main script").count() == 0

    page.goto(f"{live_server.url}/?q=acupuncture")
    hit = page.locator(".hit", has_text="onerror")
    expect(hit.first).to_be_visible()
    assert page.locator(".hits img").count() == 0
    page.goto(f"{live_server.url}/?q=%3Cscript%3Ealert(9)%3C/script%3E")
    expect(page.locator("#q")).to_have_value("<script>alert(9)</script>")
    page.screenshot(path=str(ARTIFACTS / "hostile.png"))
    assert dialogs == []


def test_everything_works_without_javascript(browser: Browser, live_server: ServerProcess) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        page.fill("#q", "spine")
        page.locator("#search-form button[type=submit]").click()
        page.wait_for_url(re.compile(r"q=spine"))
        everything = total(page)
        page.locator('.facet-value[data-facet="decision"]').first.click()
        page.wait_for_url(re.compile(r"decision="))
        assert total(page) < everything
        page.locator(".active-filters .chip").first.click()
        page.wait_for_url(lambda url: "decision=" not in url)
        assert total(page) == everything
    finally:
        context.close()


def test_a_bad_query_shows_the_message(page: Page, live_server: ServerProcess) -> None:
    response = page.goto(live_server.url + "/?q=age:%5Bx%20TO")
    assert response is not None
    assert response.status == 400
    expect(page.locator(".alert-error")).to_contain_text("never closed")
    expect(page.locator("#q")).to_have_value("age:[x TO")


def test_decisions_like_this_one_panel(page: Page, live_server: ServerProcess) -> None:
    page.goto(f"{live_server.url}/letters/CM17-0014449#item-2")
    panel = page.locator("#item-2 details.related")
    panel.locator("summary").click()
    rate = panel.locator(".related-rate")
    expect(rate).to_contain_text("overturn rate")
    expect(rate).to_contain_text("95% CI")
    expect(panel.locator(".related-closest li").first).to_be_visible()
    # Each case links to its item on its letter page.
    href = panel.locator(".related-closest li a").first.get_attribute("href") or ""
    assert re.fullmatch(r"/letters/[^/#]+#item-\d+", href), href
    page.screenshot(path=str(ARTIFACTS / "precedents-panel.png"))

    panel.locator("a.similar-link").click()
    page.wait_for_url(re.compile(r"/similar/CM17-0014449%232$"))
    first = page.locator(".similar-group").first
    expect(first).to_contain_text("same template as this item")
    assert int(first.get_attribute("data-count") or "0") > 10
    page.go_back()
    page.wait_for_url(re.compile(r"/letters/CM17-0014449"))

    if not page.locator("#item-2 details.related").evaluate("d => d.open"):
        page.locator("#item-2 details.related summary").click()
    page.locator("#item-2 a.precedents-link").click()
    page.wait_for_url(re.compile(r"/precedents\?request="))
    expect(page.locator(".rate-line")).to_contain_text("95% Wilson interval")
    expect(page.locator("#request")).to_have_value("Associated surgical service: Ultrasling")


# -- the lawyer's workflow (issue 12) ---------------------------------------------------------

# The README's screenshots are written with the other artifacts (a test run leaves the clone as
# it found it); `make screenshots` copies them into docs/ when the page has changed.
PHONE: ViewportSize = {"width": 390, "height": 844}
# Written by reading tests/fixtures/letters/CM17-0003591.pdf (header, licensure, item 1 and its
# citation paragraph: "MTUS Knee Complaints 2004, Section(s): Special Studies, Summary").
CM17_0003591_ITEM_1 = (
    "IMR Final Determination CM17-0003591 (Maximus Federal Services, decided Feb. 2, 2017), "
    'item 1, "MRI of Left lower extremity without contrast": upheld; reviewer: '
    "Anesthesiology, Pain Management, Hospice & Palliative Medicine (CA, TX, FL); "
    "IMR guideline: MTUS Knee Complaints 2004, Special Studies, Summary."
)


def test_phone_layout_opens_the_filters_from_a_drawer(
    browser: Browser, live_server: ServerProcess
) -> None:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/?q=mri")
        first = page.locator(".hits .hit").first
        box = first.bounding_box()
        # The first result is on the first screen: the facets are not in the way.
        assert box is not None
        assert box["y"] + 40 < PHONE["height"], box
        drawer = page.locator("#filters")
        expect(drawer).to_be_hidden()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], "the page scrolls sideways on a phone"
        page.screenshot(path=str(ARTIFACTS / "phone.png"))
        page.screenshot(path=str(ARTIFACTS / "screenshot-phone.png"))

        toggle = page.locator("#filters-toggle")
        toggle.click()
        expect(drawer).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        upheld = drawer.locator('.facet-value[data-facet="decision"][data-value="upheld"]')
        expected = int(upheld.locator(".count").inner_text())
        upheld.click()
        page.wait_for_url(re.compile(r"decision=upheld"))
        assert total(page) == expected
        expect(page.locator("#filters-toggle")).to_contain_text("Filters (1)")
    finally:
        context.close()


def test_desktop_screenshot_for_the_readme(page: Page, live_server: ServerProcess) -> None:
    page.goto(live_server.url + "/?q=mri&letters=1")
    expect(page.locator(".group .outcome").first).to_be_visible()
    expect(page.locator("#filters")).to_be_visible()
    expect(page.locator("#filters-toggle")).to_be_hidden()
    page.screenshot(path=str(ARTIFACTS / "screenshot-desktop.png"))


def test_copy_citation_puts_the_citation_on_the_clipboard(
    browser: Browser, live_server: ServerProcess
) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/letters/CM17-0003591")
        button = page.locator("#item-1 .copy-citation")
        button.click()
        expect(button).to_have_text("Copied")
        assert page.evaluate("navigator.clipboard.readText()") == CM17_0003591_ITEM_1
        # The letter's own citation, shown on the page too.
        page.locator(".letter-actions .copy-citation").click()
        letter_citation = page.evaluate("navigator.clipboard.readText()")
        assert letter_citation.startswith("IMR Final Determination CM17-0003591 (Maximus")
        assert letter_citation == page.locator("#letter-citation").inner_text()
    finally:
        context.close()


def test_source_link_gives_the_published_pdf(page: Page, live_server: ServerProcess) -> None:
    page.goto(f"{live_server.url}/letters/CM17-0003591")
    link = page.locator("a.source-link")
    expect(link).to_have_text("Original letter (PDF)")
    response = page.request.get(live_server.url + (link.get_attribute("href") or ""))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    assert "CM17-0003591.pdf" in response.headers["content-disposition"]


def test_item_permalink_opens_on_that_item(page: Page, live_server: ServerProcess) -> None:
    page.goto(f"{live_server.url}/letters/CM17-0014449#item-2")
    assert page.evaluate("document.querySelector(':target').id") == "item-2"
    item = page.locator("#item-2")
    expect(item).to_be_in_viewport()
    permalink = item.locator("a.permalink")
    assert permalink.get_attribute("href") == "#item-2"

    # Printed: no navigation; the case number, decision date and URL on every page (a fixed
    # element repeats on each printed page).
    page.emulate_media(media="print")
    expect(page.locator(".masthead")).to_be_hidden()
    expect(page.locator("#item-2 .copy-citation")).to_be_hidden()
    header = page.locator(".print-header")
    expect(header).to_be_visible()
    expect(header).to_contain_text("Case CM17-0014449 · decided")
    expect(header).to_contain_text(f"{live_server.url}/letters/CM17-0014449")
    assert header.evaluate("e => getComputedStyle(e).position") == "fixed"


def test_keyboard_skip_link_goes_to_the_results(page: Page, live_server: ServerProcess) -> None:
    page.goto(live_server.url + "/?q=mri")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_text("Skip to results")
    box = skip.bounding_box()
    assert box is not None  # visible when focused: on the screen, not parked off it
    assert box["x"] >= 0
    assert box["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "results"
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('#results') !== null")
    assert focused, "the next Tab stays in the results"


def test_received_date_filter(
    page: Page, live_server: ServerProcess, server_index: ServerIndex
) -> None:
    lo, hi = dt.date(2016, 12, 1), dt.date(2017, 1, 15)
    expected = sum(
        len(lt.items)
        for lt in server_index.records.values()
        if lt.application_received and lo <= lt.application_received <= hi
    )
    page.goto(live_server.url + "/")
    everything = total(page)
    page.fill("#received-from", "2016-12-01")
    page.fill("#received-to", "2017-01-15")
    page.locator("#received-to").press("Enter")
    page.wait_for_url(re.compile(r"received_from=2016-12-01&received_to=2017-01-15"))
    assert 0 < total(page) == expected < everything
    chip = page.locator(".active-filters .chip", has_text="Application received from")
    expect(chip).to_contain_text("2016-12-01")


@pytest.fixture(autouse=True, scope="module")
def _artifacts() -> None:
    ARTIFACTS.mkdir(exist_ok=True)


# -- where you came from (issue 25, point 6) --------------------------------------------------


def test_a_letter_opened_from_a_search_highlights_it_and_walks_the_results(
    page: Page, live_server: ServerProcess, server_index: ServerIndex
) -> None:
    page.goto(live_server.url + "/")
    page.fill("#q", "cervical")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"\?q=cervical"))
    found = total(page)
    assert found >= 3
    links = page.locator(".hit-service a")
    hrefs = [links.nth(i).get_attribute("href") or "" for i in range(3)]
    links.nth(1).click()
    page.wait_for_url(re.compile(r"hit=2"))
    expect(page.locator(".result-trail .trail-place")).to_contain_text(f"Result 2 of {found} for")
    # The query's word is marked wherever the letter says it (as the letter's text says it).
    letter_id = page.locator("article.letter").get_attribute("data-letter-id") or ""
    letter = server_index.records[letter_id]
    said = [
        word.lower()
        for text in [letter.summary, *(t for i in letter.items for t in (i.service, i.rationale))]
        for word in re.findall(r"\bcervical\w*", text, re.I)
    ]
    assert said
    marks = page.locator("article.letter mark")
    assert marks.count() == len(said)
    # Each mark is one of the letter's own words of the query's stem ("cervicalgia" too).
    assert sorted(m.lower() for m in marks.all_inner_texts()) == sorted(said)
    page.screenshot(path=str(ARTIFACTS / "letter-from-search.png"))
    # Next is the third result, previous the first, and back returns to the results.
    page.locator(".result-trail a.trail-next").click()
    page.wait_for_url(re.compile(r"hit=3"))
    assert page.url.endswith(hrefs[2])
    expect(page.locator(".result-trail .trail-place")).to_contain_text(f"Result 3 of {found}")
    page.locator(".result-trail a.trail-prev").click()
    page.locator(".result-trail a.trail-prev").click()
    page.wait_for_url(re.compile(r"hit=1"))
    assert page.url.endswith(hrefs[0])
    expect(page.locator(".result-trail .trail-prev")).not_to_have_attribute("href", re.compile("."))
    page.locator(".result-trail a.trail-back").click()
    page.wait_for_url(re.compile(r"/\?q=cervical$"))
    assert total(page) == found


def test_a_letter_opened_alone_has_no_trail(page: Page, live_server: ServerProcess) -> None:
    page.goto(live_server.url + "/letters/CM17-0014449")
    expect(page.locator("article.letter")).to_be_visible()
    assert page.locator(".result-trail").count() == 0
    assert page.locator("article.letter mark").count() == 0
