"""Era assignment at every boundary of the table the issue sets out (written out here, not read
from data/eras.json), and the date each item's era is read from."""

from __future__ import annotations

import datetime as dt

import pytest

from imr_search.eras import current_era, era_names, era_on, letter_era
from imr_search.model import Letter
from imr_search.search.backend import Engine
from imr_search.search.request import SearchRequest
from imr_search.search.syntax import parse
from imr_search.search.tree import Term

# isort: split
from factories import index_letters, make_letter

D = dt.date
BOUNDARIES = [
    (D(2016, 7, 28), "mtus-2009", "mtus-2016"),
    (D(2017, 12, 1), "mtus-2016", "acoem-2017"),
    (D(2018, 1, 1), "acoem-2017", "formulary-2018"),
    (D(2019, 4, 18), "formulary-2018", "update-2019-04-18"),
    (D(2019, 8, 11), "update-2019-04-18", "update-2019-08-11"),
    (D(2019, 10, 7), "update-2019-08-11", "update-2019-10-07"),
    (D(2020, 9, 21), "update-2019-10-07", "update-2020-09-21"),
    (D(2021, 11, 23), "update-2020-09-21", "update-2021-11-23"),
]


@pytest.mark.parametrize(("start", "before", "after"), BOUNDARIES, ids=[b[2] for b in BOUNDARIES])
def test_an_era_starts_on_its_effective_date(start: dt.date, before: str, after: str) -> None:
    assert era_on(start - dt.timedelta(days=1)).name == before
    assert era_on(start).name == after
    assert era_on(start + dt.timedelta(days=1)).name == after


def test_the_table_has_every_era_once_oldest_first() -> None:
    assert era_names() == ("mtus-2009", *(b[2] for b in BOUNDARIES))
    assert era_on(D(1990, 1, 1)).name == "mtus-2009"
    assert era_on(D(2030, 1, 1)).name == current_era().name == "update-2021-11-23"


def test_the_request_date_is_the_ur_denial_else_the_decision_marked_so() -> None:
    both = Letter("a", "a.pdf", "2014", ur_denial_date=D(2016, 7, 27), decision_date=D(2016, 9, 1))
    era = letter_era(both)
    assert era is not None
    assert (era.era.name, era.basis) == ("mtus-2009", "ur_denial_date")
    decided = Letter("b", "b.pdf", "2014", decision_date=D(2016, 9, 1))
    era = letter_era(decided)
    assert era is not None
    assert (era.era.name, era.basis) == ("mtus-2016", "decision_date")
    assert letter_era(Letter("c", "c.pdf", "2014")) is None


def test_era_current_names_the_last_era_in_the_query_language() -> None:
    assert parse("era:current") == Term("era", "update-2021-11-23")
    assert parse("era:MTUS-2016") == Term("era", "mtus-2016")


def test_the_era_facet_is_in_time_order_and_current_selects_the_last_era(
    corpus_engine: Engine,
) -> None:
    everything = corpus_engine.search(SearchRequest(facets=True, size=1))
    names = [f.value for f in everything.facets["era"]]
    table = list(era_names())
    assert len(names) > 1
    assert names == sorted(names, key=table.index)
    current = corpus_engine.search(SearchRequest(filters={"era": ("current",)}, facets=True))
    selected = [f for f in current.facets["era"] if f.selected]
    assert [f.value for f in selected] == ["update-2021-11-23"]


def test_a_hit_says_which_date_its_era_came_from(new_engine: Engine) -> None:
    # Decided after the 2017-12-01 boundary, denied before it: the denial decides.
    denied = make_letter(ur_denial_date=D(2017, 11, 20), decision_date=D(2017, 12, 20))
    undated = make_letter(decision_date=D(2017, 12, 20))
    index_letters(new_engine, [denied, undated])
    hits = {h.letter_id: h for h in new_engine.search(SearchRequest(size=10)).hits}
    assert (hits[denied.id].era, hits[denied.id].era_basis) == ("mtus-2016", "ur_denial_date")
    assert (hits[undated.id].era, hits[undated.id].era_basis) == ("acoem-2017", "decision_date")
