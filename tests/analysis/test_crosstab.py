"""Cross-tabs and the monthly histogram on both engines, against counts made here from the
records of the sample corpus."""

from __future__ import annotations

from collections import Counter

import pytest

from imr_search.analysis.crosstab import SMALL_CELL, crosstab
from imr_search.errors import UsageError
from imr_search.model import Letter
from imr_search.present.jsonforms import crosstab_dict
from imr_search.present.tables import crosstab_table
from imr_search.search.backend import Engine
from imr_search.search.request import SearchRequest

# isort: split
from expected import era_of, pairs


def test_one_way_rows_sum_to_the_total_for_a_single_valued_facet(
    corpus_engine: Engine, corpus: list[Letter]
) -> None:
    table = crosstab(corpus_engine, SearchRequest(), "year")
    dated = Counter(str(lt.decision_date.year) for lt, _ in pairs(corpus) if lt.decision_date)
    over = Counter(
        str(lt.decision_date.year)
        for lt, it in pairs(corpus)
        if lt.decision_date and it.decision == "overturned"
    )
    assert {c.row: (c.items, c.overturned) for c in table.rows} == {
        y: (n, over[y]) for y, n in dated.items()
    }
    assert table.total == len(pairs(corpus))
    assert sum(c.items for c in table.rows) == sum(dated.values())


def test_two_way_cells_sum_to_their_rows_and_to_the_total(
    corpus_engine: Engine, corpus: list[Letter]
) -> None:
    table = crosstab(corpus_engine, SearchRequest(), "era", "decision")
    expected = Counter((era_of(lt), it.decision) for lt, it in pairs(corpus) if era_of(lt))
    assert {(c.row, c.col): c.items for c in table.cells} == dict(expected)
    for row in table.rows:
        assert row.items == sum(c.items for c in table.cells if c.row == row.row)
        assert row.overturned == sum(
            c.items for c in table.cells if c.row == row.row and c.col == "overturned"
        )
    assert sum(c.items for c in table.cells) == sum(expected.values()) == table.total
    # a cell's own overturned count: all of an "overturned" cell, none of an "upheld" one
    assert all(c.overturned == (c.items if c.col == "overturned" else 0) for c in table.cells)


def test_reason_rows_count_each_item_under_each_of_its_codes(
    corpus_engine: Engine, corpus: list[Letter]
) -> None:
    table = crosstab(corpus_engine, SearchRequest(), "reason", "category")
    expected = Counter(
        (code, it.category) for _, it in pairs(corpus) for code in it.reasons if it.category
    )
    assert {(c.row, c.col): c.items for c in table.cells} == dict(expected)
    one_way = crosstab(corpus_engine, SearchRequest(), "reason")
    by_code = Counter(code for _, it in pairs(corpus) for code in it.reasons)
    assert {c.row: c.items for c in one_way.rows} == dict(by_code)
    # A multi-valued facet: items with two codes count twice, so the rows add up to more.
    assert sum(c.items for c in one_way.rows) > one_way.total


def test_a_search_narrows_every_cell(corpus_engine: Engine, corpus: list[Letter]) -> None:
    request = SearchRequest(query="category:pharmaceuticals", filters={"sex": ("female",)})
    table = crosstab(corpus_engine, request, "decision", "year")
    keep = [(lt, it) for lt, it in pairs(corpus)
            if it.category == "Pharmaceuticals" and lt.patient.sex == "female"]  # fmt: skip
    expected = Counter(
        (it.decision, str(lt.decision_date.year)) for lt, it in keep if lt.decision_date
    )
    assert {(c.row, c.col): c.items for c in table.cells} == dict(expected)
    assert table.total == len(keep)


def test_the_monthly_histogram_has_every_month_between_first_and_last(
    corpus_engine: Engine, corpus: list[Letter]
) -> None:
    table = crosstab(corpus_engine, SearchRequest(), "month")
    months = Counter(f"{lt.decision_date:%Y-%m}" for lt, _ in pairs(corpus) if lt.decision_date)
    got = {c.row: c.items for c in table.rows}
    assert {k: v for k, v in got.items() if v} == dict(months)
    first, last = min(months), max(months)
    span = (int(last[:4]) - int(first[:4])) * 12 + int(last[5:]) - int(first[5:]) + 1
    assert len(table.rows) == span  # the empty months are there, with 0 items
    undated = sum(1 for lt, _ in pairs(corpus) if not lt.decision_date)
    if undated:
        assert any(f"{undated} items have no decision date" in w for w in table.warnings)


def test_month_by_a_facet(corpus_engine: Engine, corpus: list[Letter]) -> None:
    table = crosstab(corpus_engine, SearchRequest(), "month", "decision")
    expected = Counter(
        (f"{lt.decision_date:%Y-%m}", it.decision) for lt, it in pairs(corpus) if lt.decision_date
    )
    assert {(c.row, c.col): c.items for c in table.cells} == dict(expected)


def test_small_cells_are_flagged_and_exports_carry_every_cell(corpus_engine: Engine) -> None:
    table = crosstab(corpus_engine, SearchRequest(), "year", "decision")
    small = [c for c in table.cells if c.items < SMALL_CELL]
    assert all(c.small for c in small)
    if small:
        said = f"{len(small)} cells hold" if len(small) > 1 else "1 cell holds"
        assert any(f"{said} fewer than {SMALL_CELL}" in w for w in table.warnings)
    data = crosstab_dict(table)
    assert sum(c["items"] for c in data["cells"]) == sum(c.items for c in table.cells)
    rows = list(crosstab_table(data).lines())
    assert rows[0][:4] == ["year", "decision", "items", "overturned"]
    assert len(rows) == len(table.cells) + 1


@pytest.mark.parametrize(
    ("rows", "cols", "message"),
    [
        ("colour", None, "cannot tabulate by 'colour'"),
        ("year", "YEAR", "two different dimensions"),
        ("year", "nope", "choose from decision"),
    ],
)
def test_bad_dimensions_say_what_would_work(
    corpus_engine: Engine, rows: str, cols: str | None, message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        crosstab(corpus_engine, SearchRequest(), rows, cols)
