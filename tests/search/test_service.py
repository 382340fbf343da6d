"""The one search service (imr_search.search.service): the pre-search policy every edge shares
(``prepare``) and the orchestration of a search written once over each engine's reader.

Expectations come from the sample corpus's records, never from the service's output.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from click.testing import CliRunner

from imr_search.cli import main
from imr_search.engines.registry import open_engine
from imr_search.errors import QueryError
from imr_search.model import Letter
from imr_search.search import service as service_module
from imr_search.search.backend import Engine
from imr_search.search.request import SearchRequest
from imr_search.search.service import SearchService, prepare
from imr_search.search.tree import Term


def test_reversed_decision_dates_are_refused_before_any_search(corpus_engine: Engine) -> None:
    request = SearchRequest(date_from=dt.date(2017, 2, 1), date_to=dt.date(2017, 1, 1))
    with pytest.raises(QueryError, match=r"from \(2017-02-01\) is after to \(2017-01-01\)"):
        prepare(corpus_engine, request)


def test_a_query_that_is_a_case_number_searches_that_case(
    corpus_engine: Engine, corpus: list[Letter]
) -> None:
    letter = next(lt for lt in corpus if lt.case_number)
    assert letter.case_number is not None
    prepared = prepare(corpus_engine, SearchRequest(query=f" {letter.case_number.lower()} "))
    assert prepared.case_letter == letter.id
    assert prepared.request.tree == Term("case", letter.case_number.lower())
    assert prepared.case_note is not None
    assert letter.id in prepared.case_note
    hits = corpus_engine.search(prepared.request).hits
    assert {h.letter_id for h in hits} == {letter.id}
    assert len(hits) == len(letter.items)


def test_filter_aliases_are_applied_and_said_before_the_case_note(corpus_engine: Engine) -> None:
    prepared = prepare(corpus_engine, SearchRequest(filters={"sex": ("F",)}))
    assert prepared.request.filters == {"sex": ("female",)}
    assert prepared.notes == ("sex: 'F' read as 'female'",)
    assert prepared.case_note is None
    assert prepared.all_notes == ["sex: 'F' read as 'female'"]


def test_a_filter_value_no_item_has_is_refused_with_the_closest(corpus_engine: Engine) -> None:
    with pytest.raises(QueryError, match="overturned"):
        prepare(corpus_engine, SearchRequest(filters={"decision": ("overturnd",)}))


@pytest.fixture
def slow_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    ticks = itertools.count(0.0, 10.0)  # every reading is 10 s after the last
    monkeypatch.setattr(service_module, "clock", lambda: next(ticks))


@pytest.mark.usefixtures("slow_clock")
def test_out_of_time_leaves_facets_and_highlighting_out_with_a_warning(
    corpus_engine: Engine,
) -> None:
    # "pain" is in the generated rationales, not their services: searched everywhere.
    result = corpus_engine.search(
        SearchRequest(query="pain", facets=True, time_limit=1.0, scope="everywhere")
    )
    assert result.total > 0
    assert result.hits
    assert result.facets == {}
    assert not any(s.match for h in result.hits for s in h.snippet)
    assert result.warnings == [
        "the search ran out of time (1 s); highlighting and facet counts left out"
    ]


def test_in_time_the_same_search_highlights_and_counts(corpus_engine: Engine) -> None:
    result = corpus_engine.search(SearchRequest(query="pain", facets=True, time_limit=60.0))
    assert result.warnings == []
    assert sum(f.count for f in result.facets["decision"]) == result.total
    assert any(s.match for h in result.hits for s in h.snippet)


def test_every_registered_engine_is_run_by_the_service(corpus_engine: Engine) -> None:
    # The orchestration is the service's, whichever engine answers.
    assert isinstance(corpus_engine, SearchService)


def test_the_cli_refuses_reversed_dates_as_the_api_does(letters_index: object) -> None:
    result = CliRunner().invoke(
        main,
        ["search", "--from", "2017-02-01", "--to", "2017-01-01", "--index", str(letters_index)],
    )
    assert result.exit_code == 2
    assert "from (2017-02-01) is after to (2017-01-01)" in result.stderr


@pytest.mark.parametrize("word", ["ESI", "TFESI", "Ultram"])
def test_a_vocabulary_word_no_item_has_gets_no_spelling_suggestion(
    letters_index: Path, letter_records: list[Letter], word: str
) -> None:
    # An abbreviation or a drug name is not a typo: "did you mean: is" for ESI sent users from
    # a word the field uses to one it does not (the fixture letters have no ESI).
    said = " ".join(
        t.lower() for lt in letter_records for it in lt.items for t in (it.service, it.rationale)
    )
    assert word.lower() not in said.split()  # no item has it (else the test shows nothing)
    with open_engine(letters_index) as engine:
        for synonyms in (True, False):
            found = engine.search(SearchRequest(word, synonyms=synonyms))
            assert word.lower() not in found.suggestions, found.suggestions
            assert not found.respelled
