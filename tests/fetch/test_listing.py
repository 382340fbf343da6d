"""A window's rows put together: split cases joined, duplicate listings stored once."""

from __future__ import annotations

import datetime as dt

import pytest

from imr_search.errors import ProtocolError
from imr_search.fetch.listing import case_row, group_treatments, row_dict, tx_row, unique_cases
from imr_search.fetch.protocol import CaseRow, TxRow


def _first(number: str, category: str = "DMEPOS", sub: str | None = "DME") -> TxRow:
    day = dt.date(2017, 1, 3)
    return TxRow(
        number, f"/{number}.pdf", day, None, None, "Psychiatry", category, sub, "upheld", ""
    )


def _more(category: str = "Injection", sub: str | None = "Injection") -> TxRow:
    return TxRow(None, None, None, None, None, None, category, sub, "overturned", "")


def test_treatments_split_across_pages_join_their_case() -> None:
    page1 = [_first("CM17-0000001"), _first("CM17-0000002"), _more()]
    page2 = [_more("Surgery", "Spine"), _first("CM17-0000003")]
    groups, firsts = group_treatments([*page1, *page2])
    assert [t.category for t in groups["CM17-0000002"]] == ["DMEPOS", "Injection", "Surgery"]
    assert len(groups["CM17-0000001"]) == 1
    assert list(firsts) == ["CM17-0000001", "CM17-0000002", "CM17-0000003"]


def test_a_case_listed_twice_is_stored_once_and_whole() -> None:
    rows = [
        _first("CM17-0000002"),
        _more(),
        _first("CM17-0000002"),
        _more(),
        _first("CM17-0000009"),
    ]
    groups, _ = group_treatments(rows)
    assert [t.category for t in groups["CM17-0000002"]] == ["DMEPOS", "Injection"]
    cases = [
        CaseRow("CM17-0000002", "/a.pdf", "upheld", dt.date(2017, 1, 3), None, None, "Psychiatry")
    ] * 2
    assert len(unique_cases(cases)) == 1


def test_a_further_row_with_no_case_before_it_is_a_departure() -> None:
    with pytest.raises(ProtocolError, match="before any case"):
        group_treatments([_more()])


def test_rows_survive_the_state_database_form() -> None:
    row = CaseRow(
        "CM17-0000002",
        "/a.pdf",
        "upheld",
        dt.date(2017, 1, 3),
        None,
        dt.date(2016, 12, 1),
        "Psychiatry",
    )
    assert case_row(row_dict(row)) == row
    assert tx_row(row_dict(_first("CM17-0000002"))) == _first("CM17-0000002")
