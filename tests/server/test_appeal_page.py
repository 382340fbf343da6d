"""The appeal workbench through the real server: the API's JSON, the printable page and the
letter page's section, and once in headless Chromium (copy as text, print styles).

Expected dates are worked out by hand from the rules and a calendar (see
tests/analysis/test_timelines.py); the letters' facts by reading them."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, sync_playwright
from server_fixtures import ServerProcess

pytest_plugins = ["server_fixtures"]


def test_api_gives_the_deadline_from_the_decision_date(api: httpx.Client) -> None:
    # CM17-0010420 was decided Friday 2017-02-17: day 35 is Friday 2017-03-24, a business day.
    r = api.get("/api/letters/CM17-0010420/appeal", params={"today": "2017-03-01"})
    assert r.status_code == 200
    body = r.json()
    assert body["deadline"] == "2017-03-24"
    assert body["days_left"] == 23
    assert body["mailed_basis"] == "decision_date"
    assert body["deadline_is_estimate"] is True
    # Six of its seven items were overturned (item 4, PT/PTT, upheld): six clocks. Received
    # Friday 02-17, Monday 02-20 Presidents' Day: five working days end Monday 02-27.
    assert [c["item"] for c in body["other_side"]] == [1, 2, 3, 5, 6, 7]
    assert {c["authorise_by"] for c in body["other_side"]} == {"2017-02-27"}
    assert {c["reimburse_by"] for c in body["other_side"]} == {"2017-03-09"}
    assert [g["key"] for g in body["grounds"]] == ["powers", "fraud", "conflict", "bias", "fact"]
    assert [g["judged_from_letter"] for g in body["grounds"]] == [False] * 4 + [True]
    assert "IMR Case No. CM17-0010420" in body["caption"]
    assert "ADJ__________" in body["caption"]
    assert body["not_legal_advice"].startswith("This is not legal advice")


def test_api_counts_from_a_service_date_and_an_address(api: httpx.Client) -> None:
    # Served Tuesday 2017-02-21 to an address elsewhere in the US: 30 + 10 = Sunday 2017-04-02,
    # so Monday 2017-04-03.
    r = api.get(
        "/api/letters/cm17-0010420/appeal",
        params={"served": "2017-02-21", "address": "us", "today": "2017-04-04"},
    )
    body = r.json()
    assert (body["deadline"], body["days_left"], body["mailed_basis"]) == (
        "2017-04-03",
        -1,
        "served",
    )
    assert body["rolled_past"] == [{"date": "2017-04-02", "closed": "Sunday"}]


def test_a_letter_without_a_decision_date_needs_the_service_date(api: httpx.Client) -> None:
    # The seed letter 000_f851e982964eb853 is a letter body without a decision date.
    body = api.get("/api/letters/000_f851e982964eb853/appeal").json()
    assert body["deadline"] is None
    assert "no decision date" in body["deadline_missing"]
    served = api.get(
        "/api/letters/000_f851e982964eb853/appeal",
        params={"served": "2016-11-01", "today": "2016-11-02"},
    ).json()
    assert (served["deadline"], served["days_left"]) == ("2016-12-06", 34)
    page = api.get("/letters/000_f851e982964eb853")
    assert page.status_code == 200
    assert "no decision date" in page.text


def test_api_bad_input_is_a_clear_error(api: httpx.Client) -> None:
    bad_date = api.get("/api/letters/CM17-0010420/appeal", params={"served": "2017-02-31"})
    assert bad_date.status_code == 400
    assert "served" in bad_date.json()["error"]["message"]
    bad_address = api.get("/api/letters/CM17-0010420/appeal", params={"address": "mars"})
    assert bad_address.status_code == 400
    missing = api.get("/api/letters/CM00-0000000/appeal")
    assert missing.status_code == 404
    assert "CM00-0000000" in missing.json()["error"]["message"]


def test_the_printable_page_and_the_letter_section(api: httpx.Client) -> None:
    page = api.get("/letters/CM17-0010420/appeal", params={"today": "2017-03-01"})
    assert page.status_code == 200
    assert 'data-deadline="2017-03-24"' in page.text
    assert "23 days left" in page.text
    assert "This is not legal advice" in page.text
    # Read in the letter: item 4's rationale says no documentation was submitted that the
    # patient was on anti-coagulant therapy.
    assert "anti-coagulant therapy" in page.text
    # Its items' reason codes, from the record: item 4 (upheld) and the overturned ones.
    assert "What the decision rests on" in page.text
    assert "the decision rests on: criteria-met" in page.text
    letter = api.get("/letters/CM17-0010420")
    assert 'id="appeal"' in letter.text
    assert "/letters/CM17-0010420/appeal" in letter.text


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.mark.browser
def test_the_workbench_in_a_browser(browser: Browser, live_server: ServerProcess) -> None:
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(live_server.url + "/letters/CM16-0234464")
        # The section is closed until asked for; its headline says the deadline: decided
        # Friday 2017-01-20, day 35 is Friday 2017-02-24.
        section = page.locator("#appeal")
        assert "2017-02-24" in section.locator(".appeal-headline").inner_text()
        assert not section.locator(".appeal-disclaimer").is_visible()
        section.locator("summary").click()
        assert section.locator(".appeal-disclaimer").is_visible()

        # The service date form recounts on the printable page: served Saturday 2017-01-21,
        # day 35 is Saturday 02-25, so Monday 2017-02-27.
        section.locator('input[name="served"]').fill("2017-01-21")
        section.locator('button[type="submit"]').click()
        page.wait_for_url("**/letters/CM16-0234464/appeal?served=2017-01-21*")
        assert page.locator(".deadline-date").inner_text() == "2017-02-27"

        page.locator("button.copy-text").click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert "Deadline to appeal to the WCAB (estimate): Monday, February 27, 2017" in copied
        assert "This is not legal advice" in copied

        # Printed, the form and the buttons go; the deadline and the disclaimer stay.
        page.emulate_media(media="print")
        assert not page.locator(".appeal-form").is_visible()
        assert not page.locator("button.copy-text").is_visible()
        assert page.locator(".deadline-date").is_visible()
        assert page.locator(".appeal-disclaimer").is_visible()
    finally:
        context.close()
