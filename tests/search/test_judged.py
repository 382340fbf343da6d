"""The search box answers what users type: "decisions about Q" (issue 25), measured.

On an index of the fixture letters, the seeds and the generated letters of the judged set
(``tests/judged.py``), per engine:

- the judged query set's mean R-precision, recall and match-set precision reach the targets;
- a plain query's set is the items whose service (or what the parser derived from it) is the
  thing asked; the items that only mention it are counted apart and one switch away;
- a phrase of reasoning no service holds searches the rationales and summaries, and says so;
- the exports list the same set the page counts.

Expectations come from the parsed records, never from the engine's output.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from imr_search.engines.registry import open_engine
from imr_search.model import Item, Letter
from imr_search.parse import parse_path
from imr_search.search.backend import Engine
from imr_search.search.request import SearchRequest

# isort: split
from judged import SOURCES, build, means, measure

ENGINES = ("whoosh", "tantivy")
# What "norco" also searches: its generic, as the vocabulary says (also_searched).
NORCO_OR_ITS_GENERIC = re.compile(r"\bnorco\b|\bhydrocodone\W+acetaminophen\b", re.IGNORECASE)
# The targets, on letters we do not have; our own set must reach them too.
TARGETS = {"r_precision": 0.90, "recall": 0.95, "precision": 0.85}


@pytest.fixture(scope="module", params=ENGINES)
def judged_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp(f"judged-{request.param}") / "index"
    build(path, request.param)
    with open_engine(path, engine=request.param) as engine:
        yield engine


@pytest.fixture(scope="module")
def records() -> list[Letter]:
    paths = [p for s in SOURCES for p in sorted(Path(s).iterdir()) if p.is_file()]
    return [parse_path(p) for p in paths]


def pairs(records: list[Letter]) -> Iterator[tuple[Letter, Item]]:
    for letter in records:
        for item in letter.items:
            yield letter, item


def mentions(text: str, word: str) -> bool:
    return re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE) is not None


def test_the_judged_set_reaches_the_targets(judged_engine: Engine) -> None:
    r_precision, recall, precision = means(measure(judged_engine))
    assert r_precision >= TARGETS["r_precision"]
    assert recall >= TARGETS["recall"]
    assert precision >= TARGETS["precision"]


def test_norco_answers_the_norco_decisions_and_counts_the_mentions_apart(
    judged_engine: Engine, records: list[Letter]
) -> None:
    def about(lt: Letter, it: Item) -> bool:
        return it.drug is not None and it.drug.name == "hydrocodone/acetaminophen"

    asked = {lt.item_id(it) for lt, it in pairs(records) if about(lt, it)}
    mention = {
        lt.item_id(it)
        for lt, it in pairs(records)
        if not about(lt, it) and NORCO_OR_ITS_GENERIC.search(it.rationale + " " + lt.summary)
    }
    result = judged_engine.search(SearchRequest(query="norco", size=100, facets=True))
    assert {h.item_id for h in result.hits} == asked
    assert result.total == len(asked)
    assert sum(f.count for f in result.facets["decision"]) == len(asked)
    assert result.scope == "services"
    assert result.elsewhere == len(mention)
    assert "hydrocodone/acetaminophen" in result.also_searched

    wider = judged_engine.search(SearchRequest(query="norco", size=100, scope="everywhere"))
    assert {h.item_id for h in wider.hits} == asked | mention
    assert wider.scope == "everywhere"
    assert wider.elsewhere is None


def test_exports_list_the_set_the_page_counts(judged_engine: Engine) -> None:
    request = SearchRequest(query="PT", size=100)
    page = {h.item_id for h in judged_engine.search(request).hits}
    exported = {r.item_id for r in judged_engine.iter_items(request)}
    assert exported == page
    wide = SearchRequest(query="PT", size=100, scope="everywhere")
    assert {r.item_id for r in judged_engine.iter_items(wide)} > page


def test_a_phrase_of_reasoning_searches_the_rationales_and_says_so(
    judged_engine: Engine, records: list[Letter]
) -> None:
    phrase = "functional improvement"
    expected = {
        lt.item_id(it)
        for lt, it in pairs(records)
        if phrase in it.rationale.lower().replace("\n", " ")
        or phrase in lt.summary.lower().replace("\n", " ")
    }
    assert not any(phrase in it.service.lower() for _, it in pairs(records))
    result = judged_engine.search(SearchRequest(query=f'"{phrase}"', size=100))
    assert result.fallback
    assert result.scope == "everywhere"
    assert expected <= {h.item_id for h in result.hits}


def test_a_fielded_query_searches_its_fields(judged_engine: Engine, records: list[Letter]) -> None:
    expected = {lt.item_id(it) for lt, it in pairs(records) if mentions(it.rationale, "norco")}
    result = judged_engine.search(SearchRequest(query="rationale:norco", size=100))
    assert {h.item_id for h in result.hits} == expected
    assert result.scope == "fields"
    assert result.also_searched == []
    assert result.elsewhere is None


def test_one_switch_searches_the_words_as_typed(
    judged_engine: Engine, records: list[Letter]
) -> None:
    result = judged_engine.search(SearchRequest(query="UDT", size=100, synonyms=False))
    assert result.also_searched == []
    expected = {lt.item_id(it) for lt, it in pairs(records) if mentions(it.service, "udt")}
    assert {h.item_id for h in result.hits} == expected
    with_vocabulary = judged_engine.search(SearchRequest(query="UDT", size=100))
    assert "urine drug test" in with_vocabulary.also_searched
    assert with_vocabulary.total > result.total


# A service that names physical therapy: its words, or PT where PT is no clotting test.
PHYSICAL_THERAPY = re.compile(r"physical therap|physiotherap|\bpt\b(?!\s*/\s*(?:ptt|inr))", re.I)


def test_pt_answers_physical_therapy_not_a_chiropractor_s_physiotherapy(
    judged_engine: Engine, records: list[Letter]
) -> None:
    chiropractic = {
        lt.item_id(it) for lt, it in pairs(records) if re.search(r"chiro", it.service, re.I)
    }
    therapy = {
        lt.item_id(it)
        for lt, it in pairs(records)
        if PHYSICAL_THERAPY.search(it.service) and lt.item_id(it) not in chiropractic
    }
    # The fixtures hold "5 sessions of chiropractic physiotherapy for the left elbow".
    assert chiropractic
    assert therapy
    for query in ("PT", "physical therapy", "physiotherapy"):
        found = {h.item_id for h in judged_engine.search(SearchRequest(query=query, size=100)).hits}
        assert found == therapy, query
    # Asked together, the chiropractor's physiotherapy is what the query asks for.
    asked = judged_engine.search(SearchRequest(query="chiropractic physiotherapy", size=100))
    assert {h.item_id for h in asked.hits} & chiropractic
