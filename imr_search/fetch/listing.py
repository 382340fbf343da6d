"""DWC's result rows into cases and treatments: a window's rows put together (a case listed
twice stored once, a case's treatments split across two pages joined), and the rows as they
are kept in the state database between pages."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from imr_search.errors import ProtocolError
from imr_search.fetch.ledger import CaseRecord, Treatment
from imr_search.fetch.protocol import CaseRow, TxRow


def row_dict(row: CaseRow | TxRow) -> dict[str, Any]:
    out = dataclasses.asdict(row)
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in out.items()}


def _day(value: object) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def case_row(d: dict[str, Any]) -> CaseRow:
    decided = _day(d["decided"])
    assert decided is not None
    return CaseRow(
        d["case_number"],
        d["pdf_url"],
        d["outcome"],
        decided,
        _day(d["injured"]),
        _day(d["received"]),
        d["specialty"],
    )


def tx_row(d: dict[str, Any]) -> TxRow:
    return TxRow(
        d["case_number"],
        d["pdf_url"],
        _day(d["decided"]),
        _day(d["injured"]),
        _day(d["received"]),
        d["specialty"],
        d["category"],
        d["subcategory"],
        d["decision"],
        d["label"],
    )


def group_treatments(rows: Iterable[TxRow]) -> tuple[dict[str, list[Treatment]], dict[str, TxRow]]:
    """Each case's treatments in DWC's order, and each case's first row.

    A further-treatment row belongs to the case of the row before it, across a page boundary
    too. A case whose rows start again later (a duplicate listing, as offset pagination gives
    when the results shift) keeps its longest list: the same rows listed twice are stored
    once.
    """
    groups: list[tuple[str, list[Treatment]]] = []
    firsts: dict[str, TxRow] = {}
    current: list[Treatment] | None = None
    for row in rows:
        treatment = Treatment(row.category, row.subcategory, row.decision, row.label)
        if row.case_number is None:
            if current is None:
                raise ProtocolError("a further-treatment row comes before any case's first row")
            current.append(treatment)
            continue
        current = [treatment]
        groups.append((row.case_number, current))
        firsts.setdefault(row.case_number, row)
    out: dict[str, list[Treatment]] = {}
    for number, treatments in groups:
        held = out.get(number)
        if held is None or len(treatments) > len(held):
            out[number] = treatments
    return out, firsts


def unique_cases(rows: Sequence[CaseRow]) -> list[CaseRow]:
    """The case rows, a case listed twice kept once (its first row), in DWC's order."""
    seen: dict[str, CaseRow] = {}
    for row in rows:
        seen.setdefault(row.case_number, row)
    return list(seen.values())


def case_record(row: CaseRow) -> CaseRecord:
    return CaseRecord(
        row.case_number,
        row.pdf_url,
        row.outcome,
        row.decided,
        row.injured,
        row.received,
        row.specialty,
    )


def record_from_treatment(row: TxRow) -> CaseRecord:
    """A case the treatment search lists and the case search did not (its outcome unknown)."""
    assert row.case_number is not None
    assert row.pdf_url is not None
    assert row.decided is not None
    return CaseRecord(
        row.case_number, row.pdf_url, None, row.decided, row.injured, row.received, row.specialty
    )
