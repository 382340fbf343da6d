"""Dates a letter cannot hold (before IMR began in 2013, or in the future) are a parser warning
and never reach the record, nor the index, as that date; the possible ones are kept.

The letter is a real published letter's text (a fixture PDF) with its header dates rewritten;
what it should say is read from that header: assigned 12/05/2016, injured 10/20/2016, decided
12/30/2016, UR denial 10/28/2016.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from imr_search.cli import main
from imr_search.engines.registry import ENGINES, open_engine
from imr_search.parse import parse_text
from imr_search.parse.dates import plausible_dates
from imr_search.parse.sources import pdf_text

# isort: split
from factories import FIXTURES, make_letter

PDF = FIXTURES / "letters" / "CM16-0229336.pdf"
HEADER = (
    "Date Assigned: 12/05/2016 Date of Injury: 10/20/2016",
    "Decision Date: 12/30/2016 UR Denial Date: 10/28/2016",
)


@functools.cache
def real_text() -> str:
    text = pdf_text(str(PDF), PDF.read_bytes())
    assert all(line in text for line in HEADER)  # the header this test rewrites
    return text


def with_header(assigned: str, injured: str, decided: str, denied: str) -> str:
    return (
        real_text()
        .replace(HEADER[0], f"Date Assigned: {assigned} Date of Injury: {injured}")
        .replace(HEADER[1], f"Decision Date: {decided} UR Denial Date: {denied}")
    )


def test_a_real_header_keeps_every_date() -> None:
    letter = parse_text(real_text(), source=str(PDF))
    assert letter.date_assigned == dt.date(2016, 12, 5)
    assert letter.date_of_injury == dt.date(2016, 10, 20)
    assert letter.decision_date == dt.date(2016, 12, 30)
    assert letter.ur_denial_date == dt.date(2016, 10, 28)
    assert not [w for w in letter.warnings if w.startswith("impossible")]


@pytest.mark.parametrize(
    ("decided", "why"),
    [
        ("12/31/9999", "9999-12-31 is in the future"),
        ("01/01/0001", "0001-01-01 is before 2013-01-01"),
        ("06/30/2012", "2012-06-30 is before 2013-01-01"),
        ("01/02/2099", "2099-01-02 is in the future"),
    ],
)
def test_an_impossible_decision_date_is_a_warning_and_left_out(decided: str, why: str) -> None:
    letter = parse_text(with_header("12/05/2016", "10/20/2016", decided, "10/28/2016"), source="x")
    assert letter.decision_date is None
    assert f"impossible decision_date: {why}; left out" in letter.warnings
    # The other dates are untouched.
    assert letter.date_assigned == dt.date(2016, 12, 5)
    assert letter.ur_denial_date == dt.date(2016, 10, 28)


def test_each_date_has_its_own_range() -> None:
    # An injury long before IMR is possible; in the future, or in year 1, it is not.
    old = parse_text(
        with_header("12/05/2016", "03/14/1987", "12/30/2016", "10/28/2016"), source="x"
    )
    assert old.date_of_injury == dt.date(1987, 3, 14)
    bad = parse_text(
        with_header("01/01/0001", "12/31/9999", "12/30/2016", "01/01/2012"), source="x"
    )
    assert (bad.date_assigned, bad.date_of_injury, bad.ur_denial_date) == (None, None, None)
    assert bad.decision_date == dt.date(2016, 12, 30)
    assert sorted(w.split(":")[0] for w in bad.warnings if w.startswith("impossible")) == [
        "impossible date_assigned",
        "impossible date_of_injury",
        "impossible ur_denial_date",
    ]


def test_today_is_possible_tomorrow_is_not() -> None:
    today = dt.date(2020, 5, 1)
    kept = plausible_dates(make_letter(decision_date=today), today=today)
    assert kept.decision_date == today
    later = plausible_dates(make_letter(decision_date=dt.date(2020, 5, 3)), today=today)
    assert later.decision_date is None


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_records_from_elsewhere_never_reach_the_index_with_an_impossible_date(
    engine: str, tmp_path: Path
) -> None:
    good = make_letter("CM16-0000101", decision_date=dt.date(2016, 3, 1))
    bad = make_letter("CM16-0000102", decision_date=dt.date(9999, 12, 31))
    ancient = make_letter("CM16-0000103", decision_date=dt.date(1, 1, 1))
    records = tmp_path / "records.jsonl"
    records.write_text("".join(json.dumps(le.to_dict()) + "\n" for le in (good, bad, ancient)))
    index = tmp_path / "ix"
    done = CliRunner().invoke(
        main, ["index", "--from-records", str(records), "--engine", engine, "--index", str(index)]
    )
    assert done.exit_code == 0, done.output
    opened = open_engine(index)
    try:
        stats = opened.stats()
        assert (stats.first_decision, stats.last_decision) == (good.decision_date,) * 2
        stored = opened.get_letter(bad.id)
        assert stored.decision_date is None
        assert any(w.startswith("impossible decision_date: 9999-12-31") for w in stored.warnings)
    finally:
        opened.close()
