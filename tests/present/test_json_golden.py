"""The JSON contract, pinned: what ``parse``, ``search --format json``, ``precedents``,
``similar``, ``citator``, ``stats`` and ``show`` print, and what every JSON endpoint of the
server answers, on the fixture letters, compared with outputs recorded before the JSON forms
were given one description (issue 14).

The recorded outputs live in ``tests/data/golden/``: ``parse.json`` (engine-neutral) and one
folder per engine (``whoosh/``, ``tantivy/``), one file per case of ``CLI_CASES`` and
``API_CASES``. Each case runs against an index of the 25 fixture letters (the seed texts and the
published PDFs, through the real parser and indexer) plus the hostile-HTML letter of the server
tests, built for each engine; the server is a real uvicorn on loopback serving that folder.

A recorded file is the expectation: every key it holds must be in the current output with the
same value (lists: the same length, compared element by element). A key the current output
has and the record does not is a failure unless its name is in ``NEW_KEYS`` (the fields other
issues added since the recording). Every difference is reported, one line per JSON path.

Only what is not the code's to decide is normalised, in ``_normal``: the absolute path of the
repository in ``source`` (``<repo>/...``) and the loopback address of the test server
(``http://<server>``). Nothing is timed: the server runs with a generous query time limit,
so no answer is cut short by a slow machine.

To record again (after a change to the contract that is meant): ``IMR_SEARCH_REGOLD=1 pytest
tests/present/test_json_golden.py``, then read the diff of ``tests/data/golden/`` before committing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from imr_search.cli import main
from imr_search.config import Settings
from imr_search.engines import registry
from imr_search.engines.registry import open_engine
from imr_search.engines.tantivy import engine as tantivy_engine
from imr_search.ingest.indexer import index_paths
from imr_search.server.app import create_app

# isort: split
from factories import LETTER_SOURCES
from server_fixtures import REPO, serve_in_thread, xss_letter

GOLDEN = Path(__file__).parent.parent / "data" / "golden"
REGOLD = os.environ.get("IMR_SEARCH_REGOLD") == "1"
ENGINES = registry.folder_engines()

# Keys an output may have beyond the recorded ones (a field another issue adds): issue 13's
# time limit gave similar rationales the "warnings" that search answers already had.
# "reasons", "reason_sentences" (each item), "reason" (a facet and a precedents breakdown) and
# "why" (precedents per decision): the reason codes (docs/reasons.md); "cache": /healthz's
# response cache (issue 27); "category_source" (each item): DWC's label or the parser's
# (docs/fetch.md). Issue 25 gave searches where their words searched (scope, fallback,
# also_searched, respelled, elsewhere); its plain queries answer "decisions about" the words:
# the search cases whose answer that changed were recorded again.
NEW_KEYS: frozenset[str] = frozenset(
    {"warnings", "reasons", "reason_sentences", "reason", "why", "cache", "category_source"}
    | {"scope", "fallback", "also_searched", "respelled", "elsewhere"}
    # Issue 25, point 5: the index summary holds what the /stats page shows (its one table).
    | {"outcomes", "facets"}
)

# name -> the CLI's arguments (``--index`` is added). Plain words, a field query, filters,
# facets, letter grouping, a misspelling that draws a suggestion, a query with a case number,
# sorting and paging; the other JSON commands.
CLI_CASES: dict[str, list[str]] = {
    "search-words": ["search", "physical", "therapy", "--format", "json"],
    "search-filter": [
        "search", "mri", "--decision", "upheld", "--region", "lumbar spine", "--format", "json",
    ],
    "search-field": ["search", "category:Rehabilitation AND decision:overturned", "--format",
                     "json"],
    "search-facets": ["search", "pain", "--facets", "--format", "json"],
    "search-letters": ["search", "knee", "--letters", "--format", "json"],
    "search-suggestion": ["search", "phisical", "--format", "json"],
    "search-case-number": ["search", "CM17-0010885", "--format", "json"],
    "search-sorted-page": [
        "search", "--sort", "-decided", "--limit", "5", "--page", "2", "--format", "json",
    ],
    "search-dates-alias": [
        "search", "--from", "2017-01-01", "--sex", "F", "--state", "california", "--format",
        "json",
    ],
    "search-jsonl": ["search", "opioids", "--format", "jsonl"],
    "precedents-mri": ["precedents", "MRI cervical spine w/o contrast", "--format", "json"],
    "precedents-drug": [
        "precedents", "Norco 10/325 #120", "--summary", "chronic low back pain", "--format", "json",
    ],
    "precedents-filtered": [
        "precedents", "physical therapy 2x6 lumbar", "--from", "2016-06-01", "--exclude",
        "CM17-0010885", "--format", "json",
    ],
    "precedents-nothing": ["precedents", "zzzz qqqq", "--format", "json"],
    "similar-item": ["similar", "CM17-0010885#2", "--limit", "5", "--format", "json"],
    "similar-text": [
        "similar", "--text", "There is no documentation of functional improvement from prior "
        "physical therapy.", "--limit", "5", "--format", "json",
    ],
    "citator": ["citator", "--format", "json"],
    "citator-filtered": ["citator", "--category", "Pharmaceuticals", "--sort", "rate", "--limit",
                         "5", "--format", "json"],
    "stats": ["stats", "--format", "json"],
    "crosstab-one-way": ["stats", "--by", "era", "--format", "json"],
    "crosstab-two-way": ["stats", "--by", "category", "--by", "decision", "--format", "json"],
    "crosstab-month": ["stats", "pain", "--by", "month", "--format", "json"],
    "show": ["show", "CM17-0003591", "--format", "json"],
    "appeal": ["appeal", "CM17-0010420", "--today", "2017-03-01", "--format", "json"],
}  # fmt: skip

# name -> a request of the JSON API (the path and query string).
API_CASES: dict[str, str] = {
    "api-search-words": "/api/search?q=physical+therapy",
    "api-search-filter": "/api/search?q=mri&decision=upheld&region=lumbar+spine",
    "api-search-facets": "/api/search?q=pain&facets=1",
    "api-search-rates": "/api/search?q=pain&facets=1&rates=1&category=Pharmaceuticals",
    "api-search-letters": "/api/search?q=knee&letters=1&facets=1",
    "api-search-suggestion": "/api/search?q=phisical",
    "api-search-aliases": "/api/search?sex=F&state=california&from=2017-01-01",
    "api-search-case-number": "/api/search?q=CM17-0010885",
    "api-search-sorted-page": "/api/search?sort=-decided&size=5&page=2",
    "api-search-html": "/api/search?q=acupuncture",
    "api-facets": "/api/facets?q=pain&decision=overturned",
    "api-letter": "/api/letters/CM17-0003591",
    "api-letter-html": "/api/letters/XSS-0000001",
    "api-precedents": "/api/precedents?request=MRI+cervical+spine+w/o+contrast",
    "api-precedents-drug": "/api/precedents?request=Norco+10/325+%23120"
    "&summary=chronic+low+back+pain",
    "api-precedents-filtered": "/api/precedents?request=physical+therapy+2x6+lumbar"
    "&from=2016-06-01&exclude=CM17-0010885",
    "api-similar": "/api/similar/CM17-0010885%232?limit=5",
    "api-stats": "/api/stats",
    "api-healthz": "/healthz",
    "api-citator": "/api/citator",
    "api-citator-filtered": "/api/citator?category=Pharmaceuticals&sort=rate&limit=5",
    "api-crosstab": "/api/crosstab?rows=era",
    "api-crosstab-two-way": "/api/crosstab?rows=category&cols=decision",
    "api-crosstab-month": "/api/crosstab?rows=month&q=pain",
    "api-appeal": "/api/letters/CM17-0010420/appeal?served=2017-02-21&address=us&today=2017-03-01",
    # The one error shape, as each kind of mistake meets it.
    "api-error-query": "/api/search?q=nosuchfield:x",
    "api-error-filter-value": "/api/search?category=Pharmaceutical",
    "api-error-parameter": "/api/search?page=0",
    "api-error-letter": "/api/letters/CM00-0000000",
    "api-error-item": "/api/similar/CM17-0010885%2399",
    "api-error-precedents": "/api/precedents?request=+",
    "api-error-crosstab": "/api/crosstab?rows=colour",
}


# -- comparing ------------------------------------------------------------------------------


def differences(recorded: Any, current: Any, path: str = "$") -> Iterator[str]:
    """One line per difference between the recorded JSON and the current one."""
    if isinstance(recorded, dict) and isinstance(current, dict):
        for key, value in recorded.items():
            if key not in current:
                yield f"{path}.{key}: missing (recorded {_short(value)})"
            else:
                yield from differences(value, current[key], f"{path}.{key}")
        for key in current.keys() - recorded.keys() - NEW_KEYS:
            yield f"{path}.{key}: new key, not in NEW_KEYS (value {_short(current[key])})"
    elif isinstance(recorded, list) and isinstance(current, list):
        if len(recorded) != len(current):
            yield f"{path}: {len(current)} entries, recorded {len(recorded)}"
        for i, (a, b) in enumerate(zip(recorded, current, strict=False)):
            yield from differences(a, b, f"{path}[{i}]")
    elif type(recorded) is not type(current) or recorded != current:
        yield f"{path}: {_short(current)}, recorded {_short(recorded)}"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:117] + "..."


def _normal(value: Any, server: str = "") -> Any:
    """The output with the machine's own paths and address replaced (see the docstring)."""
    text = json.dumps(value, ensure_ascii=False)
    text = text.replace(json.dumps(str(REPO))[1:-1], "<repo>")
    if server:
        text = text.replace(server, "http://<server>")
    return json.loads(text)


def check(name: Path, current: Any) -> None:
    if REGOLD:
        name.parent.mkdir(parents=True, exist_ok=True)
        name.write_text(json.dumps(current, ensure_ascii=False, indent=1) + "\n", "utf-8")
        return
    assert name.is_file(), f"no recorded output {name}: record with IMR_SEARCH_REGOLD=1"
    recorded = json.loads(name.read_text("utf-8"))
    found = list(differences(recorded, current))
    assert not found, f"{name.relative_to(GOLDEN)}:\n" + "\n".join(found)


# -- the indexes and the server -------------------------------------------------------------


@dataclass(frozen=True)
class GoldenIndex:
    engine: str
    path: Path

    def golden(self, case: str) -> Path:
        return GOLDEN / self.engine / f"{case}.json"


@pytest.fixture(scope="module", params=ENGINES)
def golden_index(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> GoldenIndex:
    """An index of the fixture letters and the hostile letter, one per engine (read-only)."""
    path = tmp_path_factory.mktemp(f"golden-{request.param}") / "index"
    with pytest.MonkeyPatch.context() as patch:
        # tantivy's writer threads share the documents out in whatever order they take them,
        # so hits of equal score (or date) would come back in another order after each build;
        # with one thread, ties come in the order the letters were indexed.
        patch.setattr(tantivy_engine, "WRITER_THREADS", 1)
        with open_engine(path, engine=request.param, create=True) as engine:
            report = index_paths(engine, LETTER_SOURCES, rebuild=True)
            assert not report.failed, report.failed
            letter = xss_letter()
            with engine.writer() as w:
                w.put(letter, source_key=f"test:{letter.id}", content_hash=letter.id)
    return GoldenIndex(request.param, path)


@pytest.fixture(scope="module")
def golden_api(golden_index: GoldenIndex) -> Iterator[tuple[httpx.Client, str]]:
    # A generous time limit: a loaded machine must not cut an answer short (see the docstring).
    app = create_app(Settings(index_dir=golden_index.path, query_time_limit=120.0))
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=120) as client:
        yield client, url


# -- the cases ------------------------------------------------------------------------------


def test_parse_json_is_as_recorded() -> None:
    result = CliRunner().invoke(main, ["parse", "--format", "json", *LETTER_SOURCES])
    assert result.exit_code == 0, result.output
    check(GOLDEN / "parse.json", _normal(json.loads(result.stdout)))


@pytest.mark.parametrize("case", sorted(CLI_CASES))
def test_cli_json_is_as_recorded(golden_index: GoldenIndex, case: str) -> None:
    args = [*CLI_CASES[case], "--index", str(golden_index.path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, (args, result.output)
    if "jsonl" in args:
        current: Any = [json.loads(line) for line in result.stdout.splitlines()]
    else:
        current = json.loads(result.stdout)
    check(golden_index.golden(case), _normal(current))


@pytest.mark.parametrize("case", sorted(API_CASES))
def test_api_json_is_as_recorded(
    golden_index: GoldenIndex, golden_api: tuple[httpx.Client, str], case: str
) -> None:
    client, url = golden_api
    response = client.get(API_CASES[case])
    assert response.headers["content-type"].startswith("application/json"), response.text
    current = {"status": response.status_code, "body": response.json()}
    check(golden_index.golden(case), _normal(current, url))


def test_every_json_endpoint_has_a_case(golden_api: tuple[httpx.Client, str]) -> None:
    """A JSON endpoint added to the API needs its recorded output here too."""
    client, _ = golden_api
    documented = set(client.get("/openapi.json").json()["paths"])
    covered = {API_CASES[c].split("?")[0] for c in API_CASES}
    # Path templates: a case stands for its template.
    covered |= {"/api/letters/{letter_id}", "/api/similar/{item_id}"}
    covered |= {"/api/letters/{letter_id}/appeal"}
    not_json = {"/api/search.csv", "/api/search.xlsx"}  # CSV / XLSX only
    feeds = {"/alerts/{name}.atom"}  # Atom
    assert documented - not_json - feeds <= covered, documented - not_json - feeds - covered
