"""The state database: DWC's rows in DWC's order, a run resumed, the letters held; a real
SQLite file reopened as a rerun would."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from imr_search.errors import ConfigError
from imr_search.fetch.ledger import STATE_FILE, CaseRecord, State, Treatment, find_state

DAY = dt.date(2017, 1, 3)


def _case(number: str, day: dt.date = DAY) -> CaseRecord:
    return CaseRecord(number, f"/{number}.pdf", "upheld", day, None, None, "Psychiatry")


def test_rows_and_order_survive_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / STATE_FILE
    treatments = [
        Treatment("Surgery", "Spine", "upheld", "Surgery * Spine *"),
        Treatment("Pharmaceuticals", "Opioids", "overturned", "Pharmaceuticals *  * Opioids"),
        Treatment("Surgery", "Spine", "upheld", "Surgery * Spine *"),
    ]
    with State(path) as state:
        state.put_cases([_case("CM17-0000001")], {"CM17-0000001": treatments})
        state.put_letter("CM17-0000001", "2017-01/CM17-0000001.pdf", "ab" * 32, 1234)
    with State(path, create=False) as state:
        assert state.treatments("CM17-0000001") == treatments
        assert state.case("CM17-0000001") == _case("CM17-0000001")
        held = state.letter("CM17-0000001")
        assert held is not None
        assert (held.path, held.size, held.indexed) == ("2017-01/CM17-0000001.pdf", 1234, False)
        state.mark_indexed(["CM17-0000001"])
        assert state.unindexed() == []
        assert state.counts() == (1, 3, 1)


def test_a_case_stored_again_replaces_its_treatments_whole(tmp_path: Path) -> None:
    with State(tmp_path / STATE_FILE) as state:
        one = [Treatment("DMEPOS", "DME", "upheld", "")]
        state.put_cases([_case("CM17-0000001")], {"CM17-0000001": one * 3})
        state.put_cases([_case("CM17-0000001")], {"CM17-0000001": one * 2})
        assert len(state.treatments("CM17-0000001")) == 2


def test_an_unfinished_run_is_resumed_and_a_finished_one_is_not(tmp_path: Path) -> None:
    with State(tmp_path / STATE_FILE) as state:
        run = state.open_run({"decided": [DAY, DAY]})
        state.save_page(run, "Case", DAY, DAY, 1, 30, [{"row": 1}])
        assert state.open_run({"decided": [DAY, DAY]}) == run
        assert state.window(run, "Case", DAY, DAY) == (30, 1, False)
        assert state.page_rows(run, "Case", DAY, DAY) == [{"row": 1}]
        state.store_window(run, "Case", DAY, DAY, [_case("CM17-0000001")], {})
        assert state.window(run, "Case", DAY, DAY)[2] is True
        assert state.page_rows(run, "Case", DAY, DAY) == []
        state.finish_run(run)
        assert state.open_run({"decided": [DAY, DAY]}) != run


def test_the_store_is_found_from_a_letter_or_its_folder(tmp_path: Path) -> None:
    State(tmp_path / STATE_FILE).close()
    letter = tmp_path / "2017-01" / "CM17-0000001.pdf"
    letter.parent.mkdir()
    letter.write_bytes(b"%PDF-")
    assert find_state(letter) == (tmp_path / STATE_FILE).resolve()
    assert find_state(tmp_path) == (tmp_path / STATE_FILE).resolve()


def test_a_file_that_is_not_a_state_database_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / STATE_FILE).write_text("not sqlite" * 200)
    with pytest.raises(ConfigError, match="cannot open the fetch state"):
        State(tmp_path / STATE_FILE)
    with pytest.raises(ConfigError, match="no fetch state"):
        State(tmp_path / "none" / STATE_FILE, create=False)
