"""The time limit covers everything an answer does (issue 13), on both engines: a search's facet
counts and highlighting, similar rationales, the citator, the cross-tabs and the overturn rates
beside a search. Past the limit each answer is partial and says so; with the default limit it
is the whole answer, with no warning.

The tiny limit (a microsecond) has passed before the first search ends on any machine, so the
cut is certain without replacing any clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from imr_search.analysis.citator import citator
from imr_search.analysis.crosstab import crosstab, overturned_facets
from imr_search.analysis.similar import similar
from imr_search.config import Settings
from imr_search.model import Letter
from imr_search.present.jsonforms import citator_dict, crosstab_dict, similar_dict
from imr_search.search.backend import Engine
from imr_search.search.deadline import Deadline, ran_out
from imr_search.search.request import SearchRequest
from imr_search.search.results import SearchResult

# isort: split
from factories import Counting
from server_fixtures import ServerIndex, server_process

pytest_plugins = ["server_fixtures"]

TINY = 1e-6
DEFAULT = Settings().query_time_limit


def out_of_time(warnings: list[str]) -> bool:
    return any("ran out of time" in w for w in warnings)


def an_item_with_a_rationale(corpus: list[Letter]) -> str:
    letter = next(lt for lt in corpus if any(i.rationale for i in lt.items))
    return letter.item_id(next(i for i in letter.items if i.rationale))


# -- the library, on both engines ---------------------------------------------------------------


def test_a_search_past_the_limit_leaves_facets_and_highlighting_out(corpus_engine: Engine) -> None:
    cut = corpus_engine.search(SearchRequest(query="pain", facets=True, time_limit=TINY))
    assert out_of_time(cut.warnings), cut.warnings
    assert cut.facets == {}
    assert not any(s.match for h in cut.hits for s in h.snippet)


def test_a_search_within_the_default_limit_is_whole(corpus_engine: Engine) -> None:
    request = SearchRequest(query="pain", facets=True, letters=True)
    whole = corpus_engine.search(request)
    limited = corpus_engine.search(replace(request, time_limit=DEFAULT))
    assert limited.warnings == []
    assert limited.facets == whole.facets
    assert limited.facets
    assert limited.groups == whole.groups
    assert any(s.match for g in limited.groups for h in g.hits for s in h.snippet)


def test_the_citator_past_the_limit_is_partial_with_a_warning(corpus_engine: Engine) -> None:
    whole = citator(corpus_engine, SearchRequest())
    assert whole.rows
    assert whole.warnings == []
    cut = citator(corpus_engine, SearchRequest(time_limit=TINY))
    assert out_of_time(cut.warnings), cut.warnings
    # Whatever it kept is no more than the whole answer has.
    assert {r.citation for r in cut.rows} <= {r.citation for r in whole.rows}
    assert all(not r.answered for r in cut.rows)  # no time left for the per-row searches


def test_the_citator_within_the_default_limit_is_whole(corpus_engine: Engine) -> None:
    whole = citator(corpus_engine, SearchRequest())
    limited = citator(corpus_engine, SearchRequest(time_limit=DEFAULT))
    assert citator_dict(limited) == citator_dict(whole)
    assert limited.warnings == []


@pytest.mark.parametrize(
    ("rows", "cols"), [("decision", None), ("category", "decision"), ("month", "decision")]
)
def test_a_crosstab_past_the_limit_is_partial_with_a_warning(
    corpus_engine: Engine, rows: str, cols: str | None
) -> None:
    whole = crosstab(corpus_engine, SearchRequest(), rows, cols)
    cut = crosstab(corpus_engine, SearchRequest(time_limit=TINY), rows, cols)
    assert out_of_time(cut.warnings), cut.warnings
    assert not out_of_time(whole.warnings)
    assert cut.total <= whole.total
    assert len(cut.cells) < len(whole.cells) or not whole.cells


@pytest.mark.parametrize(
    ("rows", "cols"), [("decision", None), ("category", "decision"), ("month", "decision")]
)
def test_a_crosstab_within_the_default_limit_is_whole(
    corpus_engine: Engine, rows: str, cols: str | None
) -> None:
    whole = crosstab(corpus_engine, SearchRequest(), rows, cols)
    limited = crosstab(corpus_engine, SearchRequest(time_limit=DEFAULT), rows, cols)
    assert crosstab_dict(limited) == crosstab_dict(whole)
    assert not out_of_time(limited.warnings)


def test_similar_past_the_limit_is_partial_with_a_warning(
    corpus_engine: Engine, corpus: list[Letter]
) -> None:
    item = an_item_with_a_rationale(corpus)
    whole = similar(corpus_engine, item_id=item)
    assert whole
    warnings: list[str] = []
    cut = similar(corpus_engine, item_id=item, time_limit=TINY, warnings=warnings)
    assert out_of_time(warnings), warnings
    assert sum(g.count for g in cut) < sum(g.count for g in whole)
    assert similar_dict(cut, item_id=item, warnings=warnings)["warnings"] == warnings


def test_similar_within_the_default_limit_is_whole(
    corpus_engine: Engine, corpus: list[Letter]
) -> None:
    item = an_item_with_a_rationale(corpus)
    warnings: list[str] = []
    limited = similar(corpus_engine, item_id=item, time_limit=DEFAULT, warnings=warnings)
    assert warnings == []
    assert similar_dict(limited) == similar_dict(similar(corpus_engine, item_id=item))


def test_the_engine_s_similar_stops_at_its_limit(
    corpus_engine: Engine, corpus: list[Letter]
) -> None:
    text = next(i.rationale for lt in corpus for i in lt.items if i.rationale)
    whole = corpus_engine.similar(text=text, limit=50)
    assert len(whole) > 1
    assert len(corpus_engine.similar(text=text, limit=50, time_limit=TINY)) < len(whole)
    limited = corpus_engine.similar(text=text, limit=50, time_limit=DEFAULT)
    assert [r.item_id for r in limited] == [r.item_id for r in whole]


def test_overturn_rates_share_the_search_s_clock(corpus_engine: Engine) -> None:
    request = SearchRequest(facets=True)
    warnings: list[str] = []
    spent = Deadline.start(TINY)
    assert overturned_facets(corpus_engine, request, deadline=spent, warnings=warnings) is None
    assert out_of_time(warnings), warnings
    roomy: list[str] = []
    rates = overturned_facets(
        corpus_engine, request, deadline=Deadline.start(DEFAULT), warnings=roomy
    )
    assert roomy == []
    assert rates == overturned_facets(corpus_engine, request)


# -- the server: the warning in the JSON and on the page ----------------------------------------


@pytest.fixture(scope="module")
def hurried(
    server_index: ServerIndex, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[httpx.Client]:
    """A real server whose every request has a microsecond."""
    log: Path = tmp_path_factory.mktemp("hurried") / "server.log"
    with (
        server_process(server_index.path, log, "--query-time-limit", str(TINY)) as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        yield client


def _item(server_index: ServerIndex) -> str:
    return an_item_with_a_rationale(list(server_index.records.values()))


ANSWERS = [
    "/api/citator",
    "/api/crosstab?rows=category&cols=decision",
    "/api/crosstab?rows=month",
    "/api/search?q=pain&facets=1&rates=1",
]
PAGES = ["/citator", "/crosstab?rows=category&cols=decision", "/?q=pain&rates=1"]


@pytest.mark.server
@pytest.mark.parametrize("path", ANSWERS)
def test_the_api_answers_partially_with_a_warning_past_the_limit(
    hurried: httpx.Client, path: str
) -> None:
    r = hurried.get(path)
    assert r.status_code == 200, r.text
    assert out_of_time(r.json()["warnings"]), r.json()["warnings"]


@pytest.mark.parametrize("path", ANSWERS)
def test_the_api_answers_whole_within_the_default_limit(api: httpx.Client, path: str) -> None:
    r = api.get(path)
    assert r.status_code == 200, r.text
    assert not out_of_time(r.json()["warnings"]), r.json()["warnings"]


@pytest.mark.server
def test_similar_over_http_past_the_limit_warns_in_the_json_and_on_the_page(
    hurried: httpx.Client, api: httpx.Client, server_index: ServerIndex
) -> None:
    item = quote(_item(server_index), safe="")
    cut = hurried.get(f"/api/similar/{item}")
    assert cut.status_code == 200, cut.text
    assert out_of_time(cut.json()["warnings"])
    page = hurried.get(f"/similar/{item}")
    assert page.status_code == 200
    assert "ran out of time" in page.text
    whole = api.get(f"/api/similar/{item}").json()
    assert whole["warnings"] == []
    assert whole["groups"]
    assert "ran out of time" not in api.get(f"/similar/{item}").text


@pytest.mark.server
@pytest.mark.parametrize("path", PAGES)
def test_the_pages_show_the_warning_past_the_limit(
    hurried: httpx.Client, api: httpx.Client, path: str
) -> None:
    cut = hurried.get(path)
    assert cut.status_code == 200, cut.text
    assert "ran out of time" in cut.text
    whole = api.get(path)
    assert whole.status_code == 200
    assert "ran out of time" not in whole.text


def test_the_next_search_of_an_answer_is_not_started_after_one_cut_short(
    corpus_engine: Engine,
) -> None:
    counting = Counting(corpus_engine)
    search, started = counting.search, counting.searches
    deadline = Deadline.start(60.0)
    whole = deadline.timed(search, SearchRequest("mri", facets=True))
    assert not ran_out(whole.warnings)
    after_whole = deadline.after(whole, search, SearchRequest("knee", facets=True))
    assert len(started) == 2
    assert after_whole.total == corpus_engine.search(SearchRequest("knee")).total
    # A search that ran out of time: the one after it would count part of the items only, and
    # would cost its query's compiling however little time is left; it is not started.
    cut = SearchResult(
        total=3, page=1, size=1, warnings=[deadline.message("facet counts left out")]
    )
    skipped = deadline.after(cut, search, SearchRequest("knee", facets=True))
    assert len(started) == 2
    assert ran_out(skipped.warnings)
    assert skipped.total == 0
    assert not skipped.facets
