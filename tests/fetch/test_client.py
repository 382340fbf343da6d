"""The client against the stand-in on loopback: retries, Retry-After, timeouts, the rate, the
User-Agent."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest
from dwc_standin import Case, Faults, Site, Treatment
from factories import FIXTURES

from imr_search import __version__
from imr_search.errors import SiteError
from imr_search.fetch.client import Client, RateLimit, retry_after_seconds, user_agent
from imr_search.fetch.protocol import search_form
from imr_search.fetch.store import pdf_problem

PDF = (FIXTURES / "letters" / "CM17-0003591.pdf").read_bytes()


def _site(faults: Faults) -> Site:
    case = Case(
        "CM17-0003591",
        PDF,
        dt.date(2017, 2, 2),
        None,
        None,
        "Anesthesiology",
        [Treatment("Diagnostic Testing", "Imaging / Radiology", "Uphold")],
    )
    return Site([case], faults)


@pytest.fixture
def served() -> Iterator[tuple[Site, str]]:
    site = _site(Faults())
    url = site.serve()
    yield site, url
    site.close()


def _running(faults: Faults) -> tuple[Site, str]:
    site = _site(faults)
    return site, site.serve()


def test_a_503_is_tried_again() -> None:
    site, url = _running(Faults(first_search_503=True))
    said: list[str] = []
    try:
        with Client(url, rate=100, backoff=0.05, on_retry=said.append) as client:
            page = client.search(search_form("Case"))
        assert b"CM17-0003591" in page
        assert site.counts.searches == 2
        assert "HTTP 503" in said[0]
    finally:
        site.close()


def test_retry_after_is_honoured() -> None:
    site, url = _running(Faults(search_429_at=1))
    try:
        with Client(url, rate=100, backoff=0.01) as client:
            start = time.monotonic()
            client.search(search_form("Case"))
            took = time.monotonic() - start
        # the stand-in said Retry-After: 1; the client's own back-off would be 0.01 s
        assert took >= 0.95
        assert site.counts.searches == 2
    finally:
        site.close()


def test_a_hanging_answer_times_out_and_is_tried_again() -> None:
    site, url = _running(Faults(hang_pdf="CM17-0003591", hang=2.0))
    try:
        with Client(url, rate=100, timeout=0.5, backoff=0.05) as client:
            data = client.letter(f"{url}/dwc/imr/decisions/CM17-0003591.pdf", pdf_problem)
        assert data == PDF
        assert site.counts.pdf_requests["CM17-0003591"] == 2
    finally:
        site.close()


def test_a_truncated_letter_is_tried_again() -> None:
    site, url = _running(Faults(truncated_pdf="CM17-0003591"))
    try:
        with Client(url, rate=100, backoff=0.05) as client:
            assert client.letter(f"{url}/dwc/imr/decisions/CM17-0003591.pdf", pdf_problem) == PDF
    finally:
        site.close()


def test_a_missing_letter_is_not_tried_again(served: tuple[Site, str]) -> None:
    site, url = served
    with Client(url, rate=100) as client, pytest.raises(LookupError, match="404"):
        client.letter(f"{url}/dwc/imr/decisions/CM99-0000000.pdf", pdf_problem)
    assert site.counts.requests == 1


def test_the_tries_are_bounded() -> None:
    client = Client("http://127.0.0.1:9", rate=100, tries=3, backoff=0.01)
    with client, pytest.raises(SiteError, match="gave up after 3 tries"):
        client.search(search_form("Case"))


def test_the_user_agent_names_imr_search_its_version_and_the_contact(
    served: tuple[Site, str],
) -> None:
    site, url = served
    with Client(url, rate=100, contact="ops@example.org") as client:
        client.search(search_form("Case"))
    assert site.counts.user_agents == {f"imr-search/{__version__} (+ops@example.org)"}
    assert user_agent(None).startswith(f"imr-search/{__version__} (")


def test_the_rate_spaces_requests(served: tuple[Site, str]) -> None:
    _, url = served
    with Client(url, rate=10) as client:
        start = time.monotonic()
        for _ in range(4):
            client.search(search_form("Case"))
        # four requests at 10 a second: the last starts 0.3 s after the first, at least
        assert time.monotonic() - start >= 0.3


def test_rate_limit_and_retry_after_arithmetic() -> None:
    slept: list[float] = []
    now = [0.0]
    limit = RateLimit(2.0, sleep=slept.append, clock=lambda: now[0])
    limit.wait()
    limit.wait()
    assert slept == [0.5]
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480.0 - 60) == 60.0
    assert retry_after_seconds("soon") is None
