"""Absolute links and well-formed XML: the Atom feed, the CSV's Letter URL and the letter page's
printed URL come from the ``base_url`` setting (else the address the server listens on), never
from the request's Host header; a saved query or a letter holding characters XML cannot hold
still gives a feed a strict XML parser reads. A real server on loopback over a real index.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from lxml import etree
from server_fixtures import serve_in_thread

from imr_search.analysis.alerts import AlertStore, SavedSearch, alerts_path
from imr_search.config import Settings
from imr_search.engines.registry import ENGINES, open_engine
from imr_search.server import create_app

# isort: split
from factories import index_letters, make_item, make_letter

pytest_plugins = ["server_fixtures"]

NS = {"a": "http://www.w3.org/2005/Atom"}
BASE = "https://imr.example.org/research"
EVIL = "evil.example"
CONTROL = "\x01\x08\x0b\x0c\x1b\ufffe"
LETTER_ID = "CM16-0500001"


@pytest.fixture(scope="module", params=sorted(ENGINES))
def index(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp(f"feeds-{request.param}") / "index"
    engine = open_engine(path, engine=request.param, create=True)
    service = f"Physical therapy{CONTROL} x 6 for the lumbar spine"
    try:
        with AlertStore(alerts_path(path)) as store:
            store.add(engine, SavedSearch(name="pt", query="", filters={}))
            index_letters(engine, [make_letter(LETTER_ID, items=[make_item(service=service)])])
            assert store.record_run(engine).new["pt"]
            # A saved search's query and filter values, as a user typed them into a terminal.
            store.add(
                engine,
                SavedSearch(
                    name="typed", query=f"therapy{CONTROL[:3]}", filters={}, date_from=None
                ),
            )
    finally:
        engine.close()
    return path


@pytest.fixture(scope="module")
def configured(index: Path) -> Iterator[httpx.Client]:
    app = create_app(Settings(index_dir=index, base_url=BASE + "/"))
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def unconfigured(index: Path) -> Iterator[httpx.Client]:
    app = create_app(Settings(index_dir=index))
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def feed_urls(body: bytes) -> list[str]:
    root = etree.fromstring(body)  # strict: an invalid character fails here
    found = root.xpath("//a:link/@href", namespaces=NS)
    assert isinstance(found, list)
    return [str(h) for h in found]


def test_links_come_from_the_base_url_setting_not_the_host_header(
    configured: httpx.Client,
) -> None:
    headers = {"Host": EVIL}
    feed = configured.get("/alerts/pt.atom", headers=headers)
    assert feed.status_code == 200, feed.text
    urls = feed_urls(feed.content)
    assert f"{BASE}/alerts/pt.atom" in urls
    assert f"{BASE}/letters/{LETTER_ID}#item-1" in urls
    assert all(u.startswith(BASE + "/") for u in urls), urls
    exported = configured.get("/api/search.csv", headers=headers)
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["Letter URL"] for r in rows] == [f"{BASE}/letters/{LETTER_ID}#item-1"]
    page = configured.get(f"/letters/{LETTER_ID}", headers=headers)
    assert page.status_code == 200
    assert EVIL not in page.text
    assert f"{BASE}/letters/{LETTER_ID}" in page.text


def test_without_the_setting_links_name_the_listening_address(
    unconfigured: httpx.Client,
) -> None:
    for path in ("/alerts/pt.atom", "/api/search.csv", f"/letters/{LETTER_ID}"):
        response = unconfigured.get(path, headers={"Host": EVIL, "X-Forwarded-Host": EVIL})
        assert response.status_code == 200, (path, response.text)
        assert EVIL not in response.text, path
    urls = feed_urls(unconfigured.get("/alerts/pt.atom").content)
    assert all(re.match(r"http://127\.0\.0\.1:\d+/", u) for u in urls), urls


def test_the_feed_is_well_formed_xml_whatever_the_text_holds(unconfigured: httpx.Client) -> None:
    for name in ("pt", "typed"):
        response = unconfigured.get(f"/alerts/{name}.atom")
        assert response.status_code == 200, response.text
        root = etree.fromstring(response.content)
        text = "".join(str(t) for t in root.itertext())
        assert not set(CONTROL) & set(text)
    titles = etree.fromstring(unconfigured.get("/alerts/pt.atom").content).xpath(
        "//a:entry/a:title/text()", namespaces=NS
    )
    assert titles == [f"{LETTER_ID} #1: Physical therapy x 6 for the lumbar spine (upheld)"]
