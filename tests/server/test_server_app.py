"""``create_app`` and ``serve`` themselves: settings, the engine's life, unexpected failures.

These run the app under uvicorn in a thread of the test process, with a spy around the real
engine where a test needs to see or change what the engine is asked.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from server_fixtures import REPO, ServerIndex, serve_in_thread

from imr_search.config import Settings
from imr_search.engines.registry import open_engine
from imr_search.model import Letter
from imr_search.search.backend import Engine
from imr_search.search.request import SearchRequest
from imr_search.search.results import SearchResult
from imr_search.server import create_app

pytest_plugins = ["server_fixtures"]


class SpyEngine:
    """The real engine, recording each search request; ``warning`` is added to results and
    ``fail_with`` raised from every search."""

    def __init__(self, inner: Engine) -> None:
        self.inner = inner
        self.requests: list[SearchRequest] = []
        self.warning: str | None = None
        self.fail_with: Exception | None = None
        self.closed = False

    def search(self, request: SearchRequest) -> SearchResult:
        self.requests.append(request)
        if self.fail_with is not None:
            raise self.fail_with
        result = self.inner.search(request)
        if self.warning:
            result.warnings.append(self.warning)
        return result

    def get_letter(self, letter_id: str) -> Letter:
        return self.inner.get_letter(letter_id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def close(self) -> None:
        self.closed = True
        self.inner.close()


@pytest.fixture
def spy(server_index: ServerIndex) -> SpyEngine:
    return SpyEngine(open_engine(server_index.path))


@pytest.fixture
def spied(spy: SpyEngine) -> Iterator[httpx.Client]:
    settings = Settings(query_time_limit=1.5, max_query_length=40)
    app = create_app(settings, engine_factory=lambda: cast(Engine, spy))
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


def test_the_time_limit_reaches_the_engine(spied: httpx.Client, spy: SpyEngine) -> None:
    assert spied.get("/api/search", params={"q": "knee"}).status_code == 200
    assert spied.get("/", params={"q": "knee"}).status_code == 200
    # What is left of the answer's 1.5 s: the clock starts when the request does.
    limits = [r.time_limit for r in spy.requests]
    assert len(limits) == 2
    assert all(lim is not None and 1.0 < lim <= 1.5 for lim in limits), limits
    assert spy.requests[0].query == "knee"
    assert spy.requests[1].facets is True


def test_a_slow_query_answers_with_a_warning(spied: httpx.Client, spy: SpyEngine) -> None:
    spy.warning = "the search ran out of time (1.5 s); results are partial"
    body = spied.get("/api/search", params={"q": "knee"}).json()
    assert body["warnings"] == [spy.warning]
    assert body["results"]
    page = spied.get("/", params={"q": "knee"})
    assert page.status_code == 200
    assert "results are partial" in page.text


def test_the_query_length_limit_comes_from_settings(spied: httpx.Client, spy: SpyEngine) -> None:
    response = spied.get("/api/search", params={"q": "x" * 41})
    assert response.status_code == 400
    assert "the limit is 40" in response.json()["error"]["message"]
    assert spy.requests == []
    assert spied.get("/", params={"q": "x" * 41}).status_code == 400


def test_the_engine_is_closed_at_shutdown(spy: SpyEngine) -> None:
    app = create_app(Settings(), engine_factory=lambda: cast(Engine, spy))
    with serve_in_thread(app) as url:
        assert httpx.get(f"{url}/healthz").status_code == 200
        assert not spy.closed
    assert spy.closed


def test_an_unexpected_failure_is_a_500_in_the_error_shape(
    spied: httpx.Client, spy: SpyEngine
) -> None:
    spy.fail_with = RuntimeError("secret internals")
    response = spied.get("/api/search", params={"q": "knee"})
    assert response.status_code == 500
    assert response.json() == {
        "error": {"status": 500, "message": "internal server error", "detail": None}
    }
    page = spied.get("/", params={"q": "knee"})
    assert page.status_code == 500
    assert "secret internals" not in page.text


def test_a_missing_index_is_a_503_until_it_exists(tmp_path: Path) -> None:
    app = create_app(Settings(index_dir=tmp_path / "nowhere"))
    with serve_in_thread(app) as url:
        response = httpx.get(f"{url}/healthz")
        assert response.status_code == 503
        assert "no index" in response.json()["error"]["message"]
        page = httpx.get(f"{url}/")
        assert page.status_code == 503
        assert "text/html" in page.headers["content-type"]
        # Why, but not where: the server's folders are the operator's (the log names them).
        for answer in (response, page):
            assert str(tmp_path) not in answer.text
            assert "nowhere" not in answer.text


def test_apps_share_nothing(server_index: ServerIndex) -> None:
    strict = create_app(Settings(index_dir=server_index.path, max_query_length=5))
    lenient = create_app(Settings(index_dir=server_index.path))
    with serve_in_thread(strict) as a, serve_in_thread(lenient) as b:
        assert httpx.get(f"{a}/api/search", params={"q": "lumbar"}).status_code == 400
        assert httpx.get(f"{b}/api/search", params={"q": "lumbar"}).status_code == 200


@pytest.mark.server
def test_both_launchers_report_a_missing_index_alike(tmp_path: Path) -> None:
    def launch(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", *command, "--index", str(tmp_path / "none")],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=60,
        )

    module, cli = launch("imr_search.server"), launch("imr_search", "serve")
    assert module.returncode == cli.returncode == 1
    assert module.stderr == cli.stderr
    assert module.stderr.startswith(f"imr-search: no index in {tmp_path / 'none'}")
    assert "Serving" not in module.stdout


def test_search_params_round_trip_through_urls(spied: httpx.Client, spy: SpyEngine) -> None:
    params = {
        "q": "knee",
        "decision": ["upheld", "overturned"],
        "from": "2016-01-01",
        "to": "2017-12-31",
        "sort": "-decided",
        "letters": "1",
        "size": "5",
        "page": "2",
    }
    spied.get("/api/search", params=params)
    request = spy.requests[-1]
    expected = SearchRequest(
        query="knee",
        filters={"decision": ("upheld", "overturned")},
        date_from=request.date_from,
        date_to=request.date_to,
        letters=True,
        sort="-decided",
        page=2,
        size=5,
        time_limit=request.time_limit,  # what is left of 1.5 s (test_the_time_limit_reaches...)
    )
    assert request == expected
    assert request.time_limit is not None
    assert request.time_limit <= 1.5
    assert (str(request.date_from), str(request.date_to)) == ("2016-01-01", "2017-12-31")


@pytest.mark.parametrize("size", [50, 0])
def test_the_response_cache_answers_a_repeated_request_and_reports_its_hit_rate(
    server_index: ServerIndex, size: int
) -> None:
    app = create_app(Settings(index_dir=server_index.path, cache_size=size))
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        params = {"q": "knee", "facets": "1"}
        first = client.get("/api/search", params=params).json()
        again = client.get("/api/search", params=params).json()
        assert again == first
        assert first["total"] > 0
        cache = client.get("/healthz").json()["cache"]
    assert cache["size"] == size
    if size:
        assert cache["hits"] == 1
        assert cache["misses"] >= 1
        assert cache["hit_rate"] == cache["hits"] / (cache["hits"] + cache["misses"])
    else:
        assert (cache["hits"], cache["misses"], cache["held"], cache["hit_rate"]) == (0, 0, 0, None)
